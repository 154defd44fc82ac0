// CMimalloc: linking mimalloc makes it the process's malloc (see Package.swift).
import CMimalloc
import TomeCommands

TomeCommand.prepareExecutor()
await TomeCommand.runFromCommandLine()

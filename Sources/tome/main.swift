import TomeCommands

TomeCommand.prepareExecutor()
await TomeCommand.runFromCommandLine()

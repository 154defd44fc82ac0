import TomeCommands

await TomeCommand.runFromCommandLine()

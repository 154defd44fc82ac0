import TomeCommands

await TomeCommand.main()

import ArgumentParser

extension TomeCommand {
    /// Parses `CommandLine.arguments` and runs the chosen command, async or not.
    /// Usage errors exit with 64, content errors with 1.
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

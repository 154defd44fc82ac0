import ArgumentParser
import TomeServer

extension TomeCommand {
    /// Chooses Swift concurrency's executor before any task runs, which argument parsing
    /// cannot wait for: `tome serve --no-watch` (production serving, no builds in the
    /// process) runs its jobs on the HTTP server's event loops (`ServingExecutor`). Every
    /// other command keeps the default pool, where a build's long jobs belong.
    /// Says so when the event loops cannot be adopted: the server still works, with a
    /// thread hop per request (about 9% more CPU per uncached search on the C++ corpus).
    public static func prepareExecutor(arguments: [String] = CommandLine.arguments) {
        if servesOnly(arguments) && !ServingExecutor.adoptEventLoops() {
            Terminal.error("warning: requests run on Swift's default executor, not on the server's event loops")
        }
    }

    /// `tome serve … --no-watch …`: a process that will only ever serve a built site.
    static func servesOnly(_ arguments: [String]) -> Bool {
        arguments.count > 1 && arguments[1] == "serve" && arguments.dropFirst(2).contains("--no-watch")
    }

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

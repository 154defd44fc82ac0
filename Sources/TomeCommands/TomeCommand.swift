import ArgumentParser
import TomeCore

/// The `tome` command tree. This module is the only place that knows argv, stderr and
/// exit codes: 0 success, 1 content errors (or a corrupt index), 64 bad usage.
public struct TomeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tome",
        abstract: "Build a searchable static knowledge base from Markdown.",
        version: TomeVersion.string,
        subcommands: [BuildCommand.self, CheckCommand.self, SearchCommand.self, EvalCommand.self, InitCommand.self, NewCommand.self, ServeCommand.self, McpCommand.self]
    )

    public init() {}
}

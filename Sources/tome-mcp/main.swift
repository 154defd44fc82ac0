import ArgumentParser
import Foundation
import TomeMCP

/// The MCP server that `tome mcp` starts. It is its own executable so that `tome`
/// itself does not load the MCP SDK's networking stack (FoundationNetworking, libcurl
/// and some thirty libraries behind it): every `tome build` and `tome search` would
/// pay about 5 ms to load them.
struct TomeMCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tome-mcp",
        abstract: "The Model Context Protocol server behind `tome mcp` (stdio)."
    )

    @Option(help: "The built site folder (with search/ and the Markdown twins).")
    var site = "Public"

    func run() async throws {
        do {
            try await MCPStdio.run(site: site)
        } catch let failure as MCPStdio.Failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}

do {
    try await TomeMCPCommand.parse(Array(CommandLine.arguments.dropFirst())).run()
} catch {
    TomeMCPCommand.exit(withError: error)
}

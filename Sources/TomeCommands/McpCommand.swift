import ArgumentParser
import Foundation
import MCP
import TomeServer

/// `tome mcp [--site Public]`: a Model Context Protocol server over stdio for AI
/// assistants, with the tools search_knowledge_base, read_article and list_books.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Answer AI assistants over the Model Context Protocol (stdio).",
        discussion: """
            Tools: search_knowledge_base(query, limit, book?, tag?), read_article(url or path), list_books.
            Add to an assistant's MCP configuration as: {"command": "tome", "args": ["mcp", "--site", "/path/to/Public"]}.
            Messages go over stdin/stdout; problems are reported on stderr.
            """
    )

    @Option(help: "The built site folder (with search/ and the Markdown twins).")
    var site = "Public"

    func run() async throws {
        let published = PublishedSite(directory: site, searchInstances: 1)
        do {
            try published.warmUp()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        let server = await makeMCPServer(site: published, version: TomeVersion.string)
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }
}

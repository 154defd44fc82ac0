import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tome mcp [--site Public]`: a Model Context Protocol server over stdio for AI
/// assistants, with the tools search_knowledge_base, read_article and list_books.
///
/// The server is the `tome-mcp` executable beside `tome`, which this command becomes
/// (`execv`, so stdin, stdout and the process stay the assistant's): the MCP SDK
/// brings FoundationNetworking and libcurl, which no other command should load.
struct McpCommand: ParsableCommand {
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

    static let helperName = "tome-mcp"

    func run() throws {
        let folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path ?? "."
        let helper = folder + "/" + Self.helperName
        guard FileManager.default.isExecutableFile(atPath: helper) else {
            Terminal.error("error: \(helper) is missing: the MCP server is the \(Self.helperName) executable, installed beside tome")
            Terminal.error("  hint: build it with: swift build -c release --product \(Self.helperName)  (make site builds both)")
            throw ExitCode(1)
        }
        let arguments = [helper, "--site", site]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(helper, &argv)
        Terminal.error("error: cannot start \(helper): \(String(cString: strerror(errno)))")
        throw ExitCode(1)
    }
}

import Foundation
import MCP
import TomeCore
import TomeServer

/// `tome mcp`: the tools over stdin/stdout until the assistant hangs up.
public enum MCPStdio {
    public enum Failure: Error, CustomStringConvertible {
        case siteUnusable(String)
        public var description: String {
            switch self { case .siteUnusable(let reason): reason }
        }
    }

    public static func run(site directory: String) async throws {
        let published = PublishedSite(directory: directory, searchInstances: 1)
        do {
            try published.warmUp()
        } catch {
            throw Failure.siteUnusable("\(error)")
        }
        let server = await makeMCPServer(site: published, version: TomeVersion.string)
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }
}

import Foundation
import MCP
import Testing
@testable import TomeServer
@testable import TomeMCP

/// A real MCP session: the SDK's client talks to our server over an in-process transport.
@Suite struct MCPTests {
    /// A session over the fixture site (plus `extra` content files).
    func withSession(extra: [String: String] = [:], _ test: (Client) async throws -> Void) async throws {
        let fixture = try await Fixture.make(extra: extra)
        defer { fixture.remove() }
        let server = await makeMCPServer(site: fixture.site(instances: 1))
        let (clientTransport, serverTransport) = await InMemoryTransport.createConnectedPair()
        try await server.start(transport: serverTransport)
        let client = Client(name: "tome-tests", version: "1.0")
        let result = try await client.connect(transport: clientTransport)
        #expect(result.serverInfo.name == "tome")
        #expect(result.capabilities.tools != nil)
        do {
            try await test(client)
        } catch {
            await client.disconnect()
            await server.stop()
            throw error
        }
        await client.disconnect()
        await server.stop()
    }

    static func text(_ content: [Tool.Content]) -> String {
        content.map { if case .text(let t, _, _) = $0 { t } else { "" } }.joined()
    }

    @Test func listsTheThreeTools() async throws {
        try await withSession { client in
            let (tools, _) = try await client.listTools()
            #expect(tools.map(\.name) == ["search_knowledge_base", "read_article", "list_books"])
            #expect(tools.allSatisfy { $0.annotations.readOnlyHint == true })
        }
    }

    @Test func searchReturnsDeepLinksAndSnippets() async throws {
        try await withSession { client in
            let (content, isError) = try await client.callTool(name: "search_knowledge_base", arguments: ["query": "after hours", "limit": 3])
            #expect(isError != true)
            let text = Self.text(content)
            #expect(text.hasPrefix("1. Support FAQ — /support/faq/\n"))
            #expect(text.contains("/support/faq/#can-i-get-help-after-hours"))
            #expect(text.contains("after-hours support covers critical issues"))

            let (filtered, _) = try await client.callTool(name: "search_knowledge_base",
                                                           arguments: ["query": "refunds", "book": "support"])
            #expect(Self.text(filtered).hasPrefix("No results"))
            let (tagged, _) = try await client.callTool(name: "search_knowledge_base", arguments: ["query": "refunds", "tag": "money"])
            #expect(Self.text(tagged).contains("/billing/refunds/"))
        }
    }

    @Test func readArticleReturnsMarkdownWithRevision() async throws {
        try await withSession { client in
            for target in ["/support/faq/#can-i-get-help-after-hours", "https://kb.example.com/support/faq/", "support/faq"] {
                let key = target.hasPrefix("support") ? "path" : "url"
                let (content, isError) = try await client.callTool(name: "read_article", arguments: [key: .string(target)])
                #expect(isError != true)
                let text = Self.text(content)
                #expect(text.hasPrefix("---\ntitle: \"Support FAQ\"\n"))
                #expect(text.contains("revision: \"Revision #3"))
                #expect(text.contains("## How do I reset my password?"))
            }
        }
    }

    @Test func listBooks() async throws {
        try await withSession { client in
            let (content, isError) = try await client.callTool(name: "list_books")
            #expect(isError != true)
            #expect(Self.text(content) == "- Billing (book:billing) — /billing/ — 2 pages\n- Support (book:support) — /support/ — 2 pages\n")
        }
    }

    @Test func badCalls() async throws {
        try await withSession { client in
            await #expect(throws: MCPError.self) {
                _ = try await client.callTool(name: "delete_everything", arguments: [:])
            }
            let (missing, isError) = try await client.callTool(name: "search_knowledge_base", arguments: [:])
            #expect(isError == true)
            #expect(Self.text(missing).contains("'query' is required"))
            let (badLimit, badLimitError) = try await client.callTool(name: "search_knowledge_base", arguments: ["query": "x", "limit": 500])
            #expect(badLimitError == true)
            #expect(Self.text(badLimit).contains("'limit'"))
            let (noPage, noPageError) = try await client.callTool(name: "read_article", arguments: ["url": "/no/such/page/"])
            #expect(noPageError == true)
            #expect(Self.text(noPage).contains("no page at '/no/such/page/'"))
            let (escape, escapeError) = try await client.callTool(name: "read_article", arguments: ["path": "../secret.txt"])
            #expect(escapeError == true)
            #expect(!Self.text(escape).contains(Fixture.secret))
        }
    }
}

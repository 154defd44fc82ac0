import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Testing
@testable import TomeServer
@testable import TomeMCP

/// Script injection over the HTTP API and the MCP tools (issue 8), with the payload table
/// the build's XSS tests use (`Tests/Shared/xss-payloads.json`). Each payload is written
/// into a book title, a page title, description, tags, headings and body; then sent as a
/// search query, a filter, a parameter name, a page path and an API path. Every answer:
///
/// - JSON is `application/json` with `X-Content-Type-Options: nosniff` (every response
///   has it), and its bytes hold no raw `<` or `>`: read as HTML it opens no tag; decoded,
///   the text is exactly what the author wrote (escaped once, by JSON, never as HTML);
/// - an error body reflects input only inside such JSON, never with an HTML type; the
///   only HTML the server sends is the site's own pages (the 404 page never echoes the path);
/// - snippets are text with highlight ranges (UTF-16 offsets into the text), never markup;
/// - MCP tools answer with text content only, the payload as plain text.
@Suite struct XSSTests {
    static let payloads: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Shared/xss-payloads.json")
        return (try? JSONDecoder().decode([String].self, from: Data(contentsOf: url))) ?? []
    }()

    /// A word only the hostile pages contain, so a search finds them whatever the payload.
    static let marker = "zebracorn"

    static func files(_ payload: String) -> [String: String] {
        let y = "\"" + payload.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return [
            "hostile/_index.md": "---\ntitle: \(y)\n---\n\nA book about \(marker).\n",
            "hostile/page.md": """
                ---
                title: \(y)
                description: \(y)
                type: faq
                tags: [\(y), \(marker)]
                ---
                ## Section \(payload)

                The \(marker) says \(payload) and \(marker) again.

                ### Question \(payload)?

                Answer: \(marker) \(payload)
                """,
        ]
    }

    static func encode(_ s: String) -> String { KnowledgeBaseTools.formEncode(s) }

    @Test func theTableIsShared() {
        #expect(Self.payloads.count >= 15, "Tests/Shared/xss-payloads.json is missing or short")
        #expect(Self.payloads.contains("<script>alert(1)</script>"))
    }

    /// What every response must satisfy; returns the decoded JSON (nil for non-JSON).
    @discardableResult
    static func check(_ r: TestResponse, payload: String, _ what: String) throws -> Any? {
        #expect(r.headers[.xContentTypeOptions] == "nosniff", "\(what): no nosniff")
        let type = r.headers[.contentType] ?? ""
        let body = String(buffer: r.body)
        if type.hasPrefix("application/json") {
            #expect(!body.contains("<") && !body.contains(">"), "\(what): raw markup characters in JSON: \(body.prefix(300))")
            return try JSONSerialization.jsonObject(with: Data(buffer: r.body))
        }
        if type.hasPrefix("text/html") {
            // Only the site's own pages are HTML: markup in the content is escaped there
            // (TomeBuildTests/XSSTests checks every page), and an error page never echoes the request.
            #expect(!(payload.contains("<") && body.contains(payload)), "\(what): the payload is markup in HTML")
            if r.status != .ok { #expect(!body.contains(payload), "\(what): the request came back in an HTML error page") }
        } else {
            #expect(["text/plain", "text/markdown", "text/javascript", "text/css", "application/"].contains { type.hasPrefix($0) },
                    "\(what): unexpected type \(type)")
        }
        return nil
    }

    /// Snippets are text plus ranges: in bounds, sorted, non-overlapping, each over a word
    /// (letters, digits and the joiners of codes such as `site.title`; never a tag) that
    /// matches a word of the query.
    static func checkSnippets(_ json: Any?, query: String, _ what: String) throws {
        let words = query.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let results = try #require((json as? [String: Any])?["results"] as? [[String: Any]], "\(what): no results array")
        for page in results {
            for section in page["sections"] as? [[String: Any]] ?? [] {
                let snippet = try #require(section["snippet"] as? [String: Any])
                let text = try #require(snippet["text"] as? String) as NSString
                let ranges = try #require(snippet["highlights"] as? [[Int]], "\(what): highlights are not integer pairs")
                var last = 0
                for range in ranges {
                    #expect(range.count == 2 && range[0] >= last && range[0] < range[1] && range[1] <= text.length, "\(what): bad range \(range)")
                    guard range.count == 2, range[0] >= 0, range[1] <= text.length, range[0] < range[1] else { continue }
                    last = range[1]
                    let highlighted = text.substring(with: NSRange(location: range[0], length: range[1] - range[0])).lowercased()
                    #expect(highlighted.allSatisfy { $0.isLetter || $0.isNumber || ".-_@'".contains($0) }, "\(what): highlights '\(highlighted)'")
                    #expect(words.contains { $0.hasPrefix(highlighted) || highlighted.hasPrefix($0) }, "\(what): highlights '\(highlighted)'")
                }
            }
        }
    }

    @Test(arguments: payloads) func httpAPI(_ payload: String) async throws {
        let fixture = try await Fixture.make(extra: Self.files(payload))
        defer { fixture.remove() }
        let app = makeApplication(configuration: fixture.configuration(), site: fixture.site(), logger: Fixture.logger)
        try await app.test(.router) { client in
            // Search: the hostile page is found; its title and tags come back as the text written.
            try await client.execute(uri: "/api/search?q=\(Self.marker)&limit=20", method: .get) { (r) throws in
                #expect(r.status == .ok)
                let json = try Self.check(r, payload: payload, "search")
                let results = try #require((json as? [String: Any])?["results"] as? [[String: Any]])
                let page = try #require(results.first { $0["url"] as? String == "/hostile/page/" }, "the hostile page is not found")
                #expect(page["title"] as? String == payload)
                try Self.checkSnippets(json, query: Self.marker, "search")
            }
            // The payload as the query, a filter, a parameter name, a path: reflected as JSON
            // text only. (`probe` is the payload plus a word the site does not contain, so an
            // echo of the request is told apart from the site's own content.)
            let probe = payload + " xqzprobe"
            try await client.execute(uri: "/api/search?q=\(Self.encode(probe))", method: .get) { (r) throws in
                #expect(r.status == .ok || r.status == .badRequest)
                let json = try Self.check(r, payload: probe, "search q=payload") as? [String: Any]
                if r.status == .ok { #expect(json?["query"] as? String == SearchAPI.collapsingSpaces(probe)) }
            }
            try await client.execute(uri: "/api/search?q=\(Self.encode(payload + " " + Self.marker))", method: .get) { (r) throws in
                try Self.checkSnippets(Self.check(r, payload: payload, "search q=payload+marker"), query: payload + " " + Self.marker,
                                       "search q=payload+marker")
            }
            let p = Self.encode(probe)
            for uri in ["/api/search?q=x&book=\(p)", "/api/search?q=x&tag=\(p)", "/api/search?q=x&\(p)=1", "/api/search?\(p)",
                        "/api/pages/\(p)", "/api/pages/hostile/\(p)/", "/api/\(p)", "/api/search?q=x&limit=\(p)",
                        "/\(p)", "/hostile/\(p)/", "/%2e%2e/\(p)", "/hostile/page/\(p)", "/search/\(p).bin"] {
                try await client.execute(uri: uri, method: .get) { (r) throws in
                    let json = try Self.check(r, payload: probe, uri)
                    if r.status == .ok {
                        // Only a filter can match nothing: an empty result, not an error.
                        #expect(uri.contains("&book=") || uri.contains("&tag="), "\(uri) answered 200")
                        #expect(((json as? [String: Any])?["results"] as? [Any])?.isEmpty == true, "\(uri) found something")
                    } else if uri.hasPrefix("/api/") {
                        #expect(r.headers[.contentType] == "application/json; charset=utf-8", "\(uri): error body is not JSON")
                        let error = (json as? [String: Any])?["error"] as? [String: Any]
                        #expect(error?["message"] is String, "\(uri): no JSON error message")
                    }
                }
            }
            // The page API: title, tags and Markdown as the author wrote them, inside JSON.
            try await client.execute(uri: "/api/pages/hostile/page/", method: .get) { (r) throws in
                #expect(r.status == .ok)
                let page = try #require(try Self.check(r, payload: payload, "page") as? [String: Any])
                #expect(page["title"] as? String == payload)
                #expect((page["tags"] as? [String])?.contains(payload) == true)
                #expect((page["markdown"] as? String)?.contains("The \(Self.marker) says \(payload)") == true)
            }
            // Static files with the payload in their content: the twin is Markdown (not HTML),
            // the rendered page does not carry the payload as markup.
            for uri in ["/hostile/page/index.md", "/hostile/page/", "/hostile/", "/llms.txt", "/llms-full.txt", "/sitemap.xml"] {
                try await client.execute(uri: uri, method: .get) { (r) throws in
                    #expect(r.status == .ok, "\(uri)")
                    try Self.check(r, payload: payload, uri)
                    if uri.hasSuffix(".md") { #expect(r.headers[.contentType] == "text/markdown; charset=utf-8") }
                    if uri.hasSuffix(".txt") { #expect(r.headers[.contentType] == "text/plain; charset=utf-8") }
                }
            }
        }
    }

    @Test(arguments: payloads) func mcpTools(_ payload: String) async throws {
        try await MCPTests().withSession(extra: Self.files(payload)) { client in
            let calls: [(String, [String: Value])] = [
                ("search_knowledge_base", ["query": .string(Self.marker)]),
                ("search_knowledge_base", ["query": .string(payload)]),
                ("search_knowledge_base", ["query": .string(Self.marker), "book": .string(payload)]),
                ("search_knowledge_base", ["query": .string(Self.marker), "tag": .string(payload)]),
                ("read_article", ["url": .string("/hostile/page/")]),
                ("read_article", ["url": .string(payload)]),
                ("read_article", ["path": .string("hostile/" + payload)]),
                ("list_books", [:]),
            ]
            var texts: [String: String] = [:]
            for (name, arguments) in calls {
                let (content, _) = try await client.callTool(name: name, arguments: arguments)
                #expect(!content.isEmpty)
                for item in content {
                    guard case .text(let text, _, _) = item else {
                        Issue.record("\(name) \(arguments): content that is not text: \(item)")
                        continue
                    }
                    texts["\(name) \(arguments.keys.sorted())", default: ""] += text
                }
            }
            // The payload comes back as the text the author wrote (not escaped, not rendered).
            #expect(texts["search_knowledge_base [\"query\"]"]?.contains("1. \(payload) — /hostile/page/") == true
                    || texts["search_knowledge_base [\"query\"]"]?.contains("\(payload) — /hostile/page/") == true)
            #expect(texts["read_article [\"url\"]"]?.contains("The \(Self.marker) says \(payload)") == true)
            #expect(texts["list_books []"]?.contains(payload.split(whereSeparator: \.isNewline).joined(separator: " ")) == true)
        }
    }

    /// The checks catch what they claim to: HTML reflection and raw markup in JSON fail.
    @Test func checksDetectPlantedProblems() async throws {
        let router = Router()
        router.get("/html") { _, _ in
            Response(status: .notFound, headers: [.contentType: "text/html", .xContentTypeOptions: "nosniff"],
                     body: .init(byteBuffer: ByteBuffer(string: "<p>no page at <script>alert(1)</script></p>")))
        }
        router.get("/json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"a\":\"<b>\"}")))
        }
        try await Application(router: router).test(.router) { client in
            for uri in ["/html", "/json"] {
                try await client.execute(uri: uri, method: .get) { (r) throws in
                    await withKnownIssue {
                        try Self.check(r, payload: "<script>alert(1)</script>", uri)
                    }
                }
            }
        }
        let planted: [String: Any] = ["results": [["sections": [["snippet": ["text": "a zebracorn b", "highlights": [[0, 1], [2, 11]]]]]]]]
        await withKnownIssue { try Self.checkSnippets(planted, query: Self.marker, "planted") }
        let markup: [String: Any] = ["results": [["sections": [["snippet": ["text": "<b>zebracorn</b>", "highlights": [[0, 16]]]]]]]]
        await withKnownIssue { try Self.checkSnippets(markup, query: Self.marker, "markup") }
    }
}

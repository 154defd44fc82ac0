import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TomeServer

/// Every route through the one factory, with the `.router` test framework (no sockets).
@Suite struct RouterTests {
    func withApp(liveReload: Bool = false, cors: [String] = [],
                 _ test: @escaping @Sendable (any TestClientProtocol, Fixture) async throws -> Void) async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let app = makeApplication(configuration: fixture.configuration(liveReload: liveReload, cors: cors), site: fixture.site(),
                                  liveReload: liveReload ? LiveReload() : nil, logger: Fixture.logger)
        try await app.test(.router) { client in try await test(client, fixture) }
    }

    static func json(_ body: ByteBuffer) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    @Test func searchReturnsSectionsWithDeepLinksAndHighlights() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/search?q=after+hours", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                #expect(r.headers[HTTPField.Name("X-Request-Id")!] != nil)
                let body = try Self.json(r.body)
                let results = try #require(body["results"] as? [[String: Any]])
                let first = try #require(results.first)
                #expect(first["url"] as? String == "/support/faq/")
                #expect(first["title"] as? String == "Support FAQ")
                let section = try #require((first["sections"] as? [[String: Any]])?.first)
                #expect(section["url"] as? String == "/support/faq/#can-i-get-help-after-hours")
                #expect((section["score"] as? Double ?? 0) > 0)
                let snippet = try #require(section["snippet"] as? [String: Any])
                #expect((snippet["text"] as? String)?.contains("after-hours") == true)
                #expect((snippet["highlights"] as? [[Int]])?.isEmpty == false)
            }
        }
    }

    @Test func searchFilters() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/search?q=refunds&book=support", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(try (Self.json(r.body)["results"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/search?q=refunds&book=billing&limit=1", method: .get) { (r) throws in
                let results = try #require(Self.json(r.body)["results"] as? [[String: Any]])
                #expect(results.count == 1)
                #expect(results.first?["book"] as? String == "billing")
            }
            try await client.execute(uri: "/api/search?q=password&tag=hours&type=faq", method: .get) { (r) throws in
                let results = try #require(Self.json(r.body)["results"] as? [[String: Any]])
                #expect(results.first?["url"] as? String == "/support/faq/")
            }
        }
    }

    @Test(arguments: [
        "/api/search",
        "/api/search?q=",
        "/api/search?q=+++",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&limit=101",
        "/api/search?q=x&limit=ten",
        "/api/search?q=x&sections=0",
        "/api/search?q=x&colour=red",
        "/api/search?q=x&book=",
        "/api/search?q=x&book=a%22b",
        "/api/search?q=a&q=b",
        "/api/search?q=%zz",
        "/api/search?q=%ff",
    ])
    func badSearchInput(uri: String) async throws {
        try await withApp { client, _ in
            try await client.execute(uri: uri, method: .get) { (r) throws in
                #expect(r.status == .badRequest)
                let error = try #require(Self.json(r.body)["error"] as? [String: Any])
                #expect(error["status"] as? Int == 400)
                #expect((error["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func oversizedQueriesAreRefused() async throws {
        try await withApp { client, _ in
            for size in [1025, 1 << 20] {
                try await client.execute(uri: "/api/search?q=" + String(repeating: "a", count: size), method: .get) { (r) throws in
                    #expect(r.status == .badRequest)
                }
            }
        }
    }

    @Test func pagesReturnMetadataRevisionSectionsAndMarkdown() async throws {
        try await withApp { client, _ in
            for uri in ["/api/pages/support/faq", "/api/pages/support/faq/", "/api/pages/support/faq/index.html"] {
                try await client.execute(uri: uri, method: .get) { (r) throws in
                    #expect(r.status == .ok)
                    let page = try Self.json(r.body)
                    #expect(page["url"] as? String == "/support/faq/")
                    #expect(page["title"] as? String == "Support FAQ")
                    #expect(page["book"] as? String == "support")
                    #expect(page["bookTitle"] as? String == "Support")
                    #expect(page["type"] as? String == "faq")
                    #expect(page["tags"] as? [String] == ["support", "hours"])
                    #expect((page["revision"] as? String)?.hasPrefix("Revision #3") == true)
                    let sections = try #require(page["sections"] as? [[String: Any]])
                    #expect(sections.map { $0["url"] as? String } == ["/support/faq/#can-i-get-help-after-hours", "/support/faq/#how-do-i-reset-my-password"])
                    let markdown = try #require(page["markdown"] as? String)
                    #expect(markdown.hasPrefix("# Support FAQ\n\n## Can I get help after hours?"))
                }
            }
            try await client.execute(uri: "/api/pages", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(try Self.json(r.body)["title"] as? String == "Home")
            }
            try await client.execute(uri: "/api/pages/no/such/page", method: .get) { (r) throws in
                #expect(r.status == .notFound)
                #expect(try Self.json(r.body)["error"] != nil)
            }
            for uri in ["/api/pages/%2e%2e/%2e%2e", "/api/pages/../../etc", "/api/pages/up/up"] {
                try await client.execute(uri: uri, method: .get) { (r) throws in
                    #expect(r.status == .badRequest || r.status == .notFound)
                    #expect(!String(buffer: r.body).contains(Fixture.secret))
                }
            }
        }
    }

    @Test func healthAndOpenAPI() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/health", method: .get) { (r) throws in
                #expect(r.status == .ok)
                let health = try Self.json(r.body)
                #expect(health["status"] as? String == "ok")
                #expect(health["pages"] as? Int == 5)
            }
            try await client.execute(uri: "/api/openapi.json", method: .get) { (r) throws in
                #expect(r.status == .ok)
                let doc = try Self.json(r.body)
                #expect(doc["openapi"] as? String == "3.1.0")
                let paths = try #require(doc["paths"] as? [String: Any])
                #expect(Set(paths.keys) == ["/api/search", "/api/pages/{path}", "/api/health", "/api/openapi.json"])
            }
            try await client.execute(uri: "/api/nothing", method: .get) { (r) throws in
                #expect(r.status == .notFound)
                #expect(try Self.json(r.body)["error"] != nil)
            }
            try await client.execute(uri: "/api/search?q=x", method: .post) { (r) throws in
                #expect(r.status == .methodNotAllowed)
            }
            try await client.execute(uri: "/api/events", method: .get) { (r) throws in
                #expect(r.status == .notFound)  // production mode: no live reload
            }
        }
    }

    @Test func healthIs503WithoutAnIndex() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.publicDirectory + "/search")
        let app = makeApplication(configuration: fixture.configuration(), site: fixture.site(), logger: Fixture.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/health", method: .get) { r in #expect(r.status == .serviceUnavailable) }
            try await client.execute(uri: "/api/search?q=x", method: .get) { (r) throws in
                #expect(r.status == .serviceUnavailable)
                #expect(String(buffer: r.body).contains("tome build"))
            }
        }
    }

    @Test func staticFilesPrettyURLsTypesAndCaching() async throws {
        try await withApp { client, _ in
            let etag = try await client.execute(uri: "/support/faq/", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: r.body).contains("Support FAQ"))
                #expect(!String(buffer: r.body).contains(LiveReload.scriptPath))
                #expect(r.headers[.lastModified] != nil)
                return try #require(r.headers[.eTag])
            }
            try await client.execute(uri: "/support/faq/", method: .get, headers: [.ifNoneMatch: etag]) { (r) throws in
                #expect(r.status == .notModified)
                #expect(r.body.readableBytes == 0)
            }
            try await client.execute(uri: "/support/faq/", method: .head) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.body.readableBytes == 0)
                #expect(Int(r.headers[.contentLength] ?? "") ?? 0 > 0)
            }
            try await client.execute(uri: "/support/faq", method: .get) { (r) throws in
                #expect(r.status == .movedPermanently)
                #expect(r.headers[.location] == "/support/faq/")
            }
            try await client.execute(uri: "/", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Fixture KB"))
            }
            try await client.execute(uri: "/support/faq/index.md", method: .get) { (r) throws in
                #expect(r.headers[.contentType] == "text/markdown; charset=utf-8")
                #expect(String(buffer: r.body).hasPrefix("---\ntitle: \"Support FAQ\"\nurl: \"https://kb.example.com/support/faq/\"\n"))
            }
            try await client.execute(uri: "/llms.txt", method: .get) { (r) throws in
                let text = String(buffer: r.body)
                #expect(text.hasPrefix("# Fixture KB\n\n> A tiny help centre.\n"))
                #expect(text.contains("## Support\n\n- [Support](https://kb.example.com/support/index.md): How to reach us.\n- [Support FAQ](https://kb.example.com/support/faq/index.md)\n"))
            }
            try await client.execute(uri: "/llms-full.txt", method: .get) { (r) throws in
                #expect(String(buffer: r.body).contains("A cancellation fee applies to annual permits."))
            }
            try await client.execute(uri: "/search/manifest.json", method: .get) { (r) throws in
                #expect(r.headers[.contentType] == "application/json")
            }
            try await client.execute(uri: "/no/such/page/", method: .get) { (r) throws in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: r.body).contains("Page not found"))
            }
            try await client.execute(uri: "/support/faq/", method: .delete) { (r) throws in
                #expect(r.status == .methodNotAllowed)
            }
        }
    }

    /// Each way out of Public/ (raw, encoded, double-dot variants, encoded slashes and
    /// backslashes, NUL, symlinks to a file and to a folder outside) never serves the secret.
    @Test(arguments: [
        "/../secret.txt", "/../../secret.txt", "/support/../../secret.txt",
        "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt",
        "/support%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/secret.txt%00.html", "/%00",
        "/leak.txt", "/up/secret.txt", "/up/up/secret.txt", "/up/", "/%2e%2e/", "/.%2e/.%2e/secret.txt",
    ])
    func traversalNeverLeavesPublic(uri: String) async throws {
        try await withApp { client, _ in
            try await client.execute(uri: uri, method: .get) { (r) throws in
                #expect([.badRequest, .notFound, .forbidden].contains(r.status), "\(uri) answered \(r.status)")
                #expect(!String(buffer: r.body).contains(Fixture.secret))
            }
        }
    }

    @Test func corsIsOffByDefault() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/search?q=hours", method: .get, headers: [.origin: "https://evil.example"]) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/api/search?q=hours", method: .options, headers: [.origin: "https://evil.example"]) { (r) throws in
                #expect(r.status == .forbidden)
            }
        }
    }

    @Test func corsForConfiguredOrigins() async throws {
        try await withApp(cors: ["https://app.example"]) { client, _ in
            try await client.execute(uri: "/api/search?q=hours", method: .get, headers: [.origin: "https://app.example"]) { (r) throws in
                #expect(r.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect(r.headers[.vary] == "Origin")
            }
            try await client.execute(uri: "/api/search?q=hours", method: .options,
                                     headers: [.origin: "https://app.example", .accessControlRequestMethod: "GET"]) { (r) throws in
                #expect(r.status == .noContent)
                #expect(r.headers[.accessControlAllowMethods] == "GET, HEAD, OPTIONS")
            }
            try await client.execute(uri: "/api/search?q=hours", method: .get, headers: [.origin: "https://other.example"]) { (r) throws in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func liveReloadModeInjectsTheScriptAndServesIt() async throws {
        try await withApp(liveReload: true) { client, _ in
            try await client.execute(uri: "/support/faq/", method: .get) { (r) throws in
                #expect(String(buffer: r.body).contains(LiveReload.scriptTag + "</body>"))
            }
            try await client.execute(uri: "/support/faq/index.md", method: .get) { (r) throws in
                #expect(!String(buffer: r.body).contains(LiveReload.scriptTag))
            }
            try await client.execute(uri: LiveReload.scriptPath, method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("new EventSource(\"/api/events\")"))
            }
        }
    }
}

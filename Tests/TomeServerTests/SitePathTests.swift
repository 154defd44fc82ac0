import Testing
@testable import TomeServer

struct SitePathTests {
    @Test(arguments: [
        ("/", [String](), false),
        ("/support/faq/", ["support", "faq"], true),
        ("/support/faq", ["support", "faq"], false),
        ("/a%20b/", ["a b"], true),
        ("/caf%C3%A9/", ["café"], true),
        ("//support//faq/", ["support", "faq"], true),
        ("/.well-known/security.txt", [".well-known", "security.txt"], false),
    ])
    func accepted(path: String, segments: [String], trailing: Bool) throws {
        let parsed = try SitePath.segments(path)
        #expect(parsed.segments == segments)
        #expect(parsed.trailingSlash == trailing)
    }

    @Test(arguments: [
        ("/../secret.txt", SitePath.Problem.forbidden),
        ("/support/../../secret.txt", .forbidden),
        ("/%2e%2e/secret.txt", .forbidden),
        ("/%2E%2E/secret.txt", .forbidden),
        ("/.%2e/secret.txt", .forbidden),
        ("/%2e./secret.txt", .forbidden),
        ("/..%2fsecret.txt", .forbidden),
        ("/..%2Fsecret.txt", .forbidden),
        ("/support%2f..%2f..%2fsecret.txt", .forbidden),
        ("/..%5csecret.txt", .forbidden),
        ("/..\\secret.txt", .forbidden),
        ("/index.html%00.txt", .forbidden),
        ("/./index.html", .forbidden),
        ("/.git/config", .forbidden),
        ("/%zz", .malformed),
        ("/%2", .malformed),
        ("/%ff%fe", .malformed),
        ("relative", .malformed),
    ])
    func refused(path: String, problem: SitePath.Problem) {
        #expect(throws: problem) { try SitePath.segments(path) }
    }

    @Test func contentTypes() {
        #expect(ContentTypes.type(forPath: "/x/index.html") == "text/html; charset=utf-8")
        #expect(ContentTypes.type(forPath: "/x/index.md") == "text/markdown; charset=utf-8")
        #expect(ContentTypes.type(forPath: "/search/manifest.json") == "application/json")
        #expect(ContentTypes.type(forPath: "/a.b/README") == "application/octet-stream")
        #expect(ContentTypes.isImmutable("/p/search/t-0123456789abcdef.bin"))
        #expect(ContentTypes.isImmutable("/p/search/d-0123456789abcdef.bin.js"))
        #expect(!ContentTypes.isImmutable("/p/search/manifest.json"))
        #expect(!ContentTypes.isImmutable("/p/assets/tome.css"))
    }

    @Test func reloadScriptGoesBeforeTheLastBodyEnd() {
        let html = Array("<html><body><p>x</p></BODY></html>".utf8)
        let out = String(decoding: LiveReload.inject(into: html), as: UTF8.self)
        #expect(out == "<html><body><p>x</p>\(LiveReload.scriptTag)</BODY></html>")
        #expect(String(decoding: LiveReload.inject(into: Array("plain".utf8)), as: UTF8.self) == "plain" + LiveReload.scriptTag)
    }

    @Test func articleLookupAcceptsURLsAndPaths() {
        #expect(ArticleLookup.sitePath("https://kb.example.com/support/faq/#after-hours") == "/support/faq/")
        #expect(ArticleLookup.sitePath("support/faq") == "/support/faq/")
        #expect(ArticleLookup.sitePath("/support/faq/index.html") == "/support/faq/")
        #expect(ArticleLookup.sitePath("/support/faq/index.md") == "/support/faq/")
        #expect(ArticleLookup.sitePath("billing/refunds.md") == "/billing/refunds/")
        #expect(ArticleLookup.sitePath("/") == "/")
        #expect(ArticleLookup.sitePath("https://kb.example.com") == "/")
    }
}

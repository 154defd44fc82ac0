import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TomeServer

/// The `/api/search` answer cache: keyed by the normalized request, bounded (CLOCK),
/// and gone with the index when the site is rebuilt.
@Suite struct ResponseCacheTests {
    static func answer(_ text: String) -> ResponseCache.Answer { .init(json: ByteBuffer(string: text), gzip: nil) }

    func withApp(cacheEntries: Int = PublishedSite.defaultSearchCacheEntries,
                 _ test: @escaping @Sendable (any TestClientProtocol, Fixture, PublishedSite) async throws -> Void) async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let site = PublishedSite(directory: fixture.publicDirectory, searchInstances: 1, searchCacheEntries: cacheEntries)
        let app = makeApplication(configuration: fixture.configuration(), site: site, logger: Fixture.logger)
        try await app.test(.router) { client in try await test(client, fixture, site) }
    }

    @Test(arguments: [
        ("q=after+hours", "q=after%20hours"),
        ("q=after+hours&limit=10", "limit=10&q=++after+++hours+"),
        ("q=refunds&book=billing&tag=money", "tag=money&q=refunds&book=billing"),
        ("q=x&sections=3", "q=x"),
    ])
    func equivalentRequestsShareAKey(a: String, b: String) throws {
        #expect(try SearchAPI.parse(a).key == SearchAPI.parse(b).key)
    }

    @Test(arguments: [
        ("q=after+hours", "q=after+hours&limit=5"),
        ("q=after+hours", "q=after+hours&sections=1"),
        ("q=refunds&book=billing", "q=refunds&book=support"),
        ("q=%22after++hours%22", "q=%22after+hours%22+x"),
        ("q=book:%22a++b%22", "q=book:%22a+b%22"),
    ])
    func differentRequestsDoNot(a: String, b: String) throws {
        #expect(try SearchAPI.parse(a).key != SearchAPI.parse(b).key)
    }

    @Test(arguments: [
        ("after hours", "after hours"), ("  after \t  hours \n", "after hours"), ("after\u{3000}hours", "after hours"),
        ("\"after  hours\"   support", "\"after  hours\" support"), ("-refund  book:\"a  b\"", "-refund book:\"a  b\""),
    ])
    func queriesAreNormalized(raw: String, normalized: String) {
        #expect(SearchAPI.collapsingSpaces(raw) == normalized)
    }

    @Test func repeatedSearchesAreAnsweredFromTheCache() async throws {
        try await withApp { client, _, site in
            let first = try await client.execute(uri: "/api/search?q=after+hours", method: .get) { r in String(buffer: r.body) }
            let again = try await client.execute(uri: "/api/search?limit=10&q=after++hours", method: .get) { r in String(buffer: r.body) }
            #expect(first == again)
            let stats = try site.searchPool().responses.statistics
            #expect(stats.entries == 1)
            #expect(stats.hits == 1 && stats.misses == 1)
            // Errors are not cached (nothing to look up).
            try await client.execute(uri: "/api/search?q=", method: .get) { r in #expect(r.status == .badRequest) }
            #expect(try site.searchPool().responses.statistics.entries == 1)
        }
    }

    @Test func aRebuildEmptiesTheCache() async throws {
        try await withApp { client, fixture, site in
            let before = try await client.execute(uri: "/api/search?q=refunds", method: .get) { r in String(buffer: r.body) }
            #expect(before.contains("ten business days"))
            let page = fixture.content + "/billing/refunds.md"
            let text = try String(contentsOfFile: page, encoding: .utf8)
            try text.replacingOccurrences(of: "ten business days", with: "five working days")
                .write(toFile: page, atomically: true, encoding: .utf8)
            let report = try await fixture.build()
            #expect(report.succeeded)
            site.reload()
            let after = try await client.execute(uri: "/api/search?q=refunds", method: .get) { r in String(buffer: r.body) }
            #expect(after.contains("five working days"))
            #expect(!after.contains("ten business days"))
        }
    }

    @Test func zeroEntriesTurnsItOff() async throws {
        try await withApp(cacheEntries: 0) { client, _, site in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/search?q=refunds", method: .get) { r in #expect(r.status == .ok) }
            }
            #expect(try site.searchPool().responses.statistics.entries == 0)
        }
    }

    /// CLOCK: a full cache evicts; an entry hit since the hand last passed gets a second chance.
    @Test func clockEvictionKeepsWhatWasUsed() {
        let cache = ResponseCache(capacity: 4)
        for k in ["a", "b", "c", "d"] { cache.store(Self.answer(k), for: k) }
        #expect(cache.answer(for: "a") != nil)
        cache.store(Self.answer("e"), for: "e")
        #expect(cache.statistics.entries == 4)
        #expect(cache.answer(for: "a") != nil, "a was used: it stays")
        #expect(cache.answer(for: "b") == nil, "b was the oldest unused: it goes")
        for i in 0..<100 { cache.store(Self.answer("\(i)"), for: "k\(i)") }
        #expect(cache.statistics.entries == 4)
        #expect(cache.answer(for: "k99").map { String(buffer: $0.json) } == "99")
    }

    @Test func theByteLimitHolds() {
        let cache = ResponseCache(capacity: 1000, byteLimit: 1000)
        for i in 0..<50 {
            cache.store(Self.answer(String(repeating: "x", count: 90)), for: "key\(i)")
            #expect(cache.statistics.bytes <= 1000)
        }
        cache.store(Self.answer(String(repeating: "y", count: 2000)), for: "huge")
        #expect(cache.answer(for: "huge") == nil, "an answer larger than the whole cache is not kept")
        #expect(cache.statistics.entries > 0)
    }
}

import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TomeSearch
@testable import TomeServer

/// `Content-Encoding: gzip` (issue 6, "compression"): negotiated per request, the gzip
/// form made once and kept in the bounded file cache, a validator per encoding, the
/// search index's own gzip files never compressed twice.
@Suite struct CompressionTests {
    func withApp(liveReload: Bool = false, _ test: @escaping @Sendable (any TestClientProtocol, Fixture, PublishedSite) async throws -> Void) async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let site = fixture.site()
        let app = makeApplication(configuration: fixture.configuration(liveReload: liveReload), site: site,
                                  liveReload: liveReload ? LiveReload() : nil, logger: Fixture.logger)
        try await app.test(.router) { client in try await test(client, fixture, site) }
    }

    static let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate, br"]

    struct NotGzip: Error {}

    static func inflate(_ body: ByteBuffer) throws -> [UInt8] {
        guard let bytes = Gzip.decompress(Array(buffer: body)) else {
            Issue.record("not a gzip body (\(body.readableBytes) bytes)")
            throw NotGzip()
        }
        return bytes
    }

    @Test(arguments: [
        ("gzip", true), ("gzip, deflate, br", true), ("br;q=1.0, gzip;q=0.8", true), ("GZIP", true), ("x-gzip", true),
        ("*", true), (" deflate , gzip ; q=0.5", true),
        ("deflate, br", false), ("identity", false), ("gzip;q=0", false), ("gzip; q=0.000", false), ("*;q=0", false),
        ("gzip;q=0, *", false), ("", false),
    ])
    func acceptEncodingNegotiation(header: String, accepts: Bool) {
        #expect(HTTPCompression.acceptsGzip(header) == accepts, "\(header)")
    }

    @Test func noHeaderMeansNoGzip() {
        #expect(!HTTPCompression.acceptsGzip(nil))
    }

    @Test func compressibleTypes() {
        for path in ["a.html", "a.css", "a.js", "a.json", "a.xml", "a.svg", "a.md", "a.txt", "a.webmanifest"] {
            #expect(HTTPCompression.isCompressible(contentType: ContentTypes.type(forPath: path)), "\(path)")
        }
        for path in ["t-0123456789abcdef.bin", "a.png", "a.jpg", "a.woff2", "a.mp4", "a.pdf", "noextension"] {
            #expect(!HTTPCompression.isCompressible(contentType: ContentTypes.type(forPath: path)), "\(path)")
        }
    }

    @Test func htmlPagesAreGzippedWhenAccepted() async throws {
        try await withApp { client, _, _ in
            let plain = try await client.execute(uri: "/support/faq/", method: .get) { r in
                #expect(r.headers[.contentEncoding] == nil)
                #expect(r.headers[.vary] == "Accept-Encoding")
                return (Array(buffer: r.body), try #require(r.headers[.eTag]))
            }
            let zipped = try await client.execute(uri: "/support/faq/", method: .get, headers: Self.gzip) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(r.headers[.vary] == "Accept-Encoding")
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(r.headers[.contentLength] == String(r.body.readableBytes))
                #expect(r.body.readableBytes < plain.0.count)
                #expect(try Self.inflate(r.body) == plain.0)
                return try #require(r.headers[.eTag])
            }
            // One validator per representation, each valid only for its own encoding.
            #expect(zipped != plain.1)
            var conditional = Self.gzip
            conditional[.ifNoneMatch] = zipped
            try await client.execute(uri: "/support/faq/", method: .get, headers: conditional) { r in
                #expect(r.status == .notModified)
                #expect(r.headers[.contentEncoding] == "gzip")
            }
            try await client.execute(uri: "/support/faq/", method: .get, headers: [.ifNoneMatch: zipped]) { (r) throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == nil)
                #expect(Array(buffer: r.body) == plain.0)
            }
            conditional[.ifNoneMatch] = plain.1
            try await client.execute(uri: "/support/faq/", method: .get, headers: conditional) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
            }
            try await client.execute(uri: "/support/faq/", method: .get, headers: [.acceptEncoding: "gzip;q=0, br"]) { r in
                #expect(r.headers[.contentEncoding] == nil)
            }
            try await client.execute(uri: "/support/faq/", method: .head, headers: Self.gzip) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(r.headers[.contentLength].flatMap { Int($0) }.map { $0 > 0 && $0 < plain.0.count } == true)
                #expect(r.body.readableBytes == 0)
            }
            // The 404 page as well.
            try await client.execute(uri: "/no/such/page/", method: .get, headers: Self.gzip) { (r) throws in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(String(decoding: try Self.inflate(r.body), as: UTF8.self).contains("Page not found"))
            }
        }
    }

    @Test func searchIndexFilesAreNeverCompressedTwice() async throws {
        try await withApp { client, fixture, _ in
            let names = try FileManager.default.contentsOfDirectory(atPath: fixture.publicDirectory + "/search")
            let bins = names.filter { $0.hasSuffix(".bin") }
            #expect(!bins.isEmpty)
            for name in bins {
                try await client.execute(uri: "/search/" + name, method: .get, headers: Self.gzip) { (r) throws in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentEncoding] == nil, "\(name)")
                    #expect(r.headers[.vary] == nil, "\(name)")
                    #expect(r.headers[.contentType] == "application/octet-stream")
                    let stored = try Data(contentsOf: URL(fileURLWithPath: fixture.publicDirectory + "/search/" + name))
                    #expect(Array(buffer: r.body) == Array(stored), "served as stored")
                    // one gzip member each, but the doc store's files (deflate records)
                    #expect(Array(stored.prefix(2)) == [0x1F, 0x8B] || name.hasPrefix("d-"))
                }
            }
            // The manifest is JSON: compressed when large enough.
            try await client.execute(uri: "/search/manifest.json", method: .get, headers: Self.gzip) { (r) throws in
                let size = try FileManager.default.attributesOfItem(atPath: fixture.publicDirectory + "/search/manifest.json")[.size] as? Int ?? 0
                #expect(r.headers[.contentEncoding] == (size >= HTTPCompression.minimumBytes ? "gzip" : nil))
            }
        }
    }

    @Test func smallFilesAreSentAsTheyAre() async throws {
        try await withApp { client, fixture, _ in
            let small = "User-agent: *\nAllow: /\n"
            try small.write(toFile: fixture.publicDirectory + "/small.txt", atomically: true, encoding: .utf8)
            try await client.execute(uri: "/small.txt", method: .get, headers: Self.gzip) { r in
                #expect(r.headers[.contentEncoding] == nil)
                #expect(r.headers[.vary] == nil)
                #expect(String(buffer: r.body) == small)
            }
        }
    }

    @Test func liveReloadPagesAreGzippedWithTheScript() async throws {
        try await withApp(liveReload: true) { client, _, _ in
            try await client.execute(uri: "/support/faq/", method: .get, headers: Self.gzip) { (r) throws in
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(String(decoding: try Self.inflate(r.body), as: UTF8.self).contains(LiveReload.scriptTag + "</body>"))
            }
        }
    }

    /// A changed file is seen at once (new bytes, new gzip, new validators).
    @Test func aChangedFileIsCompressedAgain() async throws {
        try await withApp { client, fixture, _ in
            let path = fixture.publicDirectory + "/notes.txt"
            try String(repeating: "first version of the notes\n", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
            let first = try await client.execute(uri: "/notes.txt", method: .get, headers: Self.gzip) { (r) throws in
                #expect(String(decoding: try Self.inflate(r.body), as: UTF8.self).hasPrefix("first version"))
                return r.headers[.eTag]
            }
            try String(repeating: "second version, longer than the first\n", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
            try await client.execute(uri: "/notes.txt", method: .get, headers: Self.gzip) { (r) throws in
                #expect(String(decoding: try Self.inflate(r.body), as: UTF8.self).hasPrefix("second version"))
                #expect(r.headers[.eTag] != first)
            }
        }
    }

    /// The gzip form is made once: later requests get the very same bytes from memory.
    @Test func theGzipFormIsMadeOnceAndKept() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let cache = FileCache()
        let path = fixture.publicDirectory + "/support/faq/index.html"
        let info = try #require(FileSystem.info(path))
        let plain = try #require(cache.representation(of: path, info: info))
        #expect(plain.gzip == nil)
        let first = try #require(cache.representation(of: path, info: info, gzip: true)?.gzip)
        let second = try #require(cache.representation(of: path, info: info, gzip: true)?.gzip)
        let address = { (b: ByteBuffer) in b.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }
        #expect(address(first) == address(second), "the second request compressed again")
        #expect(cache.usage.entries == 1)
        #expect(cache.usage.bytes == plain.body.readableBytes + first.readableBytes)
        #expect(try Self.inflate(first) == Array(buffer: plain.body))
    }

    /// Past its limit the cache drops entries; memory stays within the bound and every
    /// answer is still right.
    @Test func theFileCacheIsBounded() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tome-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = FileCache(limit: 64 << 10, largestFile: 16 << 10)
        var files: [(String, String)] = []
        for i in 0..<60 {
            let path = folder + "/page\(i).html"
            let text = "<p>page \(i)</p>\n" + String(repeating: "lorem ipsum dolor sit amet \(i) ", count: 200)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append((path, text))
        }
        for round in 0..<3 {
            for (path, text) in files {
                let info = try #require(FileSystem.info(path))
                let r = try #require(cache.representation(of: path, info: info, gzip: round > 0))
                #expect(String(buffer: r.body) == text)
                if let z = r.gzip { #expect(String(decoding: try Self.inflate(z), as: UTF8.self) == text) }
                #expect(cache.usage.bytes <= cache.limit)
            }
        }
        #expect(cache.usage.entries > 0 && cache.usage.entries < files.count)
        // Larger than largestFile: served, never kept.
        let big = folder + "/big.html"
        try String(repeating: "x", count: 20 << 10).write(toFile: big, atomically: true, encoding: .utf8)
        let before = cache.usage
        #expect(cache.representation(of: big, info: try #require(FileSystem.info(big)), gzip: true)?.body.readableBytes == 20 << 10)
        #expect(cache.usage.entries == before.entries && cache.usage.bytes == before.bytes)
    }

    @Test func apiAnswersAreGzippedWhenAccepted() async throws {
        try await withApp { client, _, _ in
            for uri in ["/api/search?q=refunds+permits&limit=20", "/api/pages/support/faq/", "/api/openapi.json"] {
                let plain = try await client.execute(uri: uri, method: .get) { r in Array(buffer: r.body) }
                try await client.execute(uri: uri, method: .get, headers: Self.gzip) { (r) throws in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                    #expect(r.headers[.xContentTypeOptions] == "nosniff")
                    if plain.count >= HTTPCompression.minimumBytes {
                        #expect(r.headers[.contentEncoding] == "gzip", "\(uri)")
                        #expect(r.headers[.vary] == "Accept-Encoding")
                        #expect(try Self.inflate(r.body) == plain, "\(uri)")
                    } else {
                        #expect(Array(buffer: r.body) == plain)
                    }
                }
            }
        }
    }

    /// A real socket: the bytes on the wire are one gzip member with a matching length.
    @Test func overTheWire() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let app = makeApplication(configuration: fixture.configuration(), site: fixture.site(), logger: Fixture.logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/support/faq/")
            request.headers.add(name: "Accept-Encoding", value: "gzip")
            // The shared client inflates bodies itself; this one shows the bytes as sent.
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(decompression: .disabled))
            let response: HTTPClientResponse
            let body: ByteBuffer
            do {
                response = try await http.execute(request, timeout: .seconds(30))
                body = try await response.body.collect(upTo: 1 << 20)
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
            #expect(response.headers.first(name: "content-encoding") == "gzip")
            #expect(response.headers.first(name: "content-length") == String(body.readableBytes))
            #expect(String(decoding: try Self.inflate(body), as: UTF8.self).contains("Support FAQ"))
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TomeServer

/// `Range` requests (the browser engine reads doc store records with them): 206 with
/// the bytes asked for, 416 past the end, the whole file for anything else.
@Suite struct RangeTests {
    @Test(arguments: [
        ("bytes=0-9", 100, StaticFiles.ByteRange.part(0..<10)), ("bytes=90-200", 100, .part(90..<100)),
        ("bytes=95-", 100, .part(95..<100)), ("bytes=-10", 100, .part(90..<100)), ("bytes=-500", 100, .part(0..<100)),
        ("bytes=100-", 100, .unsatisfiable), ("bytes=100-120", 100, .unsatisfiable), ("bytes=-0", 100, .unsatisfiable),
        ("bytes=5-2", 100, .whole), ("bytes=0-1,4-5", 100, .whole), ("items=0-1", 100, .whole), ("bytes=a-b", 100, .whole),
        ("bytes=-", 100, .whole), ("bytes=0-1-2", 100, .whole),
    ])
    func parse(_ spec: String, _ size: Int, _ expected: StaticFiles.ByteRange) {
        #expect(StaticFiles.byteRange(spec, size: size) == expected, "\(spec)")
    }

    @Test func storeFilesAnswerRanges() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let app = makeApplication(configuration: fixture.configuration(), site: fixture.site(), liveReload: nil, logger: Fixture.logger)
        try await app.test(.router) { client in
            let names = try FileManager.default.contentsOfDirectory(atPath: fixture.publicDirectory + "/search")
            let name = try #require(names.first { $0.hasPrefix("d-") })
            let whole = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.publicDirectory + "/search/" + name)))
            try await client.execute(uri: "/search/" + name, method: .get, headers: [.range: "bytes=3-12"]) { r in
                #expect(r.status == .partialContent)
                #expect(r.headers[.contentRange] == "bytes 3-12/\(whole.count)")
                #expect(r.headers[.contentLength] == "10")
                #expect(Array(buffer: r.body) == Array(whole[3..<13]))
            }
            try await client.execute(uri: "/search/" + name, method: .get, headers: [.range: "bytes=\(whole.count)-"]) { r in
                #expect(r.status == .rangeNotSatisfiable)
                #expect(r.headers[.contentRange] == "bytes */\(whole.count)")
            }
            try await client.execute(uri: "/search/" + name, method: .get, headers: [.range: "bytes=0-1", .ifRange: "\"stale\""]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.acceptRanges] == "bytes")
                #expect(Array(buffer: r.body) == whole)
            }
        }
    }
}

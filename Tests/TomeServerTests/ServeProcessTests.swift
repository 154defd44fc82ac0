import AsyncHTTPClient
import Foundation
import Testing

/// `tome serve --no-watch` as an operator runs it: the real binary, which answers on the
/// server's event loops (`ServingExecutor`), then stops cleanly on SIGTERM.
@Suite struct ServeProcessTests {
    @Test func productionServerAnswersAndStopsOnSIGTERM() async throws {
        let tome = MCPCommandTests.products.appendingPathComponent("tome")
        try #require(FileManager.default.isExecutableFile(atPath: tome.path), "build the products first: swift build --build-tests")
        let fixture = try await Fixture.make()
        defer { fixture.remove() }

        let process = Process()
        process.executableURL = tome
        process.arguments = ["serve", "--no-watch", "--output", fixture.publicDirectory, "--port", "0", "--log-level", "warning"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }  // a failed check must not leave it running

        let (announced, stderr) = Self.port(announcedOn: errors.fileHandleForReading)
        let port = try #require(announced, "no 'Serving … at http://…' line")
        #expect(!stderr.contains("warning"), "the server did not adopt its event loops: \(stderr)")
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let body: String
        let status: UInt
        do {
            let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/search?q=refunds"), timeout: .seconds(30))
            status = response.status.code
            body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
        #expect(status == 200)
        #expect(body.contains("\"url\":\"/billing/refunds/\""))

        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "the server did not stop within 20 s of SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// Reads stderr until the server says where it listens; the port and what it read.
    static func port(announcedOn handle: FileHandle) -> (Int?, String) {
        var text = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return (nil, text) }
            text += String(decoding: chunk, as: UTF8.self)
            if let match = text.firstMatch(of: /at http:\/\/127\.0\.0\.1:(\d+)\//) { return (Int(match.1), text) }
        }
    }
}

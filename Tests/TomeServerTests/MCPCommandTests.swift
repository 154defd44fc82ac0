import Foundation
import Testing

/// `tome mcp` as an assistant starts it: the real `tome` binary, which execs the
/// `tome-mcp` server beside it, answering `initialize` over stdin/stdout.
@Suite struct MCPCommandTests {
    /// The executables SwiftPM built next to this test bundle.
    static let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()

    @Test func tomeMcpBecomesTheServer() async throws {
        let tome = Self.products.appendingPathComponent("tome")
        try #require(FileManager.default.isExecutableFile(atPath: tome.path), "build the products first: swift build --build-tests")
        let fixture = try await Fixture.make()
        defer { fixture.remove() }

        let process = Process()
        process.executableURL = tome
        process.arguments = ["mcp", "--site", fixture.publicDirectory]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#
        input.fileHandleForWriting.write(Data((initialize + "\n").utf8))

        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()

        let line = try #require(received.split(separator: UInt8(ascii: "\n")).first, "no answer on stdout")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        let result = try #require(answer["result"] as? [String: Any])
        let server = try #require(result["serverInfo"] as? [String: Any])
        #expect(server["name"] as? String == "tome")
        #expect(answer["id"] as? Int == 1)
    }
}

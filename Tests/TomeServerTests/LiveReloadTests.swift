import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TomeBuild
@testable import TomeCommands
@testable import TomeServer

/// End to end: a real server on port 0 with the watcher, a real SSE connection.
/// Save a file → `reload` event → the new page; break it → `build-error` with file and
/// line while the old page is still served; fix it → `reload` again.
@Suite struct LiveReloadTests {
    final class Received: Sendable {
        let text = Mutex("")
        func append(_ s: String) { text.withLock { $0 += s } }
        /// Waits until `needle` appears after `offset`; returns the offset after it. The
        /// limit catches a hang, not slowness: `swift test` runs the other suites' builds in
        /// the same process, on the same two cores, and a rebuild here then waits its turn
        /// (30 s was exceeded by a build error event that did arrive, after 40 s).
        func wait(for needle: String, after offset: Int, seconds: Double = 180) async throws -> (String, Int) {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                let all = text.withLock { $0 }
                let tail = String(all.utf8.dropFirst(offset))!
                if let range = tail.range(of: needle) {
                    let end = tail[range.upperBound...].range(of: "\n\n")?.upperBound ?? tail.endIndex
                    return (String(tail[..<end]), offset + tail[..<end].utf8.count)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("timed out waiting for \(needle); received: \(text.withLock { $0 })")
            throw CancellationError()
        }
    }

    /// Its own threads: the watcher's rebuilds, the server and the event stream must not
    /// wait behind other suites' long synchronous tests on the shared pool (under a load of
    /// 7-9 a `build-error` event once missed this test's 180 s, most likely that way).
    static let executor = DedicatedExecutor()

    @Test func saveReloadBreakFix() async throws {
        try await withTaskExecutorPreference(Self.executor) {
            #expect(Self.executor.isCurrent)
            try await saveReloadBreakFixBody()
        }
    }

    private func saveReloadBreakFixBody() async throws {
        let fixture = try await Fixture.make()
        defer { fixture.remove() }
        let site = fixture.site(instances: 1)
        let reload = LiveReload()
        let options = BuildOptions(contentDirectory: fixture.content, contentDisplayPath: "Content", useGit: false, useFileDates: false)
        var live = LiveSite(options: options, output: fixture.publicDirectory, site: site, liveReload: reload,
                            watched: [fixture.content], logger: Fixture.logger)
        live.interval = .milliseconds(100)
        live.printDiagnostics = false
        let app = makeApplication(configuration: fixture.configuration(liveReload: true), site: site, liveReload: reload, services: [live], logger: Fixture.logger)
        let faq = fixture.content + "/support/faq.md"
        let original = try String(contentsOfFile: faq, encoding: .utf8)

        try await app.test(.live) { client in
            let port = try #require(client.port)
            let received = Received()
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            let reader = Task(executorPreference: Self.executor) {
                for try await chunk in response.body { received.append(String(buffer: chunk)) }
            }
            defer { reader.cancel() }
            var offset = 0
            (_, offset) = try await received.wait(for: ": tome live reload", after: offset)

            // 1. Save: the page reloads with the new text.
            try (original + "\nNEW-ANSWER-42 is the new paragraph.\n").write(toFile: faq, atomically: true, encoding: .utf8)
            let event: String
            (event, offset) = try await received.wait(for: "event: reload\n", after: offset)
            #expect(event.contains("data: {\"generation\":1}"))
            try await client.execute(uri: "/support/faq/", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("NEW-ANSWER-42"))
                #expect(String(buffer: r.body).contains(LiveReload.scriptTag))
            }
            try await client.execute(uri: "/api/search?q=NEW-ANSWER-42", method: .get) { (r) throws in
                #expect(String(buffer: r.body).contains("/support/faq/"))
            }

            // 2. Break it: an error event with file and line; the last good page is still served.
            let broken = original.replacingOccurrences(of: "revision: 3", with: "revision: three")
            try broken.write(toFile: faq, atomically: true, encoding: .utf8)
            let failure: String
            (failure, offset) = try await received.wait(for: "event: build-error\n", after: offset)
            #expect(failure.contains("\"file\":\"Content/support/faq.md\""))
            #expect(failure.contains("\"line\":5"))
            try await client.execute(uri: "/support/faq/", method: .get) { (r) throws in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("NEW-ANSWER-42"))
            }

            // 3. Fix it: reload again, and the new page is the fixed one.
            try original.write(toFile: faq, atomically: true, encoding: .utf8)
            (_, offset) = try await received.wait(for: "event: reload\n", after: offset)
            try await client.execute(uri: "/support/faq/", method: .get) { (r) throws in
                #expect(!String(buffer: r.body).contains("NEW-ANSWER-42"))
            }
        }
    }

    @Test func aNewSubscriberSeesTheCurrentFailure() async throws {
        let reload = LiveReload()
        reload.publish(.buildFailed([BuildProblem(file: "Content/a.md", line: 2, column: 1, severity: "error", id: "x", message: "bad")]))
        let (stream, end) = reload.subscribe()
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.frame == "event: build-error\ndata: {\"problems\":[{\"file\":\"Content/a.md\",\"line\":2,\"column\":1,\"severity\":\"error\",\"id\":\"x\",\"message\":\"bad\"}]}\n\n")
        reload.publish(.reload(generation: 4))
        #expect(await iterator.next() == .reload(generation: 4))
        end()
        #expect(await iterator.next() == nil)
    }
}

import Foundation
import Testing
@testable import TomeServer

/// Writes `text` at `relative` below `root`, making the folders on the way.
private func writeFile(_ root: URL, _ relative: String, _ text: String) throws {
    let url = root.appendingPathComponent(relative)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

/// The watcher's snapshot: every file below the watched folders with its stamp, except
/// hidden files and folders and editor swap and backup files; an edit changes it.
@Suite struct DirectoryWatcherTests {
    @Test func snapshotSeesEditsAndIgnoresHiddenAndSwapFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ relative: String, _ text: String) throws { try writeFile(root, relative, text) }
        for path in ["a.md", "guide/b.md", ".git/objects/x", "guide/.hidden.md", "guide/b.md~", "guide/.b.md.swp", "guide/#b.md#"] {
            try write(path, "text")
        }
        let watcher = DirectoryWatcher(directories: [root.path])
        let before = watcher.snapshot()
        #expect(Set(before.keys) == [root.path + "/a.md", root.path + "/guide/b.md"])

        try write("guide/b.md", "longer text")
        try write(".git/objects/y", "ignored")
        let after = watcher.snapshot()
        #expect(DirectoryWatcher.difference(before, after) == [root.path + "/guide/b.md"])
    }
}

/// `run` end to end, on the kernel's events (Linux) and by polling: an edit, a new file in
/// a new folder, and a deletion are each reported once settled; an editor's swap file is not.
@Suite struct DirectoryWatcherRunTests {
    actor Reports {
        var batches: [[String]] = []
        func add(_ paths: [String]) { batches.append(paths) }
        var all: [String] { batches.flatMap { $0 } }
    }

    @Test(arguments: [false, true]) func reportsSettledChanges(polls: Bool) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-watch-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ relative: String, _ text: String) throws { try writeFile(root, relative, text) }
        try write("a.md", "one")
        try write("guide/b.md", "two")
        var watcher = DirectoryWatcher(directories: [root.path], interval: .milliseconds(40))
        watcher.polls = polls
        let reports = Reports()
        let task = Task { await watcher.run { await reports.add($0) } }
        defer { task.cancel() }
        func waitFor(_ path: String) async throws -> Bool {
            for _ in 0..<500 {
                if await reports.all.contains(root.path + "/" + path) { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        try await Task.sleep(for: .milliseconds(200))  // the first snapshot

        try write("guide/.b.md.swp", "swap")
        try write("a.md", "one, edited")
        #expect(try await waitFor("a.md"))
        try write("new/deeper/c.md", "three")
        #expect(try await waitFor("new/deeper/c.md"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("guide/b.md"))
        #expect(try await waitFor("guide/b.md"))
        let all = await reports.all
        #expect(!all.contains { $0.hasSuffix(".swp") })
        #expect(all.count == Set(all).count, "each change reported once: \(all)")
    }

    #if os(Linux)
    /// The kernel's events themselves (`run` falls back to polling when they fail, so the
    /// test above would pass without them): nothing before a change, something after,
    /// nothing once read; a new folder's files are seen once the folder is watched.
    @Test func kernelEventsReportChanges() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-watch-kernel-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try writeFile(root, "a.md", "one")
        let events = try #require(KernelEvents())
        #expect(events.watch(root.path))
        #expect(!events.drain())
        try writeFile(root, "a.md", "two")
        #expect(events.drain())
        #expect(!events.drain())
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new"), withIntermediateDirectories: false)
        #expect(events.drain())
        #expect(events.watch(root.appendingPathComponent("new").path))
        try writeFile(root, "new/b.md", "three")
        #expect(events.drain())
    }
    #endif
}

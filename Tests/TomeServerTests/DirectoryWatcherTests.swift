import Foundation
import Testing
@testable import TomeServer

/// The watcher's snapshot: every file below the watched folders with its stamp, except
/// hidden files and folders and editor swap and backup files; an edit changes it.
@Suite struct DirectoryWatcherTests {
    @Test func snapshotSeesEditsAndIgnoresHiddenAndSwapFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
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

import Foundation
import Testing
import TomeCore

@Suite struct FileTreeTests {
    func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-filetree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("one".utf8).write(to: root.appendingPathComponent("top.md"))
        try Data("three".utf8).write(to: root.appendingPathComponent("a/b/deep.md"))
        try Data("hidden".utf8).write(to: root.appendingPathComponent("a/.hidden"))
        return root
    }

    func entries(_ root: URL) -> [String: FileTree.Entry] {
        var found: [String: FileTree.Entry] = [:]
        FileTree.walk(root.path) { found[$0.path] = $0 }
        return found
    }

    @Test func walksEveryFileAndFolderWithStamps() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = entries(root)
        #expect(Set(found.keys) == ["top.md", "a", "a/b", "a/b/deep.md", "a/.hidden"])
        #expect(found["a/b"]?.isDirectory == true)
        #expect(found["a/b/deep.md"]?.isDirectory == false)
        #expect(found["a/b/deep.md"]?.stamp.size == 5)
        #expect(found["top.md"]?.stamp == FileTree.stamp(of: root.appendingPathComponent("top.md").path))
    }

    @Test func anEditChangesTheStamp() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("top.md").path
        let before = try #require(FileTree.stamp(of: file))
        // Same size, later time: only the modification time tells.
        try Data("two".utf8).write(to: URL(fileURLWithPath: file))
        let later = Date(timeIntervalSince1970: Double(before.modified / 1_000_000_000) + 5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: file)
        let after = try #require(FileTree.stamp(of: file))
        #expect(after.size == before.size)
        #expect(after != before)
        #expect(FileTree.stamp(of: root.appendingPathComponent("missing").path) == nil)
    }

    @Test func followsLinksButEndsOnALoop() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("a/b/up").path, withDestinationPath: "../..")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("alias.md").path, withDestinationPath: "top.md")
        let found = entries(root)
        #expect(found["alias.md"]?.stamp.size == 3, "a link carries its target's stamp")
        #expect(found["a/b/up"]?.isDirectory == true)
        // The loop leads back to the root, which was already walked: nothing below it.
        #expect(found["a/b/up/top.md"] == nil)
        #expect(found.count == 7)
    }
}

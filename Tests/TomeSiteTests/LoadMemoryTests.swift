import Foundation
import Testing
import TomeCore
@testable import TomeSite

/// A load with a `LoadMemory` reads only the files whose size or time changed since the
/// last load, and gives the same site as a load without it.
@Suite struct LoadMemoryTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tome-load-memory-\(UUID().uuidString)")

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func load(_ memory: LoadMemory?, drafts: Bool = false) async -> (Site, Diagnostics) {
        await ContentLoader(options: .init(includeDrafts: drafts, useGit: false, useFileDates: false), memory: memory)
            .load(directory: root.path, displayPath: "Content")
    }

    @Test func readsOnlyChangedFilesAndGivesTheSameSite() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("_index.md", "---\ntitle: Home\n---\nWelcome.\n")
        try write("guide/_index.md", "---\ntitle: Guide\n---\n")
        try write("guide/a.md", "---\ntitle: Alpha\n---\nText.\n")
        try write("guide/b.md", "---\ntitle: [broken\n---\nText.\n")
        let memory = LoadMemory()

        _ = await load(memory)
        #expect(memory.reusedInLastLoad == 0)
        let (again, againProblems) = await load(memory)
        #expect(memory.reusedInLastLoad == 4)
        let (plain, plainProblems) = await load(nil)
        #expect(again.pages == plain.pages)
        #expect(again.order == plain.order)
        #expect(againProblems == plainProblems, "a kept file's problems are reported again")
        #expect(!plainProblems.all.isEmpty)

        try write("guide/a.md", "---\ntitle: Alpha, renamed\n---\nMore text.\n")
        try FileManager.default.removeItem(at: root.appendingPathComponent("guide/b.md"))
        let (edited, _) = await load(memory)
        #expect(memory.reusedInLastLoad == 2)
        #expect(edited.pages["guide/a.md"]?.title == "Alpha, renamed")
        #expect(edited.pages["guide/b.md"] == nil)
        #expect(edited.pages == (await load(nil)).0.pages)

        _ = await load(memory, drafts: true)
        #expect(memory.reusedInLastLoad == 0, "other options: nothing kept")
    }
}

import Foundation
import Testing
@testable import TomeBuild
import TomeSearch

/// A step whose inputs did not change keeps the files it wrote last time
/// (`OutputSink.reuse`), and only then.
@Suite struct StepMemoTests {
    @Test func searchKeyCoversEveryDocumentField() {
        let document = SearchDocument(url: "/a/#b", pageURL: "/a/", pageTitle: "A", heading: "B", headingPath: ["P"],
                                      text: "words", tags: ["t"], book: "k", bookTitle: "K", type: "page", boost: 1)
        #expect(Mirror(reflecting: document).children.count == SearchStep.keyedFieldCount,
                "SearchDocument gained a field: add it to SearchStep.key")
        let base = SearchStep.key([document], synonyms: [], scriptTwins: false)
        let changes: [(String, (inout SearchDocument) -> Void)] = [
            ("url", { $0.url = "/a/#c" }), ("pageURL", { $0.pageURL = "/b/" }), ("pageTitle", { $0.pageTitle = "A2" }),
            ("heading", { $0.heading = "B2" }), ("headingPath", { $0.headingPath = ["P", "Q"] }),
            ("text", { $0.text = "word" }), ("tags", { $0.tags = [] }), ("book", { $0.book = "k2" }),
            ("bookTitle", { $0.bookTitle = "K2" }), ("type", { $0.type = "faq" }), ("boost", { $0.boost = 2 }),
        ]
        #expect(changes.count == SearchStep.keyedFieldCount)
        for (field, change) in changes {
            var changed = document
            change(&changed)
            #expect(SearchStep.key([changed], synonyms: [], scriptTwins: false) != base, "a new \(field) changes the key")
        }
        #expect(SearchStep.key([document], synonyms: [["lpr", "plate"]], scriptTwins: false) != base)
        #expect(SearchStep.key([document], synonyms: [], scriptTwins: true) != base)
        // Field boundaries count: moving text from one field to the next is a change.
        var shifted = document
        shifted.pageTitle = "AB"
        shifted.heading = ""
        #expect(SearchStep.key([shifted], synonyms: [], scriptTwins: false) != base)
    }

    @Test func reuseKeepsFilesOnlyForTheSameKeyWhileTheyAreIntact() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tome-memo-\(UUID().uuidString)")
        let output = folder.appendingPathComponent("Public").path
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try IncrementalDiskSink(output: output, fingerprint: "1")
        try first.write("search/x.bin", [1, 2, 3])
        first.remember(step: "search", key: "k1", paths: ["search/x.bin"])
        try first.write("index.html", Array("home".utf8))
        try first.commit()

        let second = try IncrementalDiskSink(output: output, fingerprint: "2")
        #expect(second.reuse(step: "search", key: "k2") == nil, "another key")
        #expect(second.reuse(step: "other", key: "k1") == nil, "another step")
        #expect(second.reuse(step: "search", key: "k1") == ["search/x.bin"])
        try second.commit()
        #expect(FileManager.default.contents(atPath: output + "/search/x.bin") == Data([1, 2, 3]))
        #expect(!FileManager.default.fileExists(atPath: output + "/index.html"), "neither written nor kept: gone")

        // The reused record carries over to the next build; a damaged file ends it.
        try Data([9]).write(to: URL(fileURLWithPath: output + "/search/x.bin"))
        let third = try IncrementalDiskSink(output: output, fingerprint: "3")
        #expect(third.reuse(step: "search", key: "k1") == nil, "a file changed on disk is not kept")
        third.discard()
    }

    @Test func publishedSiteEqualsCleanWhenTheIndexIsKept() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        _ = try await builder.publish(to: output.path)
        let before = try #require(BuildCache.load(from: BuildCache.url(beside: output))?.steps["search"])

        // A description is on the page, not in the index.
        let intro = content.appendingPathComponent("guide/intro.md")
        let text = try String(contentsOf: intro, encoding: .utf8)
        try text.replacingOccurrences(of: "title: Introduction\n", with: "title: Introduction\ndescription: Changed.\n")
            .write(to: intro, atomically: true, encoding: .utf8)
        let report = try await builder.publish(to: output.path)
        #expect(report.succeeded && !report.upToDate)
        let after = try #require(BuildCache.load(from: BuildCache.url(beside: output))?.steps["search"])
        #expect(after == before, "same documents, same key, same files")

        // A body edit is in the index.
        try (text + "\nA new sentence about gates.\n").write(to: intro, atomically: true, encoding: .utf8)
        _ = try await builder.publish(to: output.path)
        let edited = try #require(BuildCache.load(from: BuildCache.url(beside: output))?.steps["search"])
        #expect(edited.key != before.key)

        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try IncrementalBuildTests().tree(output) == IncrementalBuildTests().tree(clean))
    }
}

import Foundation
import Testing
@testable import TomeBuild

/// `tome serve` keeps rendered pages between rebuilds: only pages whose inputs changed
/// are rendered again, and the site (and its warnings) are exactly a fresh build's.
@Suite struct BuildMemoryTests {
    @Test func rebuildsRenderOnlyWhatChanged() async throws {
        let folder = try Fixture.copy()
        let content = folder.appendingPathComponent("Content")
        try Fixture.write("---\ntitle: Questions\ntype: faq\n---\n## Who can help?\n\nSee [nothing](missing.md).\n",
                          to: "faq/questions.md", in: content)
        let memory = BuildMemory()
        let builder = SiteBuilder(options: Fixture.options(content: content), memory: memory)
        func expectFresh(_ sink: MemorySink, _ report: BuildReport, _ step: String) async throws {
            let (fresh, freshReport) = try await Fixture.build(content: content)
            #expect(sink.files == fresh.files, "after \(step), the site equals a fresh build")
            #expect(report.diagnostics.sorted == freshReport.diagnostics.sorted, "after \(step), so do the diagnostics")
        }

        let first = try await builder.build(into: MemorySink())
        #expect(memory.reusedInLastBuild == 0)
        #expect(first.diagnostics.warningCount == 1)

        try Fixture.write("# Installing\n\n## Requirements\n\nA computer with a newer browser.\n", to: "guide/setup/install.md", in: content)
        let edited = MemorySink()
        let editedReport = try await builder.build(into: edited)
        #expect(memory.reusedInLastBuild == editedReport.pageCount - 1, "only the edited page is rendered")
        try await expectFresh(edited, editedReport, "an edit")

        // A renamed page changes where links lead: every page is rendered again.
        try FileManager.default.moveItem(at: content.appendingPathComponent("guide/intro.md"),
                                         to: content.appendingPathComponent("guide/introduction.md"))
        let renamed = MemorySink()
        let renamedReport = try await builder.build(into: renamed)
        #expect(memory.reusedInLastBuild == 0)
        try await expectFresh(renamed, renamedReport, "a rename")

        let again = MemorySink()
        let againReport = try await builder.build(into: again)
        #expect(memory.reusedInLastBuild == againReport.pageCount)
        try await expectFresh(again, againReport, "a build with nothing changed")
    }
}

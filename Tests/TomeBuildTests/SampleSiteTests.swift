import Foundation
import Testing
@testable import TomeBuild
import TomeSearch

/// The sample knowledge base in Content/ builds with no errors and no warnings.
@Suite struct SampleSiteTests {
    @Test func sampleContentBuildsCleanly() async throws {
        let content = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Content")
        let (sink, report) = try await Fixture.build(content: content)
        #expect(report.diagnostics.all.isEmpty, "\(report.diagnostics.sorted.prefix(20).map(\.rendered))")
        #expect(sink.files["support/faq/index.html"] != nil)
        #expect(sink.files["feed.xml"] != nil)
        #expect(report.pageCount > 80)

        // A support agent's first query lands on the FAQ answer about after-hours help.
        let files = sink.files
        let index = try SearchIndex(read: { name in
            guard let bytes = files["search/" + name] else { throw CocoaError(.fileNoSuchFile) }
            return bytes
        })
        let results = try index.search("after hours", options: SearchOptions(limit: 5))
        #expect(results.pages.first?.sections.first?.url == "/support/faq/#can-i-get-help-after-hours")
    }
}

import Foundation
import Testing
@testable import TomeBuild
import TomeCore
import TomeHTML

/// FAQ, training agenda and lessons, release notes and their feed.
@Suite struct PageTypeTests {
    func build(_ edits: [String: String] = [:]) async throws -> (MemorySink, BuildReport) {
        let folder = try Fixture.copy("types")
        for (path, text) in edits { try Fixture.write(text, to: path, in: folder) }
        return try await Fixture.build(content: folder.appendingPathComponent("Content"))
    }

    @Test func sampleBuildsWithoutDiagnostics() async throws {
        let (_, report) = try await build()
        #expect(report.diagnostics.all.isEmpty, "\(report.diagnostics.all.map(\.rendered))")
    }

    @Test(arguments: [
        ("help/faq/index.html", "types-faq.html"),
        ("training/index.html", "types-agenda.html"),
        ("training/permits/index.html", "types-lesson.html"),
        ("releases/index.html", "types-release-history.html"),
        ("releases/upcoming/index.html", "types-release-upcoming.html"),
        ("feed.xml", "types-feed.xml"),
    ])
    func pageTypeMatchesGolden(path: String, golden: String) async throws {
        let (sink, _) = try await build()
        try Golden.check(try #require(sink.text(path)), named: golden)
    }

    @Test func faqListsQuestionsAndEmitsValidJSONLD() async throws {
        let (sink, _) = try await build()
        let html = try #require(sink.text("help/faq/index.html"))
        #expect(html.contains("<li><a href=\"#how-do-i-reach-support\">How do I reach support?</a></li>"))
        #expect(html.contains("<p class=\"faq-group\"><a href=\"#contact\">Contact</a></p>"))
        let start = try #require(html.range(of: "<script type=\"application/ld+json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        #expect(!json.contains("</script"), "answer text must not be able to close the script element")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["@type"] as? String == "FAQPage")
        let questions = try #require(object["mainEntity"] as? [[String: Any]])
        #expect(questions.map { $0["name"] as? String } == ["How do I reach support?", "What is critical?", "Is there phone support?"])
        let answer = (questions[1]["acceptedAnswer"] as? [String: Any])?["text"] as? String
        #expect(answer?.contains("</script><script>alert(1)</script>") == true)
    }

    @Test func agendaTotalsDurationsPerModuleAndOverall() async throws {
        let (sink, _) = try await build()
        let html = try #require(sink.text("training/index.html"))
        #expect(html.contains("3 lessons · 3h 45m in all"))
        #expect(html.contains("Orientation <span class=\"agenda-duration\">1h 45m</span>"))
        #expect(html.contains("Reporting <span class=\"agenda-duration\">2h</span>"))
    }

    @Test func lessonHasPreviousAndNextWithinTheAgenda() async throws {
        let (sink, _) = try await build()
        let html = try #require(sink.text("training/permits/index.html"))
        #expect(html.contains("href=\"/training/welcome/\" rel=\"prev\""))
        #expect(html.contains("href=\"/training/reports/\" rel=\"next\""))
        #expect(html.contains("<dt>Duration</dt><dd>1h 15m</dd>"))
    }

    @Test func releaseHistoryIsNewestFirstAndTheFeedIsWellFormed() async throws {
        let (sink, _) = try await build()
        let page = try #require(sink.text("releases/index.html"))
        let cards = try #require(page.range(of: "<ul class=\"cards\">"))
        let history = String(page[cards.lowerBound...])
        let order = ["Upcoming Release", "Release 2026.11", "Release 2026.10"].map { history.range(of: ">\($0)</a>")?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order[0]! < order[1]! && order[1]! < order[2]!)
        let feed = try #require(sink.files["feed.xml"])
        #expect(XMLWellFormedness.check(feed) == nil)
        #expect(try #require(sink.text("help/faq/index.html")).contains("<link rel=\"alternate\" type=\"application/atom+xml\""))
    }

    @Test func unansweredQuestionIsAWarningAtItsLine() async throws {
        let (_, report) = try await build(["Content/help/faq.md": "---\ntitle: F\ntype: faq\n---\n## Answered?\n\nYes.\n\n## Not answered?\n"])
        let d = try #require(report.diagnostics.all.first { $0.id == "faq.unanswered" })
        #expect(d.location == SourceLocation(file: "Content/help/faq.md", line: 9, column: 1))
        #expect(d.severity == .warning)
    }

    @Test func badDurationIsAnErrorAtItsLine() async throws {
        let (_, report) = try await build(["Content/training/reports.md": "---\ntitle: R\ntype: lesson\nduration: soon\n---\nx\n"])
        let d = try #require(report.diagnostics.all.first { $0.id == "lesson.duration" })
        #expect(d.location == SourceLocation(file: "Content/training/reports.md", line: 4, column: 11))
    }

    @Test func badReleaseStatusIsAnError() async throws {
        let (_, report) = try await build(["Content/releases/2026-10.md": "---\ntitle: R\ntype: release\nstatus: shipped\n---\nx\n"])
        let d = try #require(report.diagnostics.all.first { $0.id == "release.status" })
        #expect(d.location == SourceLocation(file: "Content/releases/2026-10.md", line: 4, column: 9))
    }
}

import Foundation
import Testing
@testable import TomeBuild
import TomeCore
import TomeSite

/// `tome check`: the build's diagnostics plus `CheckStep`'s, each at its exact place.
@Suite struct CheckTests {
    static let today = Timestamp(year: 2026, month: 6, day: 15)

    func check(after files: [String: String], strict: Bool = false, today: Timestamp = CheckTests.today) async throws -> CheckReport {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files { try Fixture.write(text, to: path, in: folder) }
        let options = Fixture.options(content: folder.appendingPathComponent("Content"), strict: strict)
        return try await SiteBuilder(options: options).check(today: today)
    }

    func only(_ id: String, in report: CheckReport) -> [String] {
        report.diagnostics.sorted.filter { $0.id == id }.map { "\($0.severity) \($0.location?.description ?? "-")" }
    }

    @Test func theFixtureHasNoCheckFindings() async throws {
        let report = try await check(after: [:])
        let found = report.diagnostics.sorted.filter { $0.id.hasPrefix("check.") }
        #expect(found.isEmpty, "\(found)")
        #expect(report.succeeded)
    }

    @Test func imagesWithoutAltText() async throws {
        let report = try await check(after: ["Content/guide/pics.md": """
            ---
            title: Pictures
            ---
            ![](images/overview.svg)

            Text ![ ](images/overview.svg) and ![Described](images/overview.svg).

            <img src="images/overview.svg">

            <p><img src="images/overview.svg" alt=""></p>
            """])
        #expect(only("check.alt-text", in: report) == [
            "warning Content/guide/pics.md:4:1", "warning Content/guide/pics.md:6:6", "warning Content/guide/pics.md:8",
        ])
    }

    @Test func skippedHeadingLevels() async throws {
        let report = try await check(after: ["Content/guide/levels.md": """
            ---
            title: Levels
            ---
            ### Too deep at the start

            ## Fine

            #### Skips three

            ### Fine again
            """])
        #expect(only("check.heading-skip", in: report) == ["warning Content/guide/levels.md:4:1", "warning Content/guide/levels.md:8:1"])
        let first = try #require(report.diagnostics.sorted.first { $0.id == "check.heading-skip" })
        #expect(first.message.contains("level 2 is skipped"), "\(first.message)")
    }

    @Test func duplicateTitles() async throws {
        let report = try await check(after: ["Content/faq/intro.md": "---\ntitle: introduction\n---\nBody\n"])
        #expect(only("check.duplicate-title", in: report) == ["warning Content/faq/intro.md:2:8", "warning Content/guide/intro.md:2:8"])
    }

    @Test func pagesNoReaderCanReach() async throws {
        // A loose page at the root is in no book: no sidebar shows it. Linking to it from
        // a reachable page makes it reachable.
        let report = try await check(after: ["Content/orphan.md": "# Orphan\n", "Content/linked.md": "# Linked\n",
                                             "Content/guide/setup/more.md": "---\ntitle: More\n---\nSee [linked](../../linked.md).\n"])
        #expect(only("check.unreachable", in: report) == ["warning Content/orphan.md"])
    }

    @Test func reviewDateHasPassed() async throws {
        let page = "---\ntitle: Review me\nreview_by: 2026-06-14\n---\nBody\n"
        let report = try await check(after: ["Content/guide/review.md": page])
        #expect(only("check.stale", in: report) == ["warning Content/guide/review.md:3:12"])
        // The day itself is not late yet.
        let onTime = try await check(after: ["Content/guide/review.md": page], today: Timestamp(year: 2026, month: 6, day: 14))
        #expect(only("check.stale", in: onTime).isEmpty)
    }

    @Test func notUpdatedForTooLong() async throws {
        // intro.md says updated: 2026-01-13; install.md has no date (no git, no file dates in tests).
        let site = "title: Fixture Wiki\nbooks: [guide, faq]\nstale_after_months: 4\n"
        let report = try await check(after: ["Content/site.yml": site])
        #expect(only("check.stale", in: report) == ["warning Content/guide/intro.md"])
        let fresh = try await check(after: ["Content/site.yml": site], today: Timestamp(year: 2026, month: 5, day: 13))
        #expect(only("check.stale", in: fresh).isEmpty)
    }

    @Test func wrongTypesForCheckSettings() async throws {
        let report = try await check(after: ["Content/site.yml": "title: Fixture Wiki\nstale_after_months: soon\n",
                                             "Content/guide/review.md": "---\ntitle: Review me\nreview_by: [2026]\n---\nBody\n"])
        #expect(only("check.config", in: report) == ["warning Content/guide/review.md:3:12", "warning Content/site.yml"])
    }

    @Test func strictTurnsFindingsIntoErrors() async throws {
        let files = ["Content/guide/levels.md": "---\ntitle: Levels\n---\n### Deep\n"]
        #expect(try await check(after: files).succeeded)
        let strict = try await check(after: files, strict: true)
        #expect(!strict.succeeded)
        #expect(only("check.heading-skip", in: strict) == ["error Content/guide/levels.md:4:1"])
    }

    @Test func buildErrorsAreReportedAndNothingIsWritten() async throws {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixture.write("---\ntitle: Bad\norder: first\n---\nSee [x](missing.md).\n", to: "Content/guide/bad.md", in: folder)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let report = try await SiteBuilder(options: Fixture.options(content: folder.appendingPathComponent("Content"))).check(today: Self.today)
        #expect(!report.succeeded)
        #expect(report.diagnostics.sorted.map(\.id).contains("frontmatter.type"))
        #expect(report.diagnostics.sorted.map(\.id).contains("link.unresolved"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }

    @Test func monthsBeforeClampsTheDay() {
        #expect(Timestamp(year: 2026, month: 3, day: 31).day(monthsBefore: 1) == Timestamp(year: 2026, month: 2, day: 28))
        #expect(Timestamp(year: 2026, month: 1, day: 15).day(monthsBefore: 13) == Timestamp(year: 2024, month: 12, day: 15))
        #expect(Timestamp(year: 2024, month: 5, day: 31).day(monthsBefore: 3) == Timestamp(year: 2024, month: 2, day: 29))
    }
}

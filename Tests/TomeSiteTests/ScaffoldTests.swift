import Testing
import TomeCore
@testable import TomeSite

@Suite struct ScaffoldTests {
    static let today = Timestamp(year: 2026, month: 11, day: 26)

    @Test(arguments: Scaffold.Kind.allCases)
    func everyKindParsesWithoutProblems(kind: Scaffold.Kind) throws {
        let (name, text) = Scaffold.page(kind, title: "Refunds: \"fast\" & fair", today: ScaffoldTests.today)
        #expect(name == "refunds-fast-fair.md")
        let split = try FrontMatterSplit.split(text).get()
        var problems: [Diagnostic] = []
        let meta = PageMetadata.parse(yaml: try #require(split.yaml), file: name, diagnostics: &problems)
        #expect(problems.isEmpty, "\(problems)")
        #expect(meta.title == "Refunds: \"fast\" & fair")
        switch kind {
        case .faq: #expect(meta.type == "faq")
        case .lesson: #expect(meta.lesson?.minutes == 30)
        case .release:
            #expect(meta.release?.status == .upcoming)
            #expect(meta.release?.date == ScaffoldTests.today)
        case .article: #expect(meta.type == nil)
        }
    }

    @Test(arguments: [("45m", 45), ("1h30m", 90), ("2h", 120), ("1h 5m", 65), ("90", 90)])
    func durations(text: String, minutes: Int) {
        #expect(LessonMetadata.parseDuration(text) == minutes)
    }

    @Test(arguments: ["soon", "h", "30x", "0", "-5m", ""])
    func badDurations(text: String) {
        #expect(LessonMetadata.parseDuration(text) == nil)
    }
}

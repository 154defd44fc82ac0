import Testing
import TomeCore
@testable import TomeSite

@Suite struct FrontMatterTests {
    @Test func splitFindsYAMLAndBodyLine() throws {
        let split = try FrontMatterSplit.split("---\ntitle: A\n---\n# Body\n").get()
        #expect(split.yaml == "title: A\n")
        #expect(split.body == "# Body\n")
        #expect(split.bodyFirstLine == 4)
    }

    @Test func noFrontMatter() throws {
        let split = try FrontMatterSplit.split("# Just Markdown\n").get()
        #expect(split.yaml == nil)
        #expect(split.bodyFirstLine == 1)
    }

    @Test func unclosedFrontMatterIsAnError() {
        #expect(throws: FrontMatterSplit.Problem.unclosed) { try FrontMatterSplit.split("---\ntitle: A\n").get() }
    }

    @Test func knownKeysAreTypedAndUnknownKeysKept() {
        var problems: [Diagnostic] = []
        let yaml = "title: Refunds\norder: 3\ntags: [billing, money]\ndraft: false\naliases: /old/refunds/\nsearch: {boost: 2}\nms.date: 8/25/2021\nupdated: 2026-01-13T09:26\n"
        let meta = PageMetadata.parse(yaml: yaml, file: "x.md", diagnostics: &problems)
        #expect(problems.isEmpty)
        #expect(meta.title == "Refunds")
        #expect(meta.order == 3)
        #expect(meta.tags == ["billing", "money"])
        #expect(meta.aliases == ["/old/refunds/"])
        #expect(meta.searchBoost == 2)
        #expect(meta.extra["ms.date"] == .string("8/25/2021"))
        #expect(meta.updated == Timestamp(year: 2026, month: 1, day: 13, hour: 9, minute: 26))
    }

    @Test(arguments: [
        ("order: first", "frontmatter.type", 2, 8),
        ("tags: {a: b}", "frontmatter.type", 2, 7),
        ("draft: maybe", "frontmatter.type", 2, 8),
        ("created: yesterday", "frontmatter.type", 2, 10),
        ("title: [unclosed", "frontmatter.yaml", 3, 1),
    ])
    func problemsPointAtTheValue(yaml: String, id: String, line: Int, column: Int) {
        var problems: [Diagnostic] = []
        _ = PageMetadata.parse(yaml: yaml + "\n", file: "x.md", diagnostics: &problems)
        #expect(problems.first?.id == id)
        #expect(problems.first?.location == SourceLocation(file: "x.md", line: line, column: column))
    }

    @Test(arguments: ["3777777777777777777:7", "1:30", "12:00:00"])
    func colonNumbersAreText(value: String) {
        // Found by fuzzing the front matter parser: base-60 integers trapped inside Yams.
        var problems: [Diagnostic] = []
        let meta = PageMetadata.parse(yaml: "key: \(value)\n", file: "x.md", diagnostics: &problems)
        #expect(meta.extra["key"] == .string(value))
        #expect(problems.isEmpty)
        // The fuzzer's input was the whole front matter: a scalar, not a mapping.
        _ = PageMetadata.parse(yaml: value, file: "x.md", diagnostics: &problems)
        #expect(problems.first?.id == "frontmatter.yaml")
    }

    @Test func aliasBombIsStoppedByTheLimit() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        var problems: [Diagnostic] = []
        _ = PageMetadata.parse(yaml: yaml, file: "bomb.md", diagnostics: &problems)
        #expect(problems.first?.id == "limit.yaml")
    }

    @Test func sourceTextNormalisesLineEndsAndBOM() throws {
        let text = try SourceText.decode([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\n".utf8)).get()
        #expect(text == "a\nb\nc\n")
    }

    @Test(arguments: [
        ("2024-05-24", "24 May 2024"), ("2024-05-24T14:45:00Z", "24 May 2024 14:45"), ("8/25/2021", "25 August 2021"),
    ])
    func timestamps(text: String, display: String) {
        #expect(Timestamp(parsing: text)?.display == display)
    }
}

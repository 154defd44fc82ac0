import Foundation
import Testing
@testable import TomeBuild

/// The Markdown twins (`index.md` beside every page) are for crawlers and assistants
/// that read Markdown: their links must lead to other twins and to files that exist,
/// not to the author's source paths.
@Suite struct LLMStepTests {
    static let page = """
        ---
        title: Links
        ---
        # Links

        See [setup](setup/install.md), [the intro](intro.md#why "Why"), [the home page](../_index.md),
        [a folder](setup/), [by site path](/guide/intro/) and ![the overview](images/overview.svg).
        Reference: [ref][r] and [external](https://example.org/a.md), [anchor](#local), [missing](nowhere.md).
        Angle brackets: [install](<setup/install.md>). Nested [![pic](images/overview.svg)](intro.md).
        Code stays: `[code](intro.md)` and ``[x](intro.md)``. Script: [bad](javascript:alert(1)).

        ```markdown
        [fenced](intro.md)
        ```

            [indented code](intro.md) is text in a code block, and unchanged as a line of text too

        - a list item with [a link](intro.md)

            and a continuation paragraph with [another](setup/install.md)

        [r]: intro.md "Reference"
        [^1]: a footnote [with a link](intro.md).
        """

    func twin() async throws -> String {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixture.write(Self.page, to: "Content/guide/links.md", in: folder)
        let (sink, report) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        #expect(report.succeeded)
        let bytes = try #require(sink.files["guide/links/index.md"])
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func pageLinksLeadToTwinsAndFilesToTheirURLs() async throws {
        let text = try await twin()
        let base = "https://docs.example.com/help"
        for expected in [
            "[setup](\(base)/guide/setup/install/index.md)",
            "[the intro](\(base)/guide/intro/index.md#why \"Why\")",
            "[the home page](\(base)/index.md)",
            "[a folder](\(base)/guide/setup/index.md)",
            "[by site path](\(base)/guide/intro/index.md)",
            "![the overview](\(base)/guide/images/overview.svg)",
            "[install](\(base)/guide/setup/install/index.md)",
            "[![pic](\(base)/guide/images/overview.svg)](\(base)/guide/intro/index.md)",
            "[r]: \(base)/guide/intro/index.md \"Reference\"",
            "[with a link](\(base)/guide/intro/index.md)",
            "[bad](#)",
            "[a link](\(base)/guide/intro/index.md)",
            "    and a continuation paragraph with [another](\(base)/guide/setup/install/index.md)",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
        // As written: external, same-page anchors, targets that do not exist, code.
        for kept in [
            "[external](https://example.org/a.md)", "[anchor](#local)", "[missing](nowhere.md)",
            "`[code](intro.md)`", "``[x](intro.md)``", "[fenced](intro.md)", "    [indented code](intro.md)",
        ] {
            #expect(text.contains(kept), "changed: \(kept)\n\(text)")
        }
        #expect(!text.contains("javascript:"))
    }

    /// Front matter values are JSON strings: copied whole when nothing needs escaping,
    /// escaped character by character otherwise.
    @Test(arguments: [
        (#"Plain café title"#, #"title: "Plain café title""#),
        (#""Say \"hi\" \\ then\ttab, \x01 and é""#, #"title: "Say \"hi\" \\ then\ttab, \u0001 and é""#),
    ])
    func frontMatterValuesAreJSONStrings(yamlTitle: String, expected: String) async throws {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixture.write("---\ntitle: \(yamlTitle)\n---\nBody.\n", to: "Content/guide/quoted.md", in: folder)
        let (sink, report) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        #expect(report.succeeded)
        let twin = String(decoding: try #require(sink.files["guide/quoted/index.md"]), as: UTF8.self)
        #expect(twin.split(separator: "\n").contains { $0 == expected }, "\(twin)")
    }

    /// The rewriting leaves a page without links byte for byte as before.
    @Test func textWithoutLinksIsUnchanged() async throws {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let body = "# Plain\n\nNo links here: a [bracket] and (parentheses), `code]( )`, a \\](escaped.md).\n\n~~~\n]( inside a fence\n~~~\n"
        try Fixture.write("---\ntitle: Plain\n---\n" + body, to: "Content/guide/plain.md", in: folder)
        let (sink, _) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        let text = String(decoding: try #require(sink.files["guide/plain/index.md"]), as: UTF8.self)
        #expect(text.hasSuffix("---\n\n" + body))
    }

    /// Every link of every twin in a site resolves: to a twin or a file the build wrote,
    /// or outside the site.
    @Test func everyTwinLinkOfTheFixtureResolves() async throws {
        let folder = try Fixture.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixture.write(Self.page, to: "Content/guide/links.md", in: folder)
        let (sink, _) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        let base = "https://docs.example.com/help/"
        let pattern = try NSRegularExpression(pattern: #"\]\((?:<)?(https://docs\.example\.com/help/[^)\s>#]*)"#)
        var checked = 0
        for (path, bytes) in sink.files where path.hasSuffix("index.md") {
            let text = String(decoding: bytes, as: UTF8.self)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let url = String(text[Range(match.range(at: 1), in: text)!])
                let file = String(url.dropFirst(base.count))
                #expect(sink.files[file] != nil, "\(path) links to \(url), which the build did not write")
                checked += 1
            }
        }
        #expect(checked >= 10)
    }
}

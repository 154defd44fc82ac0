import Foundation
import Testing
@testable import TomeBuild
import TomeCore

/// Every diagnostic names its id, file, line and column exactly.
@Suite struct DiagnosticsTests {
    struct Expected: CustomStringConvertible, Sendable {
        var severity: Diagnostic.Severity
        var id: String
        var file: String
        var line: Int?
        var column: Int?
        var description: String { "\(severity) \(id) \(file):\(line.map(String.init) ?? "-"):\(column.map(String.init) ?? "-")" }
    }

    /// Builds the basic fixture after writing `files` into it (paths relative to the
    /// fixture folder: `Content/...` or `Templates/...`).
    func diagnostics(after files: [String: String], strict: Bool = false) async throws -> [Diagnostic] {
        let folder = try Fixture.copy()
        for (path, text) in files { try Fixture.write(text, to: path, in: folder) }
        let templates = files.keys.contains { $0.hasPrefix("Templates/") } ? folder.appendingPathComponent("Templates") : nil
        let (_, report) = try await Fixture.build(content: folder.appendingPathComponent("Content"), templates: templates, strict: strict)
        return report.diagnostics.sorted
    }

    func check(_ files: [String: String], strict: Bool = false, expect expected: Expected,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let found = try await diagnostics(after: files, strict: strict)
        let match = found.first { $0.id == expected.id }
        guard let match else {
            Issue.record("expected \(expected), got \(found.map(\.description))", sourceLocation: sourceLocation)
            return
        }
        #expect(match.severity == expected.severity, sourceLocation: sourceLocation)
        #expect(match.location?.file == expected.file, sourceLocation: sourceLocation)
        #expect(match.location?.line == expected.line, "\(match)", sourceLocation: sourceLocation)
        #expect(match.location?.column == expected.column, "\(match)", sourceLocation: sourceLocation)
    }

    @Test func invalidYAMLPointsIntoTheFrontMatter() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\ntags: [a, b\norder: 1\n---\nBody\n"],
                        expect: .init(severity: .error, id: "frontmatter.yaml", file: "Content/guide/intro.md", line: 4, column: 6))
    }

    @Test func wrongTypeForAKnownKey() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\norder: first\n---\nBody\n"],
                        expect: .init(severity: .error, id: "frontmatter.type", file: "Content/guide/intro.md", line: 3, column: 8))
    }

    @Test func unclosedFrontMatter() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\n\nBody without a closing line\n"],
                        expect: .init(severity: .error, id: "frontmatter.unclosed", file: "Content/guide/intro.md", line: 1, column: 1))
    }

    @Test func duplicateOutputURL() async throws {
        try await check(["Content/guide/other.md": "---\ntitle: Other\nslug: intro\n---\nBody\n"],
                        expect: .init(severity: .error, id: "url.duplicate", file: "Content/guide/intro.md", line: nil, column: nil))
    }

    @Test func slugThatLeavesItsFolderIsRejected() async throws {
        try await check(["Content/guide/other.md": "---\ntitle: Other\nslug: ../../etc\n---\nBody\n"],
                        expect: .init(severity: .error, id: "frontmatter.slug", file: "Content/guide/other.md", line: 3, column: 7))
    }

    @Test func templateParseErrorNamesTemplateLineAndColumn() async throws {
        try await check(["Templates/page.mustache": "<main>\n{{#title}}\n{{title}}\n</main>\n"],
                        expect: .init(severity: .error, id: "template.parse", file: "Templates/page.mustache", line: 2, column: 1))
    }

    @Test func missingTemplateNamedByLayout() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\nlayout: fancy\n---\nBody\n"],
                        expect: .init(severity: .error, id: "template.missing", file: "Content/guide/intro.md", line: 3, column: 9))
    }

    @Test func missingPartial() async throws {
        try await check(["Templates/page.mustache": "<main>\n  {{> partials/nothing}}\n</main>\n"],
                        expect: .init(severity: .error, id: "template.missing-partial", file: "Templates/page.mustache", line: 2, column: 3))
    }

    @Test func recursivePartial() async throws {
        try await check(["Templates/partials/loop.mustache": "x {{> partials/loop}}\n",
                         "Templates/page.mustache": "{{> partials/loop}}\n"],
                        expect: .init(severity: .error, id: "template.recursive-partial", file: "Templates/partials/loop.mustache", line: 1, column: 3))
    }

    @Test func brokenLinkIsAWarningAndAnErrorWhenStrict() async throws {
        let page = "---\ntitle: Intro\n---\nSee [nothing](missing.md) here.\n"
        try await check(["Content/guide/intro.md": page],
                        expect: .init(severity: .warning, id: "link.unresolved", file: "Content/guide/intro.md", line: 4, column: 5))
        try await check(["Content/guide/intro.md": page], strict: true,
                        expect: .init(severity: .error, id: "link.unresolved", file: "Content/guide/intro.md", line: 4, column: 5))
    }

    @Test func missingAnchorIsAWarning() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\n---\nSee [the FAQ](../faq/questions.md#nobody).\n"],
                        expect: .init(severity: .warning, id: "link.anchor", file: "Content/guide/intro.md", line: 4, column: 5))
    }

    @Test func missingImageIsAWarning() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\n---\n\n![A map](images/map.png)\n"],
                        expect: .init(severity: .warning, id: "image.missing", file: "Content/guide/intro.md", line: 5, column: 1))
    }

    @Test func removedRawHTMLIsAWarningAtItsLine() async throws {
        try await check(["Content/guide/intro.md": "---\ntitle: Intro\n---\nText\n\n<div onclick=\"x()\">Hi</div>\n\nInline <img src=x onerror=alert(1)> here.\n"],
                        expect: .init(severity: .warning, id: "html.removed", file: "Content/guide/intro.md", line: 6, column: nil))
        let found = try await diagnostics(after: ["Content/guide/intro.md": "---\ntitle: Intro\n---\nText\n\nInline <img src=x onerror=alert(1)> here.\n"])
        #expect(found.first { $0.id == "html.removed" }?.location?.line == 6)
    }

    @Test func invalidUTF8NamesItsLine() async throws {
        let folder = try Fixture.copy()
        var bytes = Array("---\ntitle: Bad\n---\nline four\nline \u{E9}five\n".utf8)
        let index = bytes.firstIndex(of: 0xC3)!
        bytes[index] = 0xFF
        try Data(bytes).write(to: folder.appendingPathComponent("Content/guide/bad.md"))
        let (_, report) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        let d = try #require(report.diagnostics.all.first { $0.id == "content.encoding" })
        #expect(d.location == SourceLocation(file: "Content/guide/bad.md", line: 5, column: 6))
    }
}

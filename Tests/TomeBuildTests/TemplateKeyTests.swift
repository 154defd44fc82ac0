import Foundation
import Mustache
import TomeSearch
import Testing
@testable import TomeBuild

/// A template that names a key no view model has would render an empty string in
/// production. This test reads every default-theme template and checks that each
/// key it names is answered by some view model.
@Suite struct TemplateKeyTests {
    static let link = LinkView(title: "t", url: "/u/", description: "d", current: true, open: true,
                               children: [LinkView(title: "c", url: "/c/")], revision: "r", kind: "page", count: 1)
    static let site = SiteView(title: "s", description: "d", language: "en", footer: "f", homeURL: "/", assetsURL: "/assets/",
                               books: [link], searchIndexURL: "/search/", feedURL: "/feed.xml")
    static let toc = TOCEntry(text: "t", id: "i", level: 2, children: [TOCEntry(text: "c", id: "c", level: 3, children: [])])
    static let page = PageView(site: site, title: "t", documentTitle: "t", description: "d", url: "/u/", canonicalURL: "https://x/u/",
                               kind: "page", type: "page", content: "<p>x</p>", revision: "r", tags: [link], breadcrumbs: [link],
                               toc: [toc, toc], nav: [link], book: link, previous: link, next: link, children: [link], recent: [link],
                               meta: ["k": "v"], metaList: [MetaEntry(key: "k", value: "v")], isHome: false, redirectURL: "/r/",
                               sidebar: "<nav></nav>", faq: [faqGroup], faqJSONLD: "{}", lesson: lesson, agenda: agenda, release: release)
    static let faqGroup = FAQGroupView(title: "g", id: "g", questions: [link])
    static let lesson = LessonView(title: "l", url: "/l/", id: "l.md", duration: "1h", objectives: ["o"], prerequisites: ["p"], video: "v")
    static let module = AgendaModuleView(title: "m", day: "Day 1", duration: "1h", lessons: [lesson])
    static let agenda = AgendaView(title: "a", url: "/a/", key: "k", modules: [module], lessonCount: 1, duration: "1h")
    static let release = ReleaseView(version: "1", date: "d", isoDate: "2026-01-01", status: "Released", upcoming: true)
    static let models: [any MustacheParent & Sendable] = [page, site, link, toc, MetaEntry(key: "k", value: "v"),
                                                                 SidebarView(site: site, book: link, nav: [link]),
                                                                 faqGroup, lesson, module, agenda, release]

    static func isKnown(_ key: String) -> Bool {
        models.contains { $0.child(named: key) != nil }
    }

    @Test func everyKeyATemplateNamesExists() {
        var unknown: [String] = []
        for (path, text) in DefaultTheme.files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".mustache") {
            for tag in TemplateScanner.tags(in: text) {
                guard [.variable, .section, .invertedSection].contains(tag.kind), tag.name != "." else { continue }
                for component in tag.name.split(separator: ".") where !TemplateKeyTests.isKnown(String(component)) {
                    unknown.append("\(path):\(tag.line):\(tag.column): {{\(tag.name)}}")
                }
            }
        }
        #expect(unknown.isEmpty, "keys no view model answers: \(unknown)")
    }

    @Test func viewModelsAnswerEveryStoredProperty() {
        for model in TemplateKeyTests.models {
            for case let (label?, _) in Mirror(reflecting: model).children {
                #expect(model.child(named: label) != nil, "\(type(of: model)) does not answer '\(label)'")
            }
        }
    }

    @Test func theEmbeddedThemeMatchesTemplatesFolder() throws {
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates")
        let files = Theme.listFiles(templates.path)
        #expect(Set(files) == Set(DefaultTheme.files.keys), "run `make theme` to re-embed Templates/")
        for path in files {
            let text = try String(contentsOf: templates.appendingPathComponent(path), encoding: .utf8)
            #expect(DefaultTheme.files[path] == text, "\(path) differs from its embedded copy; run `make theme`")
        }
        // The engine ships stripped of comments and indentation (embed-templates.py
        // --strip; Tests/JS runs the parity suite against the shipped copy).
        let repo = templates.deletingLastPathComponent()
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        strip.arguments = ["python3", repo.appendingPathComponent("Sources/TomeBuild/Theme/embed-templates.py").path, "--strip",
                           repo.appendingPathComponent("Sources/TomeSearch/Browser/tome-search.js").path]
        let out = Pipe()
        strip.standardOutput = out
        try strip.run()
        let stripped = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        strip.waitUntilExit()
        #expect(strip.terminationStatus == 0)
        #expect(stripped == BrowserEngine.source, "tome-search.js differs from its embedded copy; run `make theme`")
    }
}

import Foundation
import Testing
@testable import TomeBuild
import TomeCore

@Suite struct SiteBuilderTests {
    @Test func writesExactlyTheExpectedFiles() async throws {
        let folder = try Fixture.copy()
        let (sink, report) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        #expect(report.diagnostics.all.isEmpty, "\(report.diagnostics.all.map(\.rendered))")
        let paths = Set(sink.files.keys)
        let site = paths.filter { !$0.hasPrefix("search/") }
        let expected: Set<String> = [
            "index.html",
            "guide/index.html",
            "guide/intro/index.html",
            "guide/setup/index.html",
            "guide/setup/install/index.html",
            "guide/images/overview.svg",
            "faq/index.html",
            "faq/questions/index.html",
            "old/intro/index.html",
            "tags/index.html",
            "tags/basics/index.html",
            "tags/permits/index.html",
            "404.html",
            "sitemap.xml",
            "robots.txt",
            "assets/tome.css",
            "assets/tome.js",
            // LLMStep: llms.txt, llms-full.txt and a Markdown twin of every page
            "llms.txt", "llms-full.txt", "index.md", "guide/index.md", "guide/intro/index.md", "guide/setup/index.md",
            "guide/setup/install/index.md", "faq/index.md", "faq/questions/index.md",
        ]
        #expect(site == expected.union(site.filter { $0.hasPrefix("assets/") }))
        #expect(paths.contains("search/manifest.json"))
        #expect(paths.contains("search/tome-search.js"))
        #expect(!paths.contains { $0.hasSuffix(".bin.js") || $0.hasSuffix(".json.js") }, "script twins only with --links file")
        #expect(!paths.contains { $0.contains("draft") || $0.contains("unfinished") })
        #expect(report.pageCount == 7)
    }

    @Test func twoBuildsAreByteIdentical() async throws {
        let folder = try Fixture.copy()
        let content = folder.appendingPathComponent("Content")
        let (first, _) = try await Fixture.build(content: content)
        let (second, _) = try await Fixture.build(content: content)
        #expect(first.files == second.files)
    }

    @Test(arguments: [
        ("index.html", "home.html"),
        ("guide/index.html", "book.html"),
        ("guide/setup/index.html", "chapter.html"),
        ("guide/intro/index.html", "page.html"),
        ("guide/setup/install/index.html", "page-footnotes.html"),
        ("faq/questions/index.html", "faq.html"),
        ("tags/index.html", "tags.html"),
        ("tags/basics/index.html", "tag.html"),
        ("404.html", "404.html"),
        ("old/intro/index.html", "redirect.html"),
        ("sitemap.xml", "sitemap.xml"),
    ])
    func pageKindMatchesGolden(path: String, golden: String) async throws {
        let folder = try Fixture.copy()
        let (sink, _) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        let html = try #require(sink.text(path))
        try Golden.check(html, named: golden)
    }

    @Test func pageShowsRevisionTagsAndResolvedLinks() async throws {
        let folder = try Fixture.copy()
        let (sink, _) = try await Fixture.build(content: folder.appendingPathComponent("Content"))
        let html = try #require(sink.text("guide/intro/index.html"))
        #expect(html.contains("Revision #6 · Created 24 May 2024 14:45 · Updated 13 January 2026 09:26"))
        #expect(html.contains("href=\"/help/guide/setup/install/#requirements\""))
        #expect(html.contains("href=\"/help/faq/questions/#who-can-help\""))
        #expect(html.contains("src=\"/help/guide/images/overview.svg\""))
        #expect(html.contains("id=\"signing-in-1\""))
        #expect(html.contains("<link rel=\"canonical\" href=\"https://docs.example.com/help/guide/intro/\">"))
        #expect(html.components(separatedBy: "<h1").count == 2, "exactly one h1")
    }

    @Test func fileLinksMakeTheSiteWorkFromDisk() async throws {
        let folder = try Fixture.copy()
        var options = Fixture.options(content: folder.appendingPathComponent("Content"))
        options.links = .file
        let sink = MemorySink()
        _ = try await SiteBuilder(options: options).build(into: sink)
        let page = try #require(sink.text("guide/intro/index.html"))
        #expect(page.contains("href=\"../../guide/setup/install/index.html#requirements\""))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"../../assets/tome.css\">"))
        #expect(page.contains("src=\"../../guide/images/overview.svg\""))
        #expect(page.contains("<link rel=\"canonical\" href=\"https://docs.example.com/help/guide/intro/\">"), "canonical URLs stay absolute")
        #expect(!page.contains("href=\"/help/"))
        let home = try #require(sink.text("index.html"))
        #expect(home.contains("class=\"site-title\" href=\"index.html\""))
        let redirect = try #require(sink.text("old/intro/index.html"))
        #expect(redirect.contains("url=../../guide/intro/index.html"))
        // every index file has its script twin, for search from file://
        let search = sink.files.keys.filter { $0.hasPrefix("search/") && $0 != "search/tome-search.js" && $0 != "search/index.html" }
        let index = search.filter { !$0.hasSuffix(".js") }
        #expect(index.contains("search/manifest.json"))
        #expect(Set(search) == Set(index + index.map { $0 + ".js" }))
    }

    @Test func failedBuildLeavesPreviousOutputUntouched() async throws {
        let folder = try Fixture.copy()
        let content = folder.appendingPathComponent("Content")
        let output = folder.appendingPathComponent("Public").path
        let good = try await SiteBuilder(options: Fixture.options(content: content)).publish(to: output)
        #expect(good.succeeded)
        let before = try Data(contentsOf: URL(fileURLWithPath: output + "/guide/intro/index.html"))

        try Fixture.write("---\ntitle: [unclosed\n---\nBody\n", to: "guide/intro.md", in: content)
        let bad = try await SiteBuilder(options: Fixture.options(content: content)).publish(to: output)
        #expect(!bad.succeeded)
        let after = try Data(contentsOf: URL(fileURLWithPath: output + "/guide/intro/index.html"))
        #expect(before == after)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("tome-new") || $0.contains("tome-old") }
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: [
        ("<br/>", "<br />", [String]()), ("<BR>", "<br />", []),
        ("<a name=\"create\">", "<a name=\"create\">", ["create"]), ("<a id='x_1'>", "<a id=\"x_1\">", ["x_1"]),
    ])
    func commonRawHTMLTakesTheFastPath(html: String, expected: String, anchors: [String]) {
        let result = RawHTMLPolicy.simpleTag(html)
        #expect(result?.html == expected)
        #expect(result?.anchors == anchors)
    }

    @Test(arguments: ["<a name=\"x\" onclick=\"alert(1)\">", "<a href=\"javascript:alert(1)\">", "<a name=\"x y\">", "<a name=\"&#106;\">"])
    func anythingElseGoesThroughTheSanitizer(html: String) {
        #expect(RawHTMLPolicy.simpleTag(html) == nil)
        let filtered = RawHTMLPolicy(unsafe: false).filter(html, line: 1, inline: true)
        #expect(!filtered.html.contains("onclick") && !filtered.html.contains("javascript"))
    }

    @Test func nothingIsWrittenOutsideTheOutputFolder() {
        #expect(!DiskSink.isSafeRelativePath("../x"))
        #expect(!DiskSink.isSafeRelativePath("/etc/passwd"))
        #expect(!DiskSink.isSafeRelativePath("a/../../b"))
        #expect(!DiskSink.isSafeRelativePath("a\0b"))
        #expect(DiskSink.isSafeRelativePath("guide/intro/index.html"))
    }

    /// `isSafeRelativePath` checks ASCII paths over their bytes: same answers as the
    /// segment rule it stands for.
    @Test(arguments: ["", "/", "a", "a/b/index.html", "a//b", "a/", "./a", "a/./b", "a/..", "..", ".", "...", "a/.../b", "..a/b.",
                      "a\\b", "a\0b", "é/ça.html", "é/../x", "a/\u{301}./b", "a/.\u{301}/b"])
    func safeRelativePathsFollowTheSegmentRule(_ path: String) {
        let reference = !path.isEmpty && !path.hasPrefix("/") && !path.contains("\0") && !path.contains("\\")
            && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
        #expect(DiskSink.isSafeRelativePath(path) == reference)
    }

    /// `FolderMaker.parent`: the folder part of a path a sink accepts, as
    /// `NSString.deletingLastPathComponent` gives it (which traps on some one-letter
    /// folder names in swift-corelibs-foundation, so the table says it instead).
    @Test(arguments: [("index.html", ""), ("robots.txt", ""), ("a/index.html", "a"), ("a", ""), ("a/b/c/index.md", "a/b/c"),
                      ("a/b/c", "a/b"), ("é/ça/index.html", "é/ça"), ("search/t-ab.bin", "search")])
    func parentFolder(_ path: String, _ parent: String) {
        #expect(DiskSink.isSafeRelativePath(path))
        #expect(FolderMaker.parent(of: path) == parent)
    }
}

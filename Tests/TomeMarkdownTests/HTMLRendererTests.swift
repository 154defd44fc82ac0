import Testing
import TomeMarkdown

@Suite struct HTMLRendererTests {
    func html(_ markdown: String, options: RenderOptions = RenderOptions()) -> String {
        HTMLRenderer.render(markdown: markdown, options: options).html
    }

    @Test(arguments: [
        ("Hello *world*", "<p>Hello <em>world</em></p>\n"),
        ("a ~~b~~ c", "<p>a <del>b</del> c</p>\n"),
        ("`x < y`", "<p><code>x &lt; y</code></p>\n"),
        ("```swift\nlet a = \"<b>\"\n```", "<pre><code class=\"language-swift\">let a = &quot;&lt;b&gt;&quot;\n</code></pre>\n"),
        ("- [x] done\n- [ ] todo", "<ul class=\"task-list\">\n<li><input type=\"checkbox\" checked disabled> done</li>\n<li><input type=\"checkbox\" disabled> todo</li>\n</ul>\n"),
        ("Visit https://example.com now", "<p>Visit <a href=\"https://example.com\">https://example.com</a> now</p>\n"),
        ("<script>alert(1)</script>\n\ntext", "<p>text</p>\n"),
    ])
    func gfm(markdown: String, expected: String) {
        #expect(html(markdown) == expected)
    }

    @Test func tableKeepsAlignmentAsClasses() {
        let out = html("| a | b |\n|:-:|--:|\n| 1 | 2 |")
        #expect(out.contains("<th class=\"align-center\">a</th>"))
        #expect(out.contains("<td class=\"align-right\">2</td>"))
    }

    @Test func headingsGetUniqueGitHubStyleIDs() {
        let r = HTMLRenderer.render(markdown: "## What's new?\n\n## What's new?\n\n### Über uns")
        #expect(r.headings.map(\.id) == ["whats-new", "whats-new-1", "über-uns"])
        #expect(r.html.contains("<h2 id=\"whats-new-1\">"))
    }

    @Test func leadingH1BecomesTheTitleAndOtherH1sAreDemoted() {
        let r = HTMLRenderer.render(markdown: "# Title\n\nIntro\n\n# Another")
        #expect(r.leadingTitle == "Title")
        #expect(!r.html.contains("<h1"))
        #expect(r.html.contains("<h2 id=\"another\">"))
    }

    @Test(arguments: [
        ("NOTE", "callout-note", "Note"), ("TIP", "callout-tip", "Tip"), ("IMPORTANT", "callout-important", "Important"),
        ("WARNING", "callout-warning", "Warning"), ("CAUTION", "callout-caution", "Caution"),
        ("info", "callout-note", "Info"), ("success", "callout-tip", "Success"), ("danger", "callout-caution", "Danger"),
    ])
    func callouts(marker: String, style: String, label: String) {
        let out = html("> [!\(marker)]\n> Be careful.")
        #expect(out == "<aside class=\"callout \(style)\" role=\"note\">\n<p class=\"callout-title\">\(label)</p>\n<p>Be careful.</p>\n</aside>\n")
    }

    @Test func plainBlockQuoteIsNotACallout() {
        #expect(html("> [!NOPE]\n> text").hasPrefix("<blockquote>"))
    }

    @Test func youtubeLinkAloneBecomesAPrivacyEnhancedEmbed() {
        let r = HTMLRenderer.render(markdown: "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
        #expect(r.hasVideo)
        #expect(r.html.contains("src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""))
        #expect(r.html.contains("loading=\"lazy\""))
    }

    @Test func vimeoAndLocalVideos() {
        #expect(html("https://vimeo.com/123456").contains("https://player.vimeo.com/video/123456"))
        #expect(html("![Webinar](webinar.mp4)").contains("<video controls preload=\"none\" src=\"webinar.mp4\">"))
        #expect(!html("See https://vimeo.com/123456 here").contains("iframe"))
    }

    @Test func localVideoGetsCaptionsWhenAVTTFileSitsBesideIt() {
        let options = RenderOptions(resolveLink: { target in
            target.destination == "missing.vtt"
                ? .broken(target.destination, RenderProblem(id: "image.missing", message: "missing"))
                : .keep("/media/" + target.destination)
        })
        let with = html("![Webinar](webinar.mp4)", options: options)
        #expect(with.contains("<track kind=\"captions\" src=\"/media/webinar.vtt\" srclang=\"en\" label=\"Captions\" default>"))
        let without = html("![Other](missing.mp4)", options: options)
        #expect(!without.contains("<track"))
    }

    @Test func footnotesAreNumberedInOrderOfReference() {
        let out = html("B[^b] then A[^a].\n\n[^a]: Alpha.\n[^b]: Beta.")
        #expect(out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a></sup> then A"))
        #expect(out.contains("<li id=\"fn-1\">\n<p>Beta.</p>"))
        #expect(out.contains("<li id=\"fn-2\">\n<p>Alpha.</p>"))
    }

    @Test func sectionsFollowHeadingsWithTheirPath() {
        let r = HTMLRenderer.render(markdown: "Lead text.\n\n## Billing\n\nPay here.\n\n### Refunds\n\nAsk us.\n\n## Empty\n")
        #expect(r.sections.map(\.anchor) == ["", "billing", "refunds", "empty"])
        #expect(r.sections.map(\.text) == ["Lead text.", "Pay here.", "Ask us.", ""])
        #expect(r.sections[2].headingPath == ["Billing"])
        #expect(r.sections[3].hasBody == false)
    }

    @Test func linksGoThroughTheResolverAndReportProblemsWithPositions() {
        let options = RenderOptions(resolveLink: { target in
            target.destination == "gone.md"
                ? .broken(target.destination, RenderProblem(id: "link.unresolved", message: "gone", line: target.line, column: target.column))
                : .keep("/resolved/")
        })
        let r = HTMLRenderer.render(markdown: "Text\n\nSee [a](a.md) and [b](gone.md).", options: options)
        #expect(r.html.contains("<a href=\"/resolved/\">a</a>"))
        #expect(r.problems.map { "\($0.line):\($0.column)" } == ["3:19"])
    }

    @Test func hostileNestingIsBounded() {
        let deep = String(repeating: "> ", count: 10_000) + "x"
        let r = HTMLRenderer.render(markdown: deep)
        #expect(r.html.contains("x"))
        let lists = (0..<5_000).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n")
        #expect(HTMLRenderer.render(markdown: lists).html.contains("item"))
    }

    @Test func escapingInText() {
        #expect(HTMLEscaping.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
    }
}

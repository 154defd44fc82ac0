import Testing
import TomeCore
import TomeHTML

/// A hostile or tricky input and the exact safe HTML it must become.
struct SanitizerCase: CustomTestStringConvertible, Sendable {
    let input: String
    let expected: String
    var testDescription: String { String(reflecting: input) }

    init(_ input: String, _ expected: String) {
        self.input = input
        self.expected = expected
    }
}

private let hostile: [SanitizerCase] = [
    // Script and event handlers
    .init("<script>alert(1)</script>", ""),
    .init("before<script>alert(1)</script>after", "beforeafter"),
    .init("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ""),
    .init("<img src=x onerror=alert(1)>", #"<img src="x" />"#),
    .init("<p onclick=\"alert(1)\" OnMouseOver=alert(2)>t</p>", "<p>t</p>"),
    .init("a</script>b", "ab"),
    .init("<p>x</script><script>alert(1)</script></p>", "<p>x</p>"),
    // javascript: and its disguises
    .init(#"<a href="javascript:alert(1)">x</a>"#, "<a>x</a>"),
    .init(#"<a href="JaVaScRiPt:alert(1)">x</a>"#, "<a>x</a>"),
    .init(#"<a href="&#106;avascript:alert(1)">x</a>"#, "<a>x</a>"),
    .init(#"<a href="&#x6A;&#x61;vascript&colon;alert(1)">x</a>"#, "<a>x</a>"),
    .init("<a href=\" java\tscript:alert(1)\">x</a>", "<a>x</a>"),
    .init("<a href=\"java\nscript:alert(1)\">x</a>", "<a>x</a>"),
    .init("<a href=\"\u{1}javascript:alert(1)\">x</a>", "<a>x</a>"),
    .init("<a href=\"java\u{0}script:alert(1)\">x</a>", "<a>x</a>"),
    .init(#"<a href="vbscript:msgbox(1)">x</a>"#, "<a>x</a>"),
    .init(#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#, "<a>x</a>"),
    .init(#"<a href="java&#09;script:alert(1)">x</a>"#, "<a>x</a>"),
    // Allowed URLs stay, escaped
    .init(#"<a href="https://example.com/?a=1&amp;b=2" title="x">y</a>"#, #"<a href="https://example.com/?a=1&amp;b=2" title="x">y</a>"#),
    .init(#"<a href="mailto:help@example.com">m</a> <a href="tel:+15551234">t</a>"#, #"<a href="mailto:help@example.com">m</a> <a href="tel:+15551234">t</a>"#),
    .init(##"<a href="../guide/#setup">g</a><a href="#top">t</a>"##, ##"<a href="../guide/#setup">g</a><a href="#top">t</a>"##),
    // iframes
    .init(#"<iframe src="https://evil.example/"></iframe>"#, ""),
    .init(#"<iframe src="javascript:alert(1)"></iframe>"#, ""),
    .init(#"<iframe src="https://www.youtube.com.evil.example/embed/x"></iframe>"#, ""),
    .init(#"<iframe src="https://user@www.youtube.com/embed/x"></iframe>"#, ""),
    .init(#"<iframe src="http://www.youtube.com/embed/x"></iframe>"#, ""),
    .init(
        #"<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" allowfullscreen onload="x()"></iframe>"#,
        #"<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" allowfullscreen=""></iframe>"#
    ),
    .init(
        #"<iframe src="https://player.vimeo.com/video/1" title="Demo"><b>fallback</b></iframe>"#,
        #"<iframe src="https://player.vimeo.com/video/1" title="Demo"></iframe>"#
    ),
    // Foreign content, styles, plugins, forms, document-level elements
    .init("<svg onload=alert(1)><circle/></svg>", ""),
    .init("<svg><script>alert(1)</script></svg>text", "text"),
    .init("<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", ""),
    .init("<style>body{display:none}</style>t", "t"),
    .init(#"<div style="background:url(javascript:alert(1))">x</div>"#, "<div>x</div>"),
    .init(#"<object data="x.swf"><embed src="x.swf"></object>"#, ""),
    .init(#"<form action="https://evil.example/"><input name="q">Label<button>Go</button></form>"#, "Label"),
    .init(#"<textarea><b>x</b></textarea>"#, ""),
    .init(#"<base href="https://evil.example/">"#, ""),
    .init(#"<meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#, ""),
    .init(#"<link rel="stylesheet" href="https://evil.example/x.css">"#, ""),
    .init("<title>t</title><noscript><p>x</p></noscript>", ""),
    .init("<template><script>alert(1)</script></template>", ""),
    // Unknown elements are unwrapped, their text kept
    .init(#"<font color="red">x</font>"#, "x"),
    .init(#"<marquee onstart=alert(1)>hi</marquee>"#, "hi"),
    .init("<x:script>t</x:script>", ""),
    // Malformed and mis-nested markup is repaired
    .init("<b><i>x</b></i>", "<b><i>x</i></b>"),
    .init("<p><div>x</div>", "<p></p><div>x</div>"),
    .init("<a href=x>unclosed", #"<a href="x">unclosed</a>"#),
    .init("<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>"),
    .init("<p>a</p></p>b", "<p>a</p>b"),
    .init("<a <b>c</b>", "<a>c</a>"),
    .init("<div><span>x", "<div><span>x</span></div>"),
    .init("x</body>y</html>z", "x<p>y</p><p>z</p>"),
    // Comments are removed
    .init("<!-- x -->y", "y"),
    .init("<!--><script>alert(1)</script>-->y", "y"),
    .init("a<!-- <script>alert(1)</script> -->b", "ab"),
    // Images: data URLs only for raster types
    .init(#"<img src="data:image/svg+xml,<svg onload=alert(1)>">"#, "<img />"),
    .init(#"<img src="data:text/html;base64,PHNjcmlwdD4=" alt="a">"#, #"<img alt="a" />"#),
    .init(#"<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">"#, #"<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot" />"#),
    .init(#"<img src="DATA:image/webp;base64,UklG" alt="">"#, #"<img src="DATA:image/webp;base64,UklG" alt="" />"#),
    .init(#"<a href="data:image/png;base64,iVBORw0KGgo=">x</a>"#, "<a>x</a>"),
    .init(#"<img srcset="a.png 1x, javascript:alert(1) 2x" src="a.png">"#, #"<img src="a.png" />"#),
    .init(#"<img srcset="a.png 1x, b.png 2x" alt="">"#, #"<img srcset="a.png 1x, b.png 2x" alt="" />"#),
    // Attributes without value, unknown attributes, order kept
    .init("<details open><summary>S</summary>x</details>", #"<details open=""><summary>S</summary>x</details>"#),
    .init(#"<td colspan=2 data-x="1" class="c" id="i">x</td>"#, #"<td colspan="2" class="c" id="i">x</td>"#),
    .init(#"<span class="b" title="t" aria-label="l" id="a">x</span>"#, #"<span class="b" title="t" aria-label="l" id="a">x</span>"#),
    // Text and entities round-trip
    .init("a < b & c", "a &lt; b &amp; c"),
    .init("a &lt; b &amp; c &gt; d", "a &lt; b &amp; c &gt; d"),
    .init("&quot;q&quot; &#39;s&#39; &eacute; &#x1F600; &nbsp;.", "\"q\" 's' é 😀 \u{A0}."),
    .init(#"<a title="a&quot;b&lt;c&amp;d'e">t</a>"#, #"<a title="a&quot;b&lt;c&amp;d'e">t</a>"#),
    .init("&#0;&#1;x&#xD800;&#xFFFE;", "x"),
    // References libxml2 does not decode stay literal text, escaped.
    .init("5 > 3 &amp&ampx", "5 &gt; 3 &amp;amp&amp;ampx"),
    // Media
    .init(
        #"<video controls poster="p.jpg"><source src="a.mp4" type="video/mp4"><track src="a.vtt" kind="captions" srclang="en" label="English"></video>"#,
        #"<video controls="" poster="p.jpg"><source src="a.mp4" type="video/mp4" /><track src="a.vtt" kind="captions" srclang="en" label="English" /></video>"#
    ),
    .init(#"<video poster="javascript:alert(1)" src="a.mp4"></video>"#, #"<video src="a.mp4"></video>"#),
    // Structure that must pass through unchanged
    .init(
        "<table><thead><tr><th align=\"left\">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
        "<table><thead><tr><th align=\"left\">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    ),
    .init("<p>one<br>two<br/>three</p><hr>", "<p>one<br />two<br />three</p><hr />"),
    .init("<pre><code class=\"language-sh\">a &lt;b&gt;\n  c</code></pre>", "<pre><code class=\"language-sh\">a &lt;b&gt;\n  c</code></pre>"),
    .init("<a name=\"create\"></a>", "<a name=\"create\"></a>"),
    .init("<kbd>Ctrl</kbd>+<kbd>C</kbd>", "<kbd>Ctrl</kbd>+<kbd>C</kbd>"),
    .init("plain text", "plain text"),
    .init("", ""),
]

@Suite struct HTMLSanitizerTests {
    let sanitizer = HTMLSanitizer()

    @Test(arguments: hostile)
    func sanitises(_ testCase: SanitizerCase) {
        let result = sanitizer.sanitize(testCase.input)
        #expect(result.html == testCase.expected)
        // The output is stable: sanitising it again changes nothing.
        #expect(sanitizer.sanitize(result.html).html == result.html)
        // And well-formed: it parses as XML inside a root element.
        #expect(XMLWellFormedness.check(Array("<root>\(result.html)</root>".utf8)) == nil)
    }

    @Test func reportsRemovalsWithLines() {
        let html = """
            <p>one</p>
            <script>alert(1)</script>
            <p onclick="x()" style="color:red">two</p>
            <a href="javascript:alert(1)">three</a>
            <font>four</font>
            <iframe src="https://evil.example/"></iframe>
            """
        let result = sanitizer.sanitize(html)
        #expect(result.html == "<p>one</p>\n\n<p>two</p>\n<a>three</a>\nfour\n")
        #expect(result.removals == [
            HTMLRemoval(element: "script", reason: .notAllowed, line: 2),
            HTMLRemoval(element: "p", attribute: "onclick", reason: .eventHandler, line: 3),
            HTMLRemoval(element: "p", attribute: "style", reason: .inlineStyle, line: 3),
            HTMLRemoval(element: "a", attribute: "href", reason: .unsafeURL, line: 4),
            HTMLRemoval(element: "font", reason: .notAllowed, keptContent: true, line: 5),
            HTMLRemoval(element: "iframe", reason: .iframeHost, line: 6),
        ])
        #expect(result.removals.map(\.description) == [
            "removed <script> (not allowed)",
            "removed onclick from <p> (event handler)",
            "removed style from <p> (inline style)",
            "removed href from <a> (unsafe URL)",
            "removed <font>, kept its text (not allowed)",
            "removed <iframe> (not an allowed video host)",
        ])
    }

    @Test func removalBecomesDiagnosticAtFileLine() {
        let result = sanitizer.sanitize("<p>a</p>\n<img src=x onerror=alert(1)>")
        let diagnostic = result.removals[0].diagnostic(file: "Content/faq/support.md", fragmentLine: 12)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.id == "html.removed")
        #expect(diagnostic.location == SourceLocation(file: "Content/faq/support.md", line: 13))
        #expect(diagnostic.description
            == "Content/faq/support.md:13: warning: removed onerror from <img> (event handler) [html.removed]")
    }

    @Test func commentsAndCleanInputReportNothing() {
        let result = sanitizer.sanitize("<!-- TODO --><p class=\"x\">Hello <em>world</em></p>")
        #expect(result.html == "<p class=\"x\">Hello <em>world</em></p>")
        #expect(result.removals.isEmpty)
    }

    @Test func customPolicyHostsAndDepth() {
        let policy = HTMLSanitizer.Policy(iframeHosts: ["video.example.com"], maxDepth: 2)
        let custom = HTMLSanitizer(policy: policy)
        #expect(custom.sanitize(#"<iframe src="https://video.example.com/1"></iframe>"#).html
            == #"<iframe src="https://video.example.com/1"></iframe>"#)
        #expect(custom.sanitize(#"<iframe src="https://www.youtube.com/embed/1"></iframe>"#).html == "")
        let deep = custom.sanitize("<div><div><div><b>x</b></div></div></div>")
        #expect(deep.html == "<div><div>x</div></div>")
        #expect(deep.removals == [HTMLRemoval(element: "div", reason: .tooDeep, keptContent: true, line: 1)])
    }

    @Test func invalidUTF8AndNULBytes() {
        let bytes: [UInt8] = Array("a\u{0}b<p\u{0}>c</p>".utf8) + [0xFF, 0xFE, 0xC3] + Array("<b>d".utf8)
        let result = sanitizer.sanitize(bytes)
        #expect(result.html == "ab<p>c</p>\u{FFFD}\u{FFFD}\u{FFFD}<b>d</b>")
    }

    @Test func megabyteInput() {
        let paragraph = "<p>Hello <b>world</b> &amp; <a href=\"/x\" onclick=\"y\">more</a></p>\n"
        let input = String(repeating: paragraph, count: 1_048_576 / paragraph.utf8.count + 1)
        #expect(input.utf8.count > 1_048_576)
        let result = sanitizer.sanitize(input)
        let clean = "<p>Hello <b>world</b> &amp; <a href=\"/x\">more</a></p>\n"
        #expect(result.html == String(repeating: clean, count: 1_048_576 / paragraph.utf8.count + 1))
        #expect(result.removals.count == 1_048_576 / paragraph.utf8.count + 1)
    }

    @Test func tenThousandNestedDivsComplete() {
        let input = String(repeating: "<div>", count: 10_000) + "x" + String(repeating: "</div>", count: 10_000)
        let result = sanitizer.sanitize(input)
        // libxml2 stops at its nesting limit; the output is still balanced.
        let opens = occurrences(of: "<div>", in: result.html)
        let closes = occurrences(of: "</div>", in: result.html)
        #expect(opens == closes)
        #expect(opens > 100 && opens <= 256)
        #expect(result.removals.count == 1)
        #expect(result.removals.first?.reason == .parserLimit)
        #expect(XMLWellFormedness.check(Array("<root>\(result.html)</root>".utf8)) == nil)
    }

    @Test func unmatchedEndTagsAgainstDeepStackStayFast() {
        // Each stray end tag makes libxml2 search its open-element stack; that stack is
        // bounded by the nesting limit, so this stays linear.
        let input = String(repeating: "<span>", count: 100_000) + "x" + String(repeating: "</div>", count: 100_000)
        let result = sanitizer.sanitize(input)
        #expect(result.html.hasPrefix("<span><span>"))
        #expect(result.html.hasSuffix("</span></span>"))
    }

    @Test func nestedGarbage() {
        var input = ""
        for i in 0..<2_000 {
            input += ["<b", "<i>", "</a", "<table><td>", "&#", "<!--", "-->", "<script>", "</script>", "<a href='", "'>", "\"", "<<", "<p/", "<svg>"][i % 15]
        }
        let result = sanitizer.sanitize(input)
        #expect(!result.html.contains("<script"))
        #expect(!result.html.contains("<svg"))
        #expect(XMLWellFormedness.check(Array("<root>\(result.html)</root>".utf8)) == nil)
    }

    @Test func concurrentCallsAgree() async {
        let inputs = hostile.map(\.input)
        let expected = hostile.map(\.expected)
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for round in 0..<8 {
                for (i, input) in inputs.enumerated() {
                    group.addTask { (round * inputs.count + i, HTMLSanitizer().sanitize(input).html) }
                }
            }
            var all: [Int: String] = [:]
            for await (i, html) in group { all[i] = html }
            return all
        }
        for (i, html) in results {
            #expect(html == expected[i % inputs.count])
        }
    }
}

private func occurrences(of needle: String, in haystack: String) -> Int {
    var count = 0
    var rest = haystack[...]
    while let range = rest.firstRange(of: needle) {
        count += 1
        rest = rest[range.upperBound...]
    }
    return count
}

@Suite struct HTMLSanitizerRandomInputTests {
    /// Deterministic pseudo-random soup of hostile pieces: the output never carries
    /// script, event handlers or script URLs, and is always well-formed.
    @Test func randomSoupIsAlwaysSafe() {
        let pieces = [
            "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:x\">", "</a>",
            "<svg>", "<style>", "<!--", "-->", "<b>", "</i>", "<div style=x>", "&#106;", "&amp;", "<",
            ">", "\"", "'", "<iframe src=//evil>", "<p>", "<table><td>", "java\tscript:", "\u{0}", "\u{FFFD}",
            "<a href='", "' onclick='x'>", "<math>", "<details open>", "text", "\n", "<br/>", "</div>",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let sanitizer = HTMLSanitizer()
        for _ in 0..<300 {
            var input = ""
            for _ in 0..<40 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                input += pieces[Int((state >> 33) % UInt64(pieces.count))]
            }
            let html = sanitizer.sanitize(input).html.lowercased()
            for tag in tags(in: html) {
                #expect(!tag.hasPrefix("<script") && !tag.hasPrefix("<svg") && !tag.hasPrefix("<style"), "\(input)")
                #expect(!tag.hasPrefix("<iframe"), "\(input)")
                let names = attributeNames(in: tag)
                #expect(!names.contains { $0.hasPrefix("on") || $0 == "style" }, "\(input)")
                #expect(!tag.contains("=\"javascript:"), "\(input)")
            }
            #expect(XMLWellFormedness.check(Array("<root>\(html)</root>".utf8)) == nil, "\(input)")
        }
    }
}

/// The tags of sanitised output: text and attribute values there never hold a raw `<`
/// or `>`, so a tag runs from `<` to the next `>`.
private func tags(in html: String) -> [Substring] {
    var result: [Substring] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<") {
        guard let close = rest[open...].firstIndex(of: ">") else { break }
        result.append(rest[open...close])
        rest = rest[rest.index(after: close)...]
    }
    return result
}

/// Attribute names of a tag such as `<a href="x" title="y">` (values are always quoted).
private func attributeNames(in tag: Substring) -> [String] {
    var names: [String] = []
    var inValue = false
    var current = ""
    for ch in tag.dropFirst().drop(while: { $0 != " " }) {
        if inValue {
            if ch == "\"" { inValue = false }
        } else if ch == "\"" {
            inValue = true
        } else if ch == "=" {
            names.append(current)
            current = ""
        } else if ch == " " || ch == "/" || ch == ">" {
            current = ""
        } else {
            current.append(ch)
        }
    }
    return names
}

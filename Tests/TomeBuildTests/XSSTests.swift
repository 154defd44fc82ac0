import Foundation
import Testing
@testable import TomeBuild
import TomeCore
import TomeHTML
import TomeSearch

/// Script injection (issue 8): a table of payloads written where authors (or an
/// attacker with write access to one page) can put text, pushed through every output
/// the build writes. Each must come out escaped or removed:
///
/// - pages (`*.html`): no script element but the theme's own, no `on…=` handler
///   attribute, no `javascript:`/`vbscript:`/`data:text/html` URL in any tag;
/// - FAQ JSON-LD: valid JSON, and nothing inside it can close its `<script>`;
/// - `feed.xml`, `sitemap.xml`: well-formed XML, and the HTML a feed reader renders
///   from the feed passes the same page checks;
/// - the search index: titles and snippets come back as plain text (the browser UI
///   inserts them with `textContent`, checked below).
///
/// The HTTP API and MCP outputs are covered by the server's own tests (TomeServerTests/XSSTests).
@Suite struct XSSTests {
    /// The payload table, shared with the server's tests (`Tests/Shared/xss-payloads.json`).
    static let payloads: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Shared/xss-payloads.json")
        guard let data = FileManager.default.contents(atPath: url.standardizedFileURL.path),
              let list = try? JSONDecoder().decode([String].self, from: data), !list.isEmpty else {
            preconditionFailure("cannot read the XSS payload table at \(url.path)")
        }
        return list
    }()

    /// YAML double-quoted scalar.
    static func yaml(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Builds the `types` fixture with pages that carry `payload` in every field.
    func build(_ payload: String) async throws -> (MemorySink, BuildReport) {
        let folder = try Fixture.copy("types")
        defer { try? FileManager.default.removeItem(at: folder) }
        let y = Self.yaml(payload)
        let body = """
        Intro \(payload) and a [link](javascript:alert(1)) and ![pic](javascript:alert(1)).

        \(payload)

        [auto](<javascript:alert(1)>) <javascript:alert(1)> [entity](&#106;avascript:alert(1))
        [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![svg](data:image/svg+xml;base64,PHN2Zz4=)
        [spaced]( JAVASCRIPT:alert(1)) [ref][r]

        [r]: vbscript:msgbox(1)

        """
        try Fixture.write("""
        ---
        title: \(y)
        description: \(y)
        type: faq
        tags: [\(y), safe]
        ---
        ## Section \(payload)

        ### Question \(payload)?

        Answer \(payload)

        \(body)
        """, to: "Content/help/evil-faq.md", in: folder)
        try Fixture.write("""
        ---
        title: \(y)
        description: \(y)
        type: release
        version: \(y)
        date: 2026-11-20
        status: released
        tags: [\(y)]
        ---
        ## Features \(payload)

        \(body)
        """, to: "Content/releases/evil.md", in: folder)
        try Fixture.write("""
        ---
        title: \(y)
        tags: [\(y)]
        aliases: ["/old/evil/"]
        ---
        \(body)
        """, to: "Content/help/evil-page.md", in: folder)
        return try await Fixture.build(content: folder.appendingPathComponent("Content"))
    }

    @Test(arguments: payloads) func payloadIsInertInEveryOutput(_ payload: String) async throws {
        let (sink, report) = try await build(payload)
        // Removals may warn; nothing about a payload may fail or crash the build.
        #expect(report.succeeded, "\(report.diagnostics.sorted.filter { $0.severity == .error })")
        let files = sink.files
        #expect(files.keys.contains("feed.xml") || files.keys.contains { $0.hasSuffix(".xml") && $0.contains("feed") },
                "the release feed must be among the outputs: \(files.keys.sorted().filter { $0.hasSuffix(".xml") })")

        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: bytes, as: UTF8.self)
            if path.hasSuffix(".html") {
                for problem in Self.htmlProblems(text) { Issue.record("\(path): \(problem)") }
                for problem in Self.jsonLDProblems(text) { Issue.record("\(path): \(problem)") }
            } else if path.hasSuffix(".xml") {
                for problem in Self.xmlProblems(text) { Issue.record("\(path): \(problem)") }
                // What a feed reader renders: the HTML carried as escaped text.
                for html in Self.feedHTML(text) {
                    for problem in Self.htmlProblems(html) { Issue.record("\(path) (as HTML): \(problem)") }
                }
            }
        }
        try searchIndexReturnsText(sink, payload: payload)
    }

    /// The search index stores text, not markup: a title comes back exactly as written,
    /// and no stored text carries an element that the sanitiser removed from the page.
    func searchIndexReturnsText(_ sink: MemorySink, payload: String) throws {
        let files = sink.files
        let index = try SearchIndex(read: { name in
            guard let bytes = files["search/" + name] else { throw IndexFormatError.missing(file: name) }
            return bytes
        })
        try index.loadAll()
        var titles: Set<String> = []
        for doc in 0..<index.manifest.docCount {
            guard let section = try index.section(doc) else { continue }
            titles.insert(section.pageTitle)
            // Text may well mention `<script>` (docs about HTML do): it is text, and the UI
            // inserts it as text. It must not arrive entity-escaped (shown as `&lt;`).
            for text in [section.text, section.heading] + section.headingPath {
                #expect(!text.contains("&lt;") && !text.contains("&amp;"), "stored text is HTML-escaped (double escaping in the UI): \(text)")
            }
            for url in [section.url, section.pageURL] {
                #expect(url.hasPrefix("/"), "a result URL must be a site path: \(url)")
            }
        }
        #expect(titles.contains(payload), "the title must come back as the text the author wrote")
        let results = try index.search("alert")
        #expect(!results.pages.isEmpty)
        for page in results.pages {
            for hit in page.sections {
                #expect(!hit.snippet.text.contains("&lt;"), "\(hit.snippet.text)")
                for range in hit.snippet.highlights { #expect(range.upperBound <= hit.snippet.text.utf16.count || range.upperBound <= hit.snippet.text.utf8.count) }
            }
        }
    }

    // MARK: Checks

    static let badSchemes = ["javascript:", "vbscript:", "data:text/html", "livescript:"]

    /// Problems in an HTML document: foreign script elements, handler attributes,
    /// dangerous URLs in any tag.
    static func htmlProblems(_ html: String) -> [String] {
        var problems: [String] = []
        for tag in tags(in: html) {
            let lower = tag.lowercased()
            let name = String(lower.dropFirst().prefix { $0.isLetter || $0.isNumber })
            let attributes = attributes(of: tag)
            if name == "script" {
                let type = attributes.first { $0.name == "type" }?.value
                let allowed = attributes.contains { $0.name == "src" } || type == "application/ld+json" || type == "application/json"
                if !allowed { problems.append("inline script element: \(tag)") }
            }
            for (attribute, value) in attributes {
                if attribute.hasPrefix("on") { problems.append("event handler attribute \(attribute): \(tag)") }
                if attribute == "srcdoc" { problems.append("srcdoc: \(tag)") }
                // The value as the browser reads it: entities decoded, spaces and controls dropped.
                let decoded = String(decodeEntities(value).lowercased().unicodeScalars.filter { $0.value > 0x20 }.map(Character.init))
                let isStyle = attribute == "style"
                for scheme in badSchemes where decoded.hasPrefix(scheme) && !["content", "alt", "title", "aria-label", "value"].contains(attribute)
                    || isStyle && (decoded.contains("url(" + scheme) || decoded.contains("url('" + scheme)) {
                    if scheme == "data:text/html" || !(name == "img" && attribute == "src" && decoded.hasPrefix("data:image/")) {
                        problems.append("\(scheme) URL in \(attribute): \(tag)")
                    }
                }
            }
        }
        return problems
    }

    /// `name=value` pairs of a start tag, names lower-cased, values without quotes.
    static func attributes(of tag: String) -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        var s = Substring(tag.dropFirst().drop { $0.isLetter || $0.isNumber }.dropLast())
        func skipSpace() { s = s.drop { $0.isWhitespace || $0 == "/" } }
        skipSpace()
        while !s.isEmpty {
            let name = s.prefix { !$0.isWhitespace && $0 != "=" && $0 != "/" && $0 != ">" }
            if name.isEmpty { s = s.dropFirst(); skipSpace(); continue }
            s = s.dropFirst(name.count)
            s = s.drop { $0.isWhitespace }
            var value = ""
            if s.first == "=" {
                s = s.dropFirst().drop { $0.isWhitespace }
                if let q = s.first, q == "\"" || q == "'" {
                    let body = s.dropFirst().prefix { $0 != q }
                    value = String(body)
                    s = s.dropFirst(body.count + 2)
                } else {
                    let body = s.prefix { !$0.isWhitespace }
                    value = String(body)
                    s = s.dropFirst(body.count)
                }
            }
            out.append((name.lowercased(), value))
            skipSpace()
        }
        return out
    }

    /// The HTML a feed reader renders: the text of Atom elements with `type="html"`.
    static func feedHTML(_ xml: String) -> [String] {
        var out: [String] = []
        let pattern = #"<(content|summary|title|subtitle|rights)\b[^>]*type="html"[^>]*>(.*?)</\1>"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return out }
        let ns = xml as NSString
        for match in regex.matches(in: xml, range: NSRange(location: 0, length: ns.length)) {
            out.append(unescapeXML(ns.substring(with: match.range(at: 2))))
        }
        return out
    }

    /// Every `<script type="application/ld+json">` holds valid JSON that cannot end its element.
    static func jsonLDProblems(_ html: String) -> [String] {
        var problems: [String] = []
        var rest = html[...]
        let open = "<script type=\"application/ld+json\">"
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: "</script>") else {
                problems.append("unterminated JSON-LD")
                break
            }
            let json = rest[start.upperBound..<end.lowerBound]
            if json.contains("<") { problems.append("JSON-LD contains '<': \(json.prefix(200))") }
            if (try? JSONSerialization.jsonObject(with: Data(json.utf8))) == nil { problems.append("JSON-LD is not valid JSON: \(json.prefix(200))") }
            rest = rest[end.upperBound...]
        }
        return problems
    }

    /// Well-formed XML, checked by libxml2.
    static func xmlProblems(_ xml: String) -> [String] {
        XMLWellFormedness.check(Array(xml.utf8)).map { ["not well-formed XML: \($0)"] } ?? []
    }

    static func tags(in html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let lt = rest.firstIndex(of: "<") {
            let after = rest.index(after: lt)
            guard after < rest.endIndex, rest[after].isLetter else { rest = rest[after...]; continue }
            var i = after
            var quote: Character?
            while i < rest.endIndex {
                let c = rest[i]
                if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" { break }
                i = rest.index(after: i)
            }
            out.append(String(rest[lt..<min(i, rest.endIndex)]) + ">")
            rest = i < rest.endIndex ? rest[rest.index(after: i)...] : rest[rest.endIndex...]
        }
        return out
    }

    static func decodeEntities(_ s: String) -> String {
        var out = s
        for (entity, char) in [("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&colon;", ":"), ("&tab;", "\t"), ("&newline;", "\n")] {
            out = out.replacingOccurrences(of: entity, with: char)
        }
        // Numeric entities (&#106; &#x6A;).
        while let range = out.range(of: #"&#x?[0-9a-f]+;?"#, options: .regularExpression) {
            let body = out[range].dropFirst(2).filter { $0 != ";" }
            let value = body.hasPrefix("x") ? UInt32(body.dropFirst(), radix: 16) : UInt32(body, radix: 10)
            out.replaceSubrange(range, with: value.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? "")
        }
        return out.replacingOccurrences(of: "&amp;", with: "&")
    }

    static func unescapeXML(_ xml: String) -> String {
        xml.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    // MARK: The browser UI

    /// The theme's scripts insert search results (titles, headings, snippets, URLs from
    /// the index) as text nodes and attributes only, never as markup.
    @Test func themeScriptsNeverInsertMarkup() throws {
        let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Templates/assets").standardizedFileURL
        let names = try FileManager.default.contentsOfDirectory(atPath: assets.path).filter { $0.hasSuffix(".js") }
        #expect(names.contains("search-ui.js"))
        for name in names {
            let source = try String(contentsOf: assets.appendingPathComponent(name), encoding: .utf8)
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute(\"on"] {
                #expect(!source.contains(sink), "\(name) uses \(sink)")
            }
        }
    }

    /// The checks above catch what they claim to: each fires on a known-bad document.
    @Test func checksDetectPlantedProblems() {
        #expect(!Self.htmlProblems("<p><script>alert(1)</script></p>").isEmpty)
        #expect(!Self.htmlProblems("<img src=x onerror=alert(1)>").isEmpty)
        #expect(!Self.htmlProblems("<a href=\"&#106;avascript:alert(1)\">x</a>").isEmpty)
        #expect(!Self.htmlProblems("<a href=\"java\tscript:alert(1)\">x</a>").isEmpty)
        #expect(!Self.jsonLDProblems("<script type=\"application/ld+json\">{\"a\":\"</b>\"}</script>").isEmpty)
        #expect(!Self.xmlProblems("<feed><entry></feed>").isEmpty)
        #expect(!Self.htmlProblems("<details open ontoggle=alert(1)>").isEmpty)
        #expect(Self.htmlProblems("<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>").isEmpty)
        #expect(Self.htmlProblems("<meta content=\"&lt;img src=x onerror=alert(1)&gt;\">").isEmpty)
        #expect(Self.feedHTML("<feed><content type=\"html\">&lt;b&gt;x&lt;/b&gt;</content></feed>") == ["<b>x</b>"])
    }
}

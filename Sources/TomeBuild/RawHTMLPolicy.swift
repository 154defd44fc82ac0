import TomeCore
import TomeHTML
import TomeMarkdown

/// What happens to raw HTML written in Markdown: cleaned by the allow-list sanitiser
/// (removals become warnings with their line), or passed through untouched when the
/// site opts in with `unsafe_html: true`.
struct RawHTMLPolicy: Sendable {
    let unsafe: Bool
    private let sanitizer = HTMLSanitizer()

    init(unsafe: Bool) { self.unsafe = unsafe }

    /// `line` is the fragment's first line in the Markdown body (for inline HTML, the
    /// line of the paragraph it stands in).
    func filter(_ html: String, line: Int, inline: Bool = false) -> HTMLFilterResult {
        if unsafe {
            return HTMLFilterResult(html: html, anchors: HTMLInspector.inspect(html).anchorNames)
        }
        if let closing = RawHTMLPolicy.closingTag(html) {
            // A lone end tag (inline HTML arrives tag by tag) carries nothing harmful;
            // keep it if its element is allowed, so `<kbd>Ctrl</kbd>` survives.
            return HTMLFilterResult(html: RawHTMLPolicy.inlineAllowed.contains(closing) ? "</\(closing)>" : "")
        }
        if let simple = RawHTMLPolicy.simpleTag(html) {
            // The commonest raw HTML in real docs (`<br/>`, `<a name="x">`) needs no parser.
            return simple
        }
        let clean = sanitizer.sanitize(html)
        var output = clean.html
        if inline, let open = RawHTMLPolicy.openingTag(html), output.hasSuffix("</\(open)>"), !html.contains("</") {
            // The parser closed a lone inline start tag; its end tag follows separately.
            output.removeLast("</\(open)>".count)
        }
        let problems = clean.removals.map { removal in
            RenderProblem(.warning, id: "html.removed", message: removal.description,
                          hint: "raw HTML is limited to safe elements; set unsafe_html: true in site.yml to trust it",
                          line: line > 0 ? line + (inline ? 0 : (removal.line ?? 1) - 1) : 0)
        }
        return HTMLFilterResult(html: output, anchors: HTMLInspector.inspect(output).anchorNames, problems: problems)
    }

    static let inlineAllowed: Set<String> = [
        "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small",
        "span", "strong", "sub", "sup", "time", "u", "var",
    ]

    /// A line break, or an anchor start tag whose only attribute is a plain `name` or
    /// `id` (`<a name="create">`), written back in a canonical safe form.
    static func simpleTag(_ html: String) -> HTMLFilterResult? {
        let t = html.trimmingCharacters
        let lower = t.lowercased()
        if lower == "<br>" || lower == "<br/>" || lower == "<br />" { return HTMLFilterResult(html: "<br />") }
        guard lower.hasPrefix("<a "), t.hasSuffix(">"), !t.hasSuffix("/>") else { return nil }
        var inner = String(t.dropFirst(3).dropLast()).trimmingCharacters
        for key in ["name=", "id="] where inner.lowercased().hasPrefix(key) {
            inner = String(inner.dropFirst(key.count))
            guard let quote = inner.first, quote == "\"" || quote == "'", inner.count >= 2, inner.last == quote else { return nil }
            let value = inner.dropFirst().dropLast()
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else { return nil }
            let attribute = key.dropLast()
            return HTMLFilterResult(html: "<a \(attribute)=\"\(value)\">", anchors: [String(value)])
        }
        return nil
    }

    /// `</kbd>` → `kbd`.
    static func closingTag(_ html: String) -> String? {
        let t = html.trimmingCharacters
        guard t.hasPrefix("</"), t.hasSuffix(">"), !t.dropFirst(2).contains("<") else { return nil }
        let name = String(t.dropFirst(2).dropLast()).trimmingCharacters.lowercased()
        return name.allSatisfy({ $0.isLetter || $0.isNumber }) ? name : nil
    }

    /// `<kbd class="x">` → `kbd`.
    static func openingTag(_ html: String) -> String? {
        let t = html.trimmingCharacters
        guard t.hasPrefix("<"), t.hasSuffix(">"), !t.hasSuffix("/>") else { return nil }
        let name = t.dropFirst().prefix { $0.isLetter || $0.isNumber }.lowercased()
        return name.isEmpty ? nil : name
    }
}

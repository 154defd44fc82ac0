import TomeMarkdown

/// What happens to raw HTML written in Markdown: passed through when the site opts in
/// with `unsafe_html: true`, otherwise cleaned by the sanitiser.
struct RawHTMLPolicy: Sendable {
    let unsafe: Bool

    func filter(_ html: String, line: Int) -> HTMLFilterResult {
        if unsafe { return HTMLFilterResult(html: html, anchors: RawHTMLPolicy.anchors(in: html)) }
        return HTMLFilterResult(html: "", anchors: RawHTMLPolicy.anchors(in: html))
    }

    /// `id="…"` and `name="…"` values: raw anchors such as `<a name="create"></a>`.
    static func anchors(in html: String) -> [String] {
        var found: [String] = []
        let bytes = Array(html.utf8)
        var i = 0
        while i < bytes.count {
            var matched = 0
            for key in ["id=", "name="] where i + key.utf8.count < bytes.count && Array(bytes[i..<(i + key.utf8.count)]) == Array(key.utf8) {
                matched = key.utf8.count
            }
            if matched > 0, i > 0, bytes[i - 1] == UInt8(ascii: " ") || bytes[i - 1] == UInt8(ascii: "\t") {
                var j = i + matched
                let quote = bytes[j]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    j += 1
                    let start = j
                    while j < bytes.count, bytes[j] != quote { j += 1 }
                    found.append(String(decoding: bytes[start..<j], as: UTF8.self))
                }
                i = j
            }
            i += 1
        }
        return found
    }
}

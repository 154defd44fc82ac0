import Testing
@testable import TomeMarkdown

/// `HTMLEscaping` copies runs of bytes that need no escape whole, and `trimmed` skips
/// the Unicode lookups when the text starts and ends with ASCII that is not white space:
/// both must answer as the character-by-character rules they stand for.
@Suite struct HTMLEscapingTests {
    static func referenceEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static let texts = ["", "plain", "<", "a<b", "<a>", "&&", "x < y && y > \"z\" 'w'", "std::vector<int> v;",
                        "café <b>é</b> 日本語 & 🙂", "no escapes at all, only é and 🙂", "'", "tail&"]

    @Test(arguments: texts)
    func escapingFollowsTheCharacterRule(_ text: String) {
        #expect(HTMLEscaping.escape(text) == Self.referenceEscape(text))
        var bytes: [UInt8] = Array("prefix".utf8)
        HTMLEscaping.append(text, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "prefix" + Self.referenceEscape(text))
        // A Substring in the middle of its String.
        let padded = "[" + text + "]"
        let inner = padded.dropFirst().dropLast()
        #expect(HTMLEscaping.escape(inner) == Self.referenceEscape(text))
    }

    @Test func renderedCodeIsEscapedOnce() {
        let html = HTMLRenderer.render(markdown: "```cpp\n#include <map>\nif (a && b) s = \"x\";\n```").html
        #expect(html == "<pre><code class=\"language-cpp\">#include &lt;map&gt;\nif (a &amp;&amp; b) s = &quot;x&quot;;\n</code></pre>\n")
    }

    static func referenceTrim(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars[start...end])
        return out
    }

    @Test(arguments: ["", " ", "a", " a ", "a b", "\ta\n", "a\u{0B}", "\u{0C}a", "a\r", "\u{85}a\u{85}", "\u{A0}a", "a\u{3000}",
                      "a\u{301}", "é", " é ", "x\u{2028}", "\u{1C}a\u{1F}", "ab  cd"])
    func trimmingFollowsTheWhiteSpaceProperty(_ text: String) {
        #expect(text.trimmed == Self.referenceTrim(text))
        #expect(Substring(text).trimmed == Self.referenceTrim(text))
    }
}

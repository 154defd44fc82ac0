import Testing
import TomeCore

@Suite struct SlugTests {
    @Test(arguments: [
        ("Hello World", "hello-world"), ("What's new?", "whats-new"), ("C++ & you", "c--you"),
        ("Über Straße", "über-straße"), ("a_b-c", "a_b-c"), ("  ", "--"),
    ])
    func githubStyle(text: String, slug: String) {
        #expect(Slug.make(text) == slug)
    }

    /// ASCII text takes a byte path: every ASCII character, alone and between letters,
    /// slugs as the rule says (and as non-ASCII text beside it does, scalar by scalar).
    @Test func asciiBytesFollowTheRule() {
        for value in UInt8(0)..<0x80 {
            let c = Character(Unicode.Scalar(value))
            let expected: String = switch c {
            case "A"..."Z": c.lowercased()
            case "a"..."z", "0"..."9", "-", "_": String(c)
            case " ", "\t", "\n": "-"
            default: ""
            }
            #expect(Slug.make(String(c)) == expected, "\(value)")
            #expect(Slug.make("A\(c)b") == "a\(expected)b", "\(value)")
            #expect(Slug.make("A\(c)bé") == "a\(expected)bé", "\(value)")
        }
        #expect(Slug.segment("-- Já -- b --") == "já-b")
        #expect(Slug.segment("-- Ja -- b --") == "ja-b")
        #expect(Slug.segment("---") == "")
    }

    @Test func segmentCollapsesDashes() {
        #expect(Slug.segment("  A -- B ") == "a-b")
    }

    @Test func anchorsAreUniquePerPage() {
        var anchors = AnchorAllocator()
        #expect(["FAQ", "FAQ", "faq-1", "FAQ"].map { anchors.unique(for: $0) } == ["faq", "faq-1", "faq-1-1", "faq-2"])
    }

    @Test func diagnosticsPrintLikeACompiler() {
        let d = Diagnostic.error("link.unresolved", "link target 'x.md' does not exist",
                                 at: SourceLocation(file: "Content/faq/billing.md", line: 12, column: 5), hint: "fix it")
        #expect(d.description == "Content/faq/billing.md:12:5: error: link target 'x.md' does not exist [link.unresolved]")
        #expect(d.rendered == d.description + "\n  hint: fix it")
    }
}

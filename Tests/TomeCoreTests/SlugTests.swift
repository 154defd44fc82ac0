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

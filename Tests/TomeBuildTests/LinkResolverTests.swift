import Testing
@testable import TomeBuild

/// `LinkResolver.normalise` takes byte-level shortcuts for plain paths: its answers must
/// stay those of the rule it implements (split at `/` Characters, drop empty and `.`
/// segments, `..` climbs one, nil above the root).
@Suite struct LinkResolverTests {
    static func reference(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    @Test(arguments: ["", "a", "a/b.md", "a/./b", "a/../b", "../a", "a//b", "/a/b/", "a/b/..", "a/...", "..a/b.", ".", "..",
                      "a/.", "x/y/../../z", "x/../..", "a/b/../c/../d", "a/b/c/../../..", "a/b/c/../../../..", "../../x", "a/./../b/./c/",
                      "//a//b//", "a/b/../../../c", "café/../thé.md", "a/\u{301}/b", "a/\u{301}../b", "./a\r\n/b"])
    func normaliseFollowsTheSegmentRule(_ path: String) {
        #expect(LinkResolver.normalise(path) == Self.reference(path))
    }

    @Test(arguments: [("https://x.org/a", true), ("mailto:a@b.c", true), ("//cdn/x.js", true), ("a/b.md", false),
                      ("../c++:thing.md", false), ("1http://x", false), ("", false), ("C:\\x", true)])
    func externalDestinations(_ destination: String, _ external: Bool) {
        #expect(LinkResolver.isExternal(destination) == external)
    }

    /// The byte-level helpers `resolve` uses answer as the Character-level operations did.
    @Test(arguments: ["", "a.md", " a.md ", "\ta.md\n", "a.md\r\n", " \u{301}a.md", "a.md \u{301}", "\n", "   ", "é.md", "x.markdown",
                      "x.MD", "md", ".md", "a.md#top", "thé/ça.md"])
    func byteHelpersAgreeWithCharacters(_ text: String) {
        #expect(LinkResolver.trimmed(text) == text.trimmingCharacters)
        #expect(LinkResolver.hasSuffix(text, ".md") == text.hasSuffix(".md"))
        #expect(LinkResolver.hasSuffix(text, ".markdown") == text.hasSuffix(".markdown"))
    }

    @Test(arguments: ["_index.md", "a/b.md", "a/b/c.md", "thé/ça/x.md", "a/", "a/b/", "x.md"])
    func folderOfAPage(_ id: String) {
        let expected: String
        if id.hasSuffix("/") { expected = String(id.dropLast()) } else if let slash = id.lastIndex(of: "/") { expected = String(id[..<slash]) } else { expected = "" }
        #expect(LinkResolver.folder(ofPageID: id) == expected)
    }
}

import Testing
import TomeMarkdown

/// Found by Benchmarks/crash-test.sh: two builds of the same site differed, because
/// cmark-gfm keeps the extensions' special characters in a process-wide table that each
/// parse added to and removed from; pages parsed at once raced on it and `~~strike~~`
/// sometimes stayed text. MarkdownParser now fills the table once, before the first
/// parse, and parses on every core: these tests prove the pages come out the same.
@Suite struct ParallelParseTests {
    @Test func everyParallelParseSeesTheExtensions() async {
        let markdown = "Before ~~struck~~ after, and www.example.com as a link.\n\n| a | b |\n|---|---|\n| ~~c~~ | d |\n"
        let expected = HTMLRenderer.render(markdown: markdown).html
        #expect(expected.contains("<del>struck</del>"))
        let outputs = await withTaskGroup(of: String.self) { group in
            for _ in 0..<400 { group.addTask { HTMLRenderer.render(markdown: markdown).html } }
            var all: [String] = []
            for await html in group { all.append(html) }
            return all
        }
        #expect(outputs.allSatisfy { $0 == expected }, "\(outputs.filter { $0 != expected }.count) of \(outputs.count) parses differed")
    }

    /// Many different pages, long enough that parses overlap for most of their inline
    /// parsing, with every extension's characters next to emphasis: parsed on all cores,
    /// each page's HTML equals its one-at-a-time parse.
    @Test func parallelParsesEqualSerialParses() async {
        let documents = (0..<300).map(Self.document)
        let serial = documents.map { HTMLRenderer.render(markdown: $0).html }
        #expect(serial[7].contains("<del>gone 7</del>") && serial[7].contains("<a href=\"http://www.example.com/7\">"))
        let parallel = await withTaskGroup(of: (Int, String).self) { group in
            for (i, markdown) in documents.enumerated() { group.addTask { (i, HTMLRenderer.render(markdown: markdown).html) } }
            var all = [String](repeating: "", count: documents.count)
            for await (i, html) in group { all[i] = html }
            return all
        }
        let differing = documents.indices.filter { parallel[$0] != serial[$0] }
        #expect(differing.isEmpty, "pages \(differing.prefix(10)) differed")
    }

    #if os(Linux)
    /// On Linux the library's calls reach Tome's replacement (ELF interposition), so the
    /// tests above ran the parallel path, not the lock.
    @Test func pagesParseOnAllCores() {
        #expect(MarkdownParser.parsesOnAllCores)
    }
    #endif

    static func document(_ n: Int) -> String {
        var out = "# Page \(n)\n\n"
        for i in 0..<(20 + n % 13) {
            out += "Para \(i): ~~gone \(n)~~ and *~~both~~* or ~one~, see www.example.com/\(n) or https://x.org/\(i).\n"
            out += "Mail a\(i)@example.com, w words with **bold~** and _under_ ~~**strong strike**~~.\n\n"
            out += "- [x] done \(i)\n- [ ] open ~~\(n)~~\n\n| ~~h~~ | b |\n|---|:-:|\n| www.a.com | ~~\(i)~~ |\n\n"
        }
        return out
    }
}

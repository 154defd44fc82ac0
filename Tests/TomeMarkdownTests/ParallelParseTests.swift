import Testing
import TomeMarkdown

/// Found by Benchmarks/crash-test.sh: two builds of the same site differed, because
/// cmark-gfm keeps the extensions' special characters in a process-wide table that each
/// parse adds to and removes from; pages parsed at once raced on it and `~~strike~~`
/// sometimes stayed text. MarkdownParser now parses one page at a time.
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
}

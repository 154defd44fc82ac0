// libFuzzer target: the Markdown pipeline with Tome's transforms (cmark-gfm → Swift
// values → HTMLRenderer: heading ids, links, callouts, video embeds, footnotes, tables)
// with raw HTML through the allow-list sanitiser, as the build runs it.
// Compiled into the TomeMarkdown module by Tests/Fuzz/build.sh.
import TomeHTML

private let sanitizer = HTMLSanitizer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) }.map(Array.init) ?? []
    let markdown = String(decoding: bytes, as: UTF8.self)
    let options = RenderOptions(
        resolveLink: { target in
            // Exercise both outcomes: some links resolve, some are reported broken.
            target.destination.hasPrefix("x") ? .broken(target.destination, RenderProblem(id: "link.unresolved", message: "missing", line: target.line, column: target.column))
                : .keep(target.destination)
        },
        filterHTML: { html, _, _ in
            let clean = sanitizer.sanitize(html)
            return HTMLFilterResult(html: clean.html, anchors: HTMLInspector.inspect(clean.html).anchorNames)
        },
        titleFromLeadingHeading: true
    )
    let rendered = HTMLRenderer.render(markdown: markdown, options: options)
    // Invariants a page relies on: sections cover the page, anchors are unique ids.
    for heading in rendered.headings { precondition(rendered.anchors.contains(heading.id)) }
    return 0
}

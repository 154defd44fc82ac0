import TomeSite

/// Step 6b: for AI assistants and crawlers (llmstxt.org): `llms.txt` (the site summary
/// and a link list by book), `llms-full.txt` (every page's Markdown in reading order),
/// and a Markdown twin of every page (`index.md` next to its `index.html`).
///
/// A twin starts with a small front matter whose values are JSON strings (so any title
/// survives), then the page's Markdown source under its title:
///
///     ---
///     title: "Parking FAQ"
///     url: "https://support.example.com/support/faq/"
///     book: "support"
///     bookTitle: "Support"
///     type: "faq"
///     revision: "Revision #6 · Created 24 May 2024 14:45 · Updated 13 January 2026 09:26"
///     ---
///
///     # Parking FAQ
///     ...
///
/// `tome serve`'s `/api/pages/{path}` and the MCP tool `read_article` serve these files.
struct LLMStep {
    let context: SiteContext
    let sink: any OutputSink

    struct Result {
        var fileCount = 0
    }

    func run() throws -> Result {
        let site = context.site
        var result = Result()
        var full = "# \(site.configuration.title)\n\n"
        if !site.configuration.description.isEmpty { full += "> \(oneLine(site.configuration.description))\n\n" }
        for page in site.orderedPages {
            let twin = twin(for: page)
            try sink.write(twinPath(page), twin)
            result.fileCount += 1
            full += "\n" + twin + (twin.hasSuffix("\n") ? "" : "\n")
        }
        try sink.write("llms.txt", index())
        try sink.write("llms-full.txt", full)
        result.fileCount += 2
        return result
    }

    func twinPath(_ page: Page) -> String { String(page.url.dropFirst()) + "index.md" }

    func twin(for page: Page) -> String {
        let site = context.site
        let bookTitle = page.book.flatMap { site.pages[$0 + "/_index.md"]?.title } ?? ""
        var out = "---\n"
        out += "title: \(json(page.title))\n"
        out += "url: \(json(context.absoluteURL(page.url)))\n"
        if let book = page.book { out += "book: \(json(book))\nbookTitle: \(json(bookTitle))\n" }
        out += "type: \(json(page.type))\n"
        if !page.metadata.tags.isEmpty { out += "tags: [\(page.metadata.tags.map(json).joined(separator: ", "))]\n" }
        let revision = page.revision.line
        if !revision.isEmpty { out += "revision: \(json(revision))\n" }
        if let description = page.metadata.description, !description.isEmpty { out += "description: \(json(description))\n" }
        out += "---\n\n"
        let body = page.body.trimmingTrailingNewlines.drop(while: { $0.isNewline })
        let startsWithTitle = body.split(separator: "\n", omittingEmptySubsequences: true).first.map { $0.hasPrefix("# ") } ?? false
        if !startsWithTitle { out += "# \(page.title)\n\n" }
        out += String(body) + "\n"
        return out
    }

    /// `llms.txt`: title, summary, then one `##` list per book (pages outside books last).
    func index() -> String {
        let site = context.site
        var out = "# \(site.configuration.title)\n\n"
        let summary = site.configuration.description.isEmpty ? site.home.metadata.description ?? "" : site.configuration.description
        if !summary.isEmpty { out += "> \(oneLine(summary))\n\n" }
        out += "Every page is also available as Markdown: add `index.md` to its URL. All pages in one file: "
            + "\(context.absoluteURL("/llms-full.txt"))\n"
        var other: [Page] = []
        var byBook: [String: [Page]] = [:]
        for page in site.readingOrder {
            if let book = page.book { byBook[book, default: []].append(page) } else { other.append(page) }
        }
        for book in site.books {
            guard let bookName = book.book, let pages = byBook[bookName] else { continue }
            out += "\n## \(oneLine(book.title))\n\n"
            for page in pages { out += link(page) }
        }
        if !other.isEmpty {
            out += "\n## Optional\n\n"
            for page in other { out += link(page) }
        }
        return out
    }

    private func link(_ page: Page) -> String {
        var line = "- [\(oneLine(page.title))](\(context.absoluteURL(page.url))index.md)"
        if let d = page.metadata.description, !d.isEmpty { line += ": \(oneLine(d))" }
        return line + "\n"
    }

    private func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A JSON string literal (also a valid YAML double-quoted scalar).
    private func json(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    o += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    o.unicodeScalars.append(u)
                }
            }
        }
        return o + "\""
    }
}

private extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last.isNewline || last == " " { s = s.dropLast() }
        return String(s)
    }
}

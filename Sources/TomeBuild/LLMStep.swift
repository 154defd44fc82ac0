import Foundation
import TomeCore
import TomeHTML
import TomeMarkdown
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
/// Links in the body are rewritten so that a crawler reading the twin can follow them:
/// a link to another page (`../billing/refunds.md#fees`, `/support/faq/`) becomes that
/// page's twin (`https://kb.example.com/billing/refunds/index.md#fees`), a relative link
/// to a file of the site becomes its URL from the site root (the twin sits one folder
/// deeper than its source file, so relative paths would miss). See `TwinLinks`.
///
/// `tome serve`'s `/api/pages/{path}` and the MCP tool `read_article` serve these files.
struct LLMStep: Sendable {
    let context: SiteContext
    let sink: any OutputSink
    let links: TwinLinks

    init(context: SiteContext, sink: any OutputSink) {
        self.context = context
        self.sink = sink
        self.links = TwinLinks(context: context)
    }

    struct Result {
        var fileCount = 0
    }

    /// With a sink that keeps files, a twin is made again only when its front matter,
    /// its body or where its links lead changed, and `llms-full.txt` only when a twin did.
    func run() async throws -> Result {
        let site = context.site
        var result = Result()
        var full = "# \(site.configuration.title)\n\n"
        if !site.configuration.description.isEmpty { full += "> \(oneLine(site.configuration.description))\n\n" }
        let pages = site.orderedPages
        let step = self
        let keys = sink.memoizes ? TwinKeys(links: links, origin: context.absoluteURL("")) : nil
        // The front matter is part of a twin's key and of the twin: made once for both.
        let made = await concurrentMap(pages) { page -> (frontMatter: String, key: UInt64?) in
            let frontMatter = step.frontMatter(for: page)
            return (frontMatter, keys.map { $0.key(page, frontMatter: frontMatter) })
        }
        let keyed = made.map(\.key)
        var fullKey: UInt64?
        if let keys {
            var digest = keys.common
            digest.add(full)
            for key in keyed { digest.add(Int(bitPattern: UInt(key ?? 0))) }
            fullKey = digest.value
        }
        let fullIsKept = fullKey.map { sink.keep("llms-full.txt", madeFrom: $0) } ?? false
        // Twins on all cores (rewriting links reads every line of every page), in order,
        // as bytes from start to end: the twin written is the very buffer llms-full.txt
        // is then made of (as Strings, each twin was copied four more times). A twin made
        // here (`fresh`, not kept) is written below.
        let twins = await concurrentMap(Array(zip(pages, made))) { page, made -> (bytes: [UInt8]?, fresh: Bool) in
            let (frontMatter, key) = made
            if let key, step.sink.keep(step.twinPath(page), madeFrom: key) {
                // Kept: its text is needed only to make llms-full.txt again.
                if fullIsKept { return (nil, false) }
                if let bytes = step.sink.keptContents(step.twinPath(page)) { return (bytes, false) }
            }
            return (step.twin(for: page, frontMatter: frontMatter), true)
        }
        // llms-full.txt (44 MB for the C++ corpus: copying it together and writing it is
        // one core's work) is made and written while the twins are written on the others;
        // written after them, it was the build's last tenth of a second on one core.
        async let indexWritten: Void = step.writeIndex()
        async let fullWritten: Void = step.writeFull(full, twins: twins.map(\.bytes), key: fullKey, kept: fullIsKept)
        let written = await concurrentMap(Array(zip(pages, zip(made, twins)))) { page, twin -> Swift.Result<Void, any Error> in
            let ((_, key), (bytes, fresh)) = twin
            guard fresh, let bytes else { return .success(()) }
            let path = step.twinPath(page)
            return Swift.Result {
                if let key { try step.sink.write(path, bytes, madeFrom: key) } else { try step.sink.write(path, bytes) }
            }
        }
        for twin in written {
            try twin.get()
            result.fileCount += 1
        }
        try await indexWritten
        try await fullWritten
        result.fileCount += 2
        return result
    }

    private func writeIndex() throws {
        try sink.write("llms.txt", index())
    }

    /// `llms-full.txt`: `head`, then every twin in order, each after a blank line.
    private func writeFull(_ head: String, twins: [[UInt8]?], key: UInt64?, kept: Bool) throws {
        guard !kept else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(head.utf8.count + twins.reduce(0) { $0 + ($1?.count ?? 0) + 2 })
        bytes += head.utf8
        for case let twin? in twins {
            bytes.append(UInt8(ascii: "\n"))
            bytes += twin
            if twin.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        }
        if let key { try sink.write("llms-full.txt", bytes, madeFrom: key) } else { try sink.write("llms-full.txt", bytes) }
    }

    func twinPath(_ page: Page) -> String { String(page.url.dropFirst()) + "index.md" }

    /// The twin of `page`, under its `frontMatter(for:)`, as UTF-8.
    func twin(for page: Page, frontMatter: String) -> [UInt8] {
        let body = page.body.trimmingTrailingNewlines.drop(while: { $0.isNewline })
        var out: [UInt8] = []
        out.reserveCapacity(frontMatter.utf8.count + page.title.utf8.count + body.utf8.count + 256)
        out += frontMatter.utf8
        if !body.hasPrefix("# ") { out += "# \(page.title)\n\n".utf8 }
        links.rewrite(String(body), from: page.id, resolved: context.rendered[page.id]?.resolvedLinks, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// The twin's front matter: everything in it but the body comes from here.
    func frontMatter(for page: Page) -> String {
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
        // A line break is one of the bytes 0x0A-0x0D, or a scalar whose UTF-8 ends in
        // 0x85 (U+0085), 0xA8 or 0xA9 (U+2028, U+2029): text without them is returned
        // as it is, not split into Characters (llms.txt has a line for every page).
        if !s.utf8.contains(where: { (0x0A...0x0D).contains($0) || $0 == 0x85 || $0 == 0xA8 || $0 == 0xA9 }) { return s }
        return s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A JSON string literal (also a valid YAML double-quoted scalar).
    private func json(_ s: String) -> String {
        // Most values have nothing to escape: copied whole, not scalar by scalar. (Bytes
        // of a scalar beyond ASCII are all >= 0x80, so none of these is part of one.)
        let escaped = { (byte: UInt8) in byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        if !s.utf8.contains(where: escaped) { return "\"" + s + "\"" }
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

/// What a twin is made from, as its memo key: its front matter (every page field it
/// shows), its body (and title, shown when the body has no heading of its own), its page
/// id (relative links start there), where links lead (`LinkResolver.identity`), the
/// site's address and this binary.
struct TwinKeys: Sendable {
    let common: Digest

    init(links: TwinLinks, origin: String) {
        var common = links.resolver.identity
        common.add(InputFingerprint.binary)
        common.add(origin)
        self.common = common
    }

    func key(_ page: Page, frontMatter: String) -> UInt64 {
        var digest = common
        digest.add(page.id)
        digest.add(frontMatter)
        digest.add(page.title)
        digest.add(page.body)
        return digest.value
    }
}

/// Rewrites the link destinations of a page's Markdown for its twin: inline links and
/// images (`[t](dest "title")`, `![a](<dest>)`) and reference definitions (`[r]: dest`),
/// outside fenced code blocks and code spans. Pages become their twin's absolute URL,
/// files of the site their absolute URL; a URL that could run script (`javascript:`...)
/// becomes `#`, as in the page; external links, `#fragment` links and targets that do
/// not resolve (the build reports those) stay as written.
struct TwinLinks: Sendable {
    let resolver: LinkResolver
    let context: SiteContext

    init(context: SiteContext) {
        self.context = context
        self.resolver = LinkResolver(site: context.site)
    }

    /// The twin's URL for `destination` written in page `pageID`, or nil to keep it.
    /// `resolved`: where the page's links led when it was rendered.
    func target(_ destination: String, from pageID: String, image: Bool, resolved: ResolvedLinks? = nil) -> String? {
        if !MarkdownURLPolicy.isSafe(destination.trimmingWhitespaces, image: image) { return "#" }
        let kind: LinkTarget.Kind = image ? .image : .link
        let outcome = resolved.map { $0.outcome(of: destination, kind: kind, from: pageID, resolver: resolver) }
            ?? resolver.resolve(destination, from: pageID, kind: kind)
        switch outcome {
        case .page(_, let id, let fragment):
            guard let page = context.site.pages[id] else { return nil }
            return context.absoluteURL(page.url) + "index.md" + (fragment.map { "#" + $0 } ?? "")
        case .asset(let url):
            return context.site.configuration.origin + url
        case .external, .fragmentOnly, .missing:
            return nil
        }
    }

    /// Works on bytes: every character that matters here is ASCII, and walking Characters
    /// cost more than the rest of the step.
    func rewrite(_ markdown: String, from pageID: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(markdown.utf8.count + 256)
        rewrite(markdown, from: pageID, resolved: nil, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `rewrite(_:from:)`, appended to `out` as UTF-8.
    func rewrite(_ markdown: String, from pageID: String, resolved: ResolvedLinks?, into out: inout [UInt8]) {
        var markdown = markdown
        markdown.withUTF8 { text in
            var fence: (marker: UInt8, count: Int)?
            // Indented code: 4 spaces after a blank line (or more code), unless the text is
            // a list item's continuation (a heuristic: the last unindented line was an item).
            var previousBlank = true
            var inCode = false
            var inList = false
            var lineStart = 0
            while lineStart <= text.count {
                var lineEnd = lineStart
                while lineEnd < text.count, text[lineEnd] != Byte.newline { lineEnd += 1 }
                if lineStart > 0 { out.append(Byte.newline) }
                let line = text[lineStart..<lineEnd]
                lineStart = lineEnd + 1
                let trimmed = line.drop { $0 == Byte.space }
                let indent = line.count - trimmed.count
                let blank = trimmed.allSatisfy(Byte.isSpaceOrTab)
                defer { previousBlank = blank }
                if fence == nil && !blank {
                    if indent >= 4 && (previousBlank || inCode) && !inList {
                        inCode = true
                        out += line
                        continue
                    }
                    inCode = false
                    if indent < 4 { inList = Self.startsListItem(trimmed) || (inList && indent > 0) }
                }
                if let open = fence {
                    let run = trimmed.prefix { $0 == open.marker }.count
                    if indent < 4, run >= open.count, trimmed.dropFirst(run).allSatisfy(Byte.isSpaceOrTab) { fence = nil }
                    out += line
                    continue
                }
                if indent < 4, let marker = trimmed.first, marker == Byte.backtick || marker == Byte.tilde {
                    let run = trimmed.prefix { $0 == marker }.count
                    if run >= 3 && !(marker == Byte.backtick && trimmed.dropFirst(run).contains(Byte.backtick)) {
                        fence = (marker, run)
                        out += line
                        continue
                    }
                }
                if indent < 4, referenceDefinition(line, from: pageID, resolved: resolved, into: &out) { continue }
                inlineLinks(line, from: pageID, resolved: resolved, into: &out)
            }
        }
    }

    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private enum Byte {
        static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        static let backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~"), backslash = UInt8(ascii: "\\")
        static let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), bang = UInt8(ascii: "!"), colon = UInt8(ascii: ":")
        static let openParen = UInt8(ascii: "("), closeParen = UInt8(ascii: ")"), less = UInt8(ascii: "<"), greater = UInt8(ascii: ">")
        static func isSpaceOrTab(_ b: UInt8) -> Bool { b == space || b == tab }
    }

    static func startsListItem(_ text: Bytes) -> Bool {
        guard let first = text.first else { return false }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
            return text.dropFirst().first == Byte.space
        }
        let digits = text.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        guard digits > 0, digits <= 9, let marker = text.dropFirst(digits).first else { return false }
        return (marker == UInt8(ascii: ".") || marker == Byte.closeParen) && text.dropFirst(digits + 1).first == Byte.space
    }

    /// `[label]: destination "title"` with the destination rewritten, appended to `out`;
    /// false (and nothing appended) for other lines.
    private func referenceDefinition(_ line: Bytes, from pageID: String, resolved: ResolvedLinks?, into out: inout [UInt8]) -> Bool {
        let rest = line.drop { $0 == Byte.space }
        guard rest.first == Byte.open, rest.dropFirst().first != UInt8(ascii: "^"),
              let close = rest.firstIndex(of: Byte.close), close + 1 < rest.endIndex, rest[close + 1] == Byte.colon else { return false }
        let start = rest[(close + 2)...].drop(while: Byte.isSpaceOrTab)
        guard let (range, destination) = destinationToken(start), let url = target(destination, from: pageID, image: false, resolved: resolved) else { return false }
        out += line[..<range.lowerBound]
        out += url.utf8
        out += line[range.upperBound...]
        return true
    }

    /// Every `](destination` outside code spans, rewritten, appended to `out`.
    private func inlineLinks(_ line: Bytes, from pageID: String, resolved: ResolvedLinks?, into out: inout [UInt8]) {
        // Most lines have no `]` and so no link (escapes and code spans only matter
        // around one): nothing to scan.
        guard line.contains(Byte.close) else { out += line; return }
        var i = line.startIndex
        var copied = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == Byte.backslash {
                i = min(i + 2, line.endIndex)
                continue
            }
            if c == Byte.backtick {
                // A code span: skip to the closing run of the same length (or treat as text).
                let run = line[i...].prefix { $0 == Byte.backtick }
                var j = run.endIndex
                var closed = false
                while let next = line[j...].firstIndex(of: Byte.backtick) {
                    let other = line[next...].prefix { $0 == Byte.backtick }
                    j = other.endIndex
                    if other.count == run.count { closed = true; break }
                }
                i = closed ? j : run.endIndex
                continue
            }
            if c == Byte.close, i + 1 < line.endIndex, line[i + 1] == Byte.openParen {
                let start = line[(i + 2)...].drop(while: Byte.isSpaceOrTab)
                if let (range, destination) = destinationToken(start),
                   let url = target(destination, from: pageID, image: isImage(line, closingBracket: i), resolved: resolved) {
                    out += line[copied..<range.lowerBound]
                    out += url.utf8
                    copied = range.upperBound
                    i = range.upperBound
                    continue
                }
            }
            i += 1
        }
        out += line[copied...]
    }

    /// Whether the `]` at `closingBracket` ends an image's alt text (`![`), nesting counted.
    private func isImage(_ line: Bytes, closingBracket: Int) -> Bool {
        var depth = 0
        var i = closingBracket
        while i > line.startIndex {
            i -= 1
            if line[i] == Byte.close { depth += 1 }
            if line[i] == Byte.open {
                if depth == 0 { return i > line.startIndex && line[i - 1] == Byte.bang }
                depth -= 1
            }
        }
        return false
    }

    /// The link destination at the start of `text`: `<...>` (the range includes the
    /// brackets) or a run without spaces and with balanced parentheses.
    private func destinationToken(_ text: Bytes) -> (Range<Int>, String)? {
        if text.first == Byte.less {
            guard let close = text.firstIndex(of: Byte.greater) else { return nil }
            let inner = text[(text.startIndex + 1)..<close]
            guard !inner.isEmpty, !inner.contains(Byte.less) else { return nil }
            return (text.startIndex..<(close + 1), String(decoding: inner, as: UTF8.self))
        }
        var depth = 0
        var end = text.startIndex
        while end < text.endIndex {
            let c = text[end]
            if c == Byte.space || c == Byte.tab { break }
            if c == Byte.openParen { depth += 1 }
            if c == Byte.closeParen {
                if depth == 0 { break }
                depth -= 1
            }
            end += 1
        }
        guard end > text.startIndex else { return nil }
        return (text.startIndex..<end, String(decoding: text[..<end], as: UTF8.self))
    }
}

private extension String {
    /// Without trailing newlines and spaces.
    var trimmingTrailingNewlines: String {
        // Walking Characters back from the end is slow: drop ASCII bytes while the
        // byte before them is ASCII too (then no grapheme cluster joins them).
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let byte = utf8[utf8.index(before: end)]
            guard byte == UInt8(ascii: " ") || (0x0A...0x0D).contains(byte) else {
                if byte < 0x80 { return String(self[..<end]) }
                break
            }
            end = utf8.index(before: end)
        }
        if end == utf8.startIndex { return "" }
        var s = Substring(self)
        while let last = s.last, last.isNewline || last == " " { s = s.dropLast() }
        return String(s)
    }

    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when there is
    /// nothing to trim (an ASCII first and last byte that is not a space or tab).
    var trimmingWhitespaces: String {
        let plain = { (byte: UInt8?) in byte.map { $0 < 0x80 && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") } ?? false }
        if plain(utf8.first), plain(utf8.last) { return self }
        return trimmingCharacters(in: .whitespaces)
    }
}

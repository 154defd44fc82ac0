import TomeCore

/// A page's Markdown rendered to HTML, with what the rest of the build needs to know
/// about it: its title, its headings, its search sections and its problems.
public struct RenderedMarkdown: Hashable, Sendable {
    public var html: String
    /// Text of the leading `# Heading` that was taken as the title, if any.
    public var leadingTitle: String?
    public var headings: [Heading]
    /// The page cut at its headings: the units of search.
    public var sections: [Section]
    /// Every anchor the page defines: heading ids and ids found in raw HTML.
    public var anchors: Set<String>
    public var problems: [RenderProblem]
    /// The first paragraph's text, a fallback description.
    public var summary: String
    public var hasVideo: Bool
    /// Every link and image destination as written, with its position, in order.
    public var links: [LinkTarget]
}

public struct Heading: Hashable, Sendable {
    public var level: Int
    public var text: String
    public var id: String
    public var line: Int
}

public struct Section: Hashable, Sendable {
    /// The heading's anchor; empty for the lead section before the first heading.
    public var anchor: String
    public var heading: String
    public var level: Int
    /// Headings above this one (outermost first).
    public var headingPath: [String]
    public var text: String
    /// The line of the heading (or 1 for the lead section).
    public var line: Int
    /// Whether the section has any content below its heading.
    public var hasBody: Bool
}

/// Renders a `MarkdownDocument` to HTML with Tome's transforms: unique heading ids,
/// links through the site's resolver, callouts, video embeds, footnotes, tables.
public struct HTMLRenderer {
    private let options: RenderOptions
    private var out = HTMLOutput()
    private var anchors = AnchorAllocator()
    private var headings: [Heading] = []
    private var sections: [Section] = []
    private var sectionText = ""
    private var headingStack: [(level: Int, text: String)] = []
    private var problems: [RenderProblem] = []
    private var rawAnchors: [String] = []
    private var footnoteOrder: [String] = []
    /// Definitions in document order. cmark-gfm moves them to the end of the document
    /// sorted by first reference and drops unreferenced ones, so the n-th definition
    /// belongs to the n-th distinct reference (its label is not exposed by the C API).
    private var footnoteDefinitions: [[Block]] = []
    private var summary = ""
    private var hasVideo = false
    private var links: [LinkTarget] = []
    /// The line of the block being rendered, for problems in inline HTML.
    private var currentLine = 0

    public init(options: RenderOptions = RenderOptions()) {
        self.options = options
    }

    public static func render(_ document: MarkdownDocument, options: RenderOptions = RenderOptions()) -> RenderedMarkdown {
        var renderer = HTMLRenderer(options: options)
        return renderer.run(document)
    }

    public static func render(markdown: String, options: RenderOptions = RenderOptions()) -> RenderedMarkdown {
        render(MarkdownParser.parse(markdown), options: options)
    }

    private mutating func run(_ document: MarkdownDocument) -> RenderedMarkdown {
        var blocks = document.blocks
        var leadingTitle: String?
        if options.titleFromLeadingHeading, case .heading(1, let inlines, _)? = blocks.first {
            leadingTitle = inlines.plainText.trimmed
            blocks.removeFirst()
        }
        for case .footnoteDefinition(_, let body, _) in blocks {
            footnoteDefinitions.append(body)
        }
        if let line = document.flattenedLine {
            problems.append(RenderProblem(id: "markdown.depth",
                                          message: "content nested more than \(MarkdownParser.maximumDepth) levels deep is shown as plain text",
                                          hint: "nest lists, quotes and emphasis less deeply", line: line, column: 1))
        }
        sections.append(Section(anchor: "", heading: "", level: 1, headingPath: [], text: "", line: 1, hasBody: false))
        for block in blocks {
            if case .footnoteDefinition = block { continue }
            render(block, topLevel: true)
        }
        renderFootnotes()
        closeSection()
        let nonEmpty = sections.enumerated().filter { index, section in index > 0 || !section.text.isEmpty }.map(\.element)
        return RenderedMarkdown(
            html: String(decoding: out.bytes, as: UTF8.self),
            leadingTitle: leadingTitle,
            headings: headings,
            sections: nonEmpty,
            anchors: Set(headings.map(\.id)).union(rawAnchors).union(footnoteOrder.indices.flatMap { ["fn-\($0 + 1)", "fnref-\($0 + 1)"] }),
            problems: problems,
            summary: summary,
            hasVideo: hasVideo,
            links: links
        )
    }

    // MARK: Sections

    private mutating func closeSection() {
        guard !sections.isEmpty else { return }
        let text = sectionText.trimmed
        sections[sections.count - 1].text = text
        sections[sections.count - 1].hasBody = !text.isEmpty || sections[sections.count - 1].hasBody
        sectionText = ""
    }

    private mutating func addText(_ text: String) {
        guard !text.isEmpty else { return }
        if !sectionText.isEmpty, sectionText.last != " " { sectionText += " " }
        sectionText += text
    }

    // MARK: Blocks

    private mutating func render(_ block: Block, topLevel: Bool = false) {
        if block.line > 0 { currentLine = block.line }
        switch block {
        case .paragraph(let inlines, _):
            if topLevel, renderVideo(inlines) { return }
            out += "<p>"
            render(inlines)
            out += "</p>\n"
            let text = inlines.plainText
            if summary.isEmpty { summary = text.trimmed }
            addText(text)
            markBody()
        case .heading(let level, let inlines, let line):
            renderHeading(level: max(2, level), inlines, line: line)
        case .blockQuote(let children, _):
            if renderCallout(children) { return }
            out += "<blockquote>\n"
            for child in children { render(child) }
            out += "</blockquote>\n"
        case .list(let list, _):
            renderList(list)
        case .codeBlock(let info, let code, _):
            let language = info.split(separator: " ").first.map(String.init) ?? ""
            if language.isEmpty {
                out += "<pre><code>"
            } else {
                out += "<pre><code class=\"language-"
                out.appendEscaped(language)
                out += "\">"
            }
            out.appendEscaped(code)
            out += "</code></pre>\n"
            addText(code)
            markBody()
        case .htmlBlock(let html, let line):
            let result = options.filterHTML(html, line, false)
            out += result.html
            rawAnchors += result.anchors
            problems += result.problems
            markBody()
        case .thematicBreak:
            out += "<hr>\n"
        case .table(let table, _):
            renderTable(table)
            markBody()
        case .footnoteDefinition:
            break
        }
    }

    private mutating func markBody() {
        if !sections.isEmpty { sections[sections.count - 1].hasBody = true }
    }

    private mutating func renderHeading(level: Int, _ inlines: [Inline], line: Int) {
        let text = inlines.plainText.trimmed
        let id = anchors.unique(for: text)
        headings.append(Heading(level: level, text: text, id: id, line: line))
        closeSection()
        while let last = headingStack.last, last.level >= level { headingStack.removeLast() }
        sections.append(Section(anchor: id, heading: text, level: level, headingPath: headingStack.map(\.text), text: "", line: line, hasBody: false))
        headingStack.append((level, text))
        out += "<h\(level) id=\""
        out.appendEscaped(id)
        out += "\">"
        render(inlines)
        out += "<a class=\"anchor\" href=\"#"
        out.appendEscaped(id)
        out += "\" aria-label=\"Link to this section\"></a></h\(level)>\n"
    }

    private mutating func renderList(_ list: MarkdownList) {
        let isTaskList = list.items.contains { $0.checked != nil }
        let classAttribute = isTaskList ? " class=\"task-list\"" : ""
        if list.ordered {
            out += list.start == 1 ? "<ol\(classAttribute)>\n" : "<ol\(classAttribute) start=\"\(list.start)\">\n"
        } else {
            out += "<ul\(classAttribute)>\n"
        }
        for item in list.items {
            out += "<li>"
            if let checked = item.checked {
                out += checked ? "<input type=\"checkbox\" checked disabled> " : "<input type=\"checkbox\" disabled> "
            }
            for (index, child) in item.blocks.enumerated() {
                if list.tight, case .paragraph(let inlines, _) = child {
                    render(inlines)
                    addText(inlines.plainText)
                    if index < item.blocks.count - 1 { out += "\n" }
                } else {
                    if index == 0 { out += "\n" }
                    render(child)
                }
            }
            out += "</li>\n"
        }
        out += list.ordered ? "</ol>\n" : "</ul>\n"
        markBody()
    }

    private mutating func renderTable(_ table: MarkdownTable) {
        func alignClass(_ column: Int) -> String {
            guard column < table.alignments.count else { return "" }
            switch table.alignments[column] {
            case .none: return ""
            case .left: return " class=\"align-left\""
            case .center: return " class=\"align-center\""
            case .right: return " class=\"align-right\""
            }
        }
        out += "<div class=\"table-wrap\"><table>\n"
        if !table.header.isEmpty {
            out += "<thead>\n<tr>\n"
            for (column, cell) in table.header.enumerated() {
                out += "<th\(alignClass(column))>"
                render(cell)
                out += "</th>\n"
                addText(cell.plainText)
            }
            out += "</tr>\n</thead>\n"
        }
        if !table.rows.isEmpty {
            out += "<tbody>\n"
            for row in table.rows {
                out += "<tr>\n"
                for (column, cell) in row.enumerated() {
                    out += "<td\(alignClass(column))>"
                    render(cell)
                    out += "</td>\n"
                    addText(cell.plainText)
                }
                out += "</tr>\n"
            }
            out += "</tbody>\n"
        }
        out += "</table></div>\n"
    }

    // MARK: Callouts

    private mutating func renderCallout(_ children: [Block]) -> Bool {
        guard case .paragraph(let inlines, let line)? = children.first,
              case .text(let first)? = inlines.first,
              let kind = Callout.kind(marker: first.trimmed),
              inlines.count == 1 || inlines[1] == .softBreak || inlines[1] == .lineBreak
        else { return false }
        out += "<aside class=\"callout callout-\(kind.style)\" role=\"note\">\n<p class=\"callout-title\">\(kind.label)</p>\n"
        let rest = Array(inlines.dropFirst(2))
        if !rest.isEmpty { render(.paragraph(rest, line: line)) }
        for child in children.dropFirst() { render(child) }
        out += "</aside>\n"
        return true
    }

    // MARK: Video

    private mutating func renderVideo(_ inlines: [Inline]) -> Bool {
        // The one inline that is not blank text, if there is exactly one (most paragraphs
        // have more: stop at the second).
        var meaningful: Inline?
        for inline in inlines {
            if case .text(let text) = inline, text.isBlank { continue }
            guard meaningful == nil else { return false }
            meaningful = inline
        }
        guard let meaningful else { return false }
        switch meaningful {
        case .link(let destination, _, let label, _, _) where label.plainText.trimmed == destination:
            guard let embed = VideoEmbed(url: destination) else { return false }
            out += embed.html
        case .image(let source, let title, let alt, let line, let column) where VideoEmbed.isLocalVideo(source):
            let resolved = resolve(LinkTarget(destination: source, kind: .image, line: line, column: column))
            let label = alt.plainText.trimmed.isEmpty ? title : alt.plainText.trimmed
            out += "<figure class=\"video\"><video controls preload=\"none\" src=\""
            out.appendEscaped(resolved)
            out += "\">"
            // Captions: a WebVTT file with the same name next to the video.
            let captions = source.prefix { $0 != "?" && $0 != "#" }.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".") + ".vtt"
            if case .keep(let url) = options.resolveLink(LinkTarget(destination: captions, kind: .image, line: line, column: column)) {
                out += "<track kind=\"captions\" src=\""
                out.appendEscaped(url)
                out += "\" srclang=\"\(options.language)\" label=\"Captions\" default>"
            }
            out.appendEscaped(label)
            out += "</video></figure>\n"
        default:
            return false
        }
        hasVideo = true
        markBody()
        return true
    }

    // MARK: Inlines

    private mutating func resolve(_ target: LinkTarget) -> String {
        links.append(target)
        switch options.resolveLink(target) {
        case .keep(let url): return url
        case .broken(let url, let problem):
            problems.append(problem)
            return url
        }
    }

    private mutating func render(_ inlines: [Inline]) {
        for inline in inlines { render(inline) }
    }

    private mutating func render(_ inline: Inline) {
        switch inline {
        case .text(let text): out.appendEscaped(text)
        case .softBreak: out += "\n"
        case .lineBreak: out += "<br>\n"
        case .code(let code):
            out += "<code>"
            out.appendEscaped(code)
            out += "</code>"
        case .html(let html):
            let result = options.filterHTML(html, currentLine, true)
            out += result.html
            rawAnchors += result.anchors
            problems += result.problems
        case .emphasis(let children):
            out += "<em>"; render(children); out += "</em>"
        case .strong(let children):
            out += "<strong>"; render(children); out += "</strong>"
        case .strikethrough(let children):
            out += "<del>"; render(children); out += "</del>"
        case .link(let destination, let title, let children, let line, let column):
            let url = resolve(LinkTarget(destination: destination, kind: .link, line: line, column: column))
            out += "<a href=\""
            out.appendEscaped(url)
            out += "\""
            if !title.isEmpty {
                out += " title=\""
                out.appendEscaped(title)
                out += "\""
            }
            out += ">"
            render(children)
            out += "</a>"
        case .image(let source, let title, let alt, let line, let column):
            let url = resolve(LinkTarget(destination: source, kind: .image, line: line, column: column))
            out += "<img src=\""
            out.appendEscaped(url)
            out += "\" alt=\""
            out.appendEscaped(alt.plainText)
            out += "\""
            if !title.isEmpty {
                out += " title=\""
                out.appendEscaped(title)
                out += "\""
            }
            out += " loading=\"lazy\">"
        case .footnoteReference(let label):
            let number: Int
            if let index = footnoteOrder.firstIndex(of: label) {
                number = index + 1
            } else {
                footnoteOrder.append(label)
                number = footnoteOrder.count
            }
            out += "<sup class=\"footnote-ref\"><a href=\"#fn-\(number)\" id=\"fnref-\(number)\">\(number)</a></sup>"
        }
    }

    private mutating func renderFootnotes() {
        guard !footnoteOrder.isEmpty else { return }
        out += "<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n"
        var index = 0
        // A footnote may reference another, growing the list while it renders.
        while index < footnoteOrder.count {
            let number = index + 1
            out += "<li id=\"fn-\(number)\">\n"
            if index < footnoteDefinitions.count {
                for block in footnoteDefinitions[index] { render(block) }
            }
            out += "<a href=\"#fnref-\(number)\" class=\"footnote-backref\" aria-label=\"Back to reference \(number)\">↩</a>\n</li>\n"
            index += 1
        }
        out += "</ol>\n</section>\n"
    }
}

/// The HTML a renderer writes, as UTF-8 bytes: appending to an array costs less than
/// appending to a String, and escaped text goes straight in without an intermediate
/// String (`HTMLEscaping.append`). Made into a String once, when the page is done.
struct HTMLOutput {
    private(set) var bytes: [UInt8] = []

    static func += (output: inout HTMLOutput, text: String) {
        output.bytes.append(contentsOf: text.utf8)
    }

    mutating func appendEscaped(_ text: some StringProtocol) {
        HTMLEscaping.append(text, to: &bytes)
    }
}

extension StringProtocol {
    /// Without leading and trailing white space (Unicode's White_Space property).
    var trimmed: String {
        let scalars = unicodeScalars
        // Fast path: an ASCII first and last scalar that are not white space leave nothing
        // to trim, and need no lookup of Unicode properties.
        if let first = scalars.first, let last = scalars.last,
           first.isASCII, last.isASCII, !Self.isASCIIWhitespace(first), !Self.isASCIIWhitespace(last) {
            return String(self)
        }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        // Scalar indices are valid indices of the text: slicing copies the bytes at once
        // (appending scalar by scalar cost 8% of a build's CPU in section texts).
        return String(self[start..<scalars.index(after: end)])
    }

    /// Whether the text is empty or all white space, without building a trimmed copy.
    var isBlank: Bool {
        !unicodeScalars.contains { !$0.properties.isWhitespace }
    }

    /// The ASCII characters with Unicode's White_Space property: tab, line feed, line
    /// tabulation, form feed, carriage return and space.
    @inline(__always)
    static func isASCIIWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || (0x09...0x0D).contains(scalar.value)
    }
}

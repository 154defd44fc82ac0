/// Markdown as immutable Swift values. Produced by `MarkdownParser` (the only code
/// that touches cmark-gfm); consumed by small walkers such as `HTMLRenderer`.
///
/// Lines count from 1 within the Markdown text handed to the parser; the caller adds
/// the offset of the body within its file (front matter lines).
public struct MarkdownDocument: Hashable, Sendable {
    public var blocks: [Block]
    /// The first line whose content was nested deeper than `MarkdownParser.maximumDepth`
    /// and kept as plain text; nil when nothing was.
    public var flattenedLine: Int?

    public init(blocks: [Block], flattenedLine: Int? = nil) {
        self.blocks = blocks
        self.flattenedLine = flattenedLine
    }
}

public indirect enum Block: Hashable, Sendable {
    case paragraph([Inline], line: Int)
    case heading(level: Int, [Inline], line: Int)
    case blockQuote([Block], line: Int)
    case list(MarkdownList, line: Int)
    case codeBlock(info: String, code: String, line: Int)
    case htmlBlock(String, line: Int)
    case thematicBreak(line: Int)
    case table(MarkdownTable, line: Int)
    case footnoteDefinition(label: String, [Block], line: Int)

    public var line: Int {
        switch self {
        case .paragraph(_, let line), .heading(_, _, let line), .blockQuote(_, let line),
             .list(_, let line), .codeBlock(_, _, let line), .htmlBlock(_, let line),
             .thematicBreak(let line), .table(_, let line), .footnoteDefinition(_, _, let line):
            line
        }
    }
}

public struct MarkdownList: Hashable, Sendable {
    public var ordered: Bool
    public var start: Int
    public var tight: Bool
    public var items: [ListItem]
}

public struct ListItem: Hashable, Sendable {
    /// `nil` for an ordinary item; `true`/`false` for a task-list item.
    public var checked: Bool?
    public var blocks: [Block]
}

public struct MarkdownTable: Hashable, Sendable {
    public enum Alignment: Hashable, Sendable { case none, left, center, right }
    public var alignments: [Alignment]
    public var header: [[Inline]]
    public var rows: [[[Inline]]]
}

public indirect enum Inline: Hashable, Sendable {
    case text(String)
    case softBreak
    case lineBreak
    case code(String)
    case html(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    case link(destination: String, title: String, [Inline], line: Int, column: Int)
    case image(source: String, title: String, alt: [Inline], line: Int, column: Int)
    case footnoteReference(label: String)
}

extension Array where Element == Inline {
    /// The text a reader sees, without markup: used for headings, slugs, titles, alt text.
    public var plainText: String {
        var out = ""
        appendPlainText(to: &out)
        return out
    }

    func appendPlainText(to out: inout String) {
        for inline in self {
            switch inline {
            case .text(let s), .code(let s): out += s
            case .softBreak, .lineBreak: out += " "
            case .html: break
            case .emphasis(let c), .strong(let c), .strikethrough(let c): c.appendPlainText(to: &out)
            case .link(_, _, let c, _, _): c.appendPlainText(to: &out)
            case .image(_, _, let alt, _, _): alt.appendPlainText(to: &out)
            case .footnoteReference: break
            }
        }
    }
}

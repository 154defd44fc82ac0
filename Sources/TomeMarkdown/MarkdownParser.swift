import CCmarkGFM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses Markdown with cmark-gfm into `MarkdownDocument` values.
///
/// This is the only file in Tome that touches cmark-gfm. It converts the C tree into
/// Swift values and frees every C object before returning; nothing it is given can
/// make it trap (cmark-gfm itself accepts any byte sequence).
public enum MarkdownParser {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]
    private static let options = CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8

    /// Whether pages are parsed on all cores at once; otherwise one at a time behind a
    /// lock. cmark-gfm's process-wide state is set up here once, behind Swift's
    /// thread-safe lazy global, before the first page is parsed:
    ///
    /// - Registering the core extensions guards itself with a plain, unsynchronised flag.
    /// - The special-character table is made constant (see `SpecialCharacters`). Where
    ///   that cannot be done (the library's calls are not interposed, as on macOS),
    ///   parsing stays serialised.
    public static let parsesOnAllCores: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        // The library's own function: the next definition after this executable's.
        guard let library = dlsym(UnsafeMutableRawPointer(bitPattern: -1) /* RTLD_NEXT */, "cmark_manage_extensions_special_characters") else {
            return false
        }
        SpecialCharacters.library = unsafeBitCast(library, to: SpecialCharacters.Manage.self)
        // A parse adds and removes the characters once each: through our definition?
        if let probe = parseC("~~probe~~") { cmark_node_free(probe) }
        guard SpecialCharacters.forwardedCalls == 2, let parser = newParser() else { return false }
        SpecialCharacters.library?(parser, 1)
        cmark_parser_free(parser)
        SpecialCharacters.fixed = true
        return true
    }()

    /// Deepest block or inline nesting converted; deeper content is flattened to text.
    /// Keeps recursion bounded on hostile input such as 10,000 nested block quotes.
    public static let maximumDepth = 128

    public static func parse(_ markdown: String) -> MarkdownDocument {
        let parsed = parsesOnAllCores ? parseC(markdown) : cmarkLock.withLock { parseC(markdown) }
        guard let root = parsed else { return MarkdownDocument(blocks: []) }
        defer { cmark_node_free(root) }
        var converter = Converter()
        let blocks = converter.blocks(of: root, depth: 0)
        return MarkdownDocument(blocks: blocks, flattenedLine: converter.flattenedLine)
    }

    /// A parser with Tome's options and extensions.
    private static func newParser() -> OpaquePointer? {
        guard let parser = cmark_parser_new(options) else { return nil }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        return parser
    }

    /// cmark-gfm's tree of `markdown`, for the caller to free.
    private static func parseC(_ markdown: String) -> OpaquePointer? {
        guard let parser = newParser() else { return nil }
        defer { cmark_parser_free(parser) }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        return cmark_parser_finish(parser)
    }
}

private struct Converter {
    /// The first line flattened for being nested too deep.
    var flattenedLine: Int?

    mutating func noteFlattened(_ line: Int) {
        if flattenedLine.map({ line < $0 }) ?? true { flattenedLine = line }
    }

    func children(of node: OpaquePointer) -> [OpaquePointer] {
        var out: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let c = child {
            out.append(c)
            child = cmark_node_next(c)
        }
        return out
    }

    func literal(_ node: OpaquePointer) -> String {
        guard let p = cmark_node_get_literal(node) else { return "" }
        return String(cString: p)
    }

    func typeString(_ node: OpaquePointer) -> String {
        guard let p = cmark_node_get_type_string(node) else { return "" }
        return String(cString: p)
    }

    mutating func blocks(of node: OpaquePointer, depth: Int) -> [Block] {
        children(of: node).compactMap { block($0, depth: depth + 1) }
    }

    mutating func block(_ node: OpaquePointer, depth: Int) -> Block? {
        let line = Int(cmark_node_get_start_line(node))
        if depth > MarkdownParser.maximumDepth {
            noteFlattened(line)
            return .paragraph([.text(flattenedText(node))], line: line)
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            return .paragraph(inlines(of: node, depth: depth), line: line)
        case CMARK_NODE_HEADING:
            return .heading(level: Int(cmark_node_get_heading_level(node)), inlines(of: node, depth: depth), line: line)
        case CMARK_NODE_BLOCK_QUOTE:
            return .blockQuote(blocks(of: node, depth: depth), line: line)
        case CMARK_NODE_LIST:
            let items = children(of: node).map { item in
                ListItem(checked: typeString(item) == "tasklist" ? cmark_gfm_extensions_get_tasklist_item_checked(item) : nil,
                         blocks: blocks(of: item, depth: depth + 1))
            }
            let list = MarkdownList(
                ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                start: Int(cmark_node_get_list_start(node)),
                tight: cmark_node_get_list_tight(node) != 0,
                items: items
            )
            return .list(list, line: line)
        case CMARK_NODE_CODE_BLOCK:
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            return .codeBlock(info: info, code: literal(node), line: line)
        case CMARK_NODE_HTML_BLOCK:
            return .htmlBlock(literal(node), line: line)
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak(line: line)
        case CMARK_NODE_FOOTNOTE_DEFINITION:
            return .footnoteDefinition(label: literal(node), blocks(of: node, depth: depth), line: line)
        default:
            if typeString(node) == "table" { return table(node, depth: depth, line: line) }
            return nil
        }
    }

    mutating func table(_ node: OpaquePointer, depth: Int, line: Int) -> Block {
        let columns = Int(cmark_gfm_extensions_get_table_columns(node))
        var alignments: [MarkdownTable.Alignment] = []
        if let raw = cmark_gfm_extensions_get_table_alignments(node) {
            for i in 0..<columns {
                switch UInt8(raw[i]) {
                case UInt8(ascii: "l"): alignments.append(.left)
                case UInt8(ascii: "c"): alignments.append(.center)
                case UInt8(ascii: "r"): alignments.append(.right)
                default: alignments.append(.none)
                }
            }
        }
        var header: [[Inline]] = []
        var rows: [[[Inline]]] = []
        for row in children(of: node) {
            let cells = children(of: row).map { inlines(of: $0, depth: depth + 1) }
            if cmark_gfm_extensions_get_table_row_is_header(row) != 0 {
                header = cells
            } else {
                rows.append(cells)
            }
        }
        return .table(MarkdownTable(alignments: alignments, header: header, rows: rows), line: line)
    }

    mutating func inlines(of node: OpaquePointer, depth: Int) -> [Inline] {
        var out: [Inline] = []
        for child in children(of: node) {
            if let i = inline(child, depth: depth + 1) {
                // Adjacent text nodes (cmark splits text at special characters) merge into one.
                if case .text(let s) = i, case .text(let previous)? = out.last {
                    out[out.count - 1] = .text(previous + s)
                } else {
                    out.append(i)
                }
            }
        }
        return out
    }

    mutating func inline(_ node: OpaquePointer, depth: Int) -> Inline? {
        if depth > MarkdownParser.maximumDepth {
            noteFlattened(Int(cmark_node_get_start_line(node)))
            return .text(flattenedText(node))
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT: return .text(literal(node))
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code(literal(node))
        case CMARK_NODE_HTML_INLINE: return .html(literal(node))
        case CMARK_NODE_EMPH: return .emphasis(inlines(of: node, depth: depth))
        case CMARK_NODE_STRONG: return .strong(inlines(of: node, depth: depth))
        case CMARK_NODE_LINK:
            return .link(
                destination: cmark_node_get_url(node).map { String(cString: $0) } ?? "",
                title: cmark_node_get_title(node).map { String(cString: $0) } ?? "",
                inlines(of: node, depth: depth),
                line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node))
            )
        case CMARK_NODE_IMAGE:
            return .image(
                source: cmark_node_get_url(node).map { String(cString: $0) } ?? "",
                title: cmark_node_get_title(node).map { String(cString: $0) } ?? "",
                alt: inlines(of: node, depth: depth),
                line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node))
            )
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            return .footnoteReference(label: literal(node))
        default:
            if typeString(node) == "strikethrough" { return .strikethrough(inlines(of: node, depth: depth)) }
            return nil
        }
    }

    /// All text below `node`, walked iteratively (no recursion), for content nested
    /// deeper than `maximumDepth`.
    func flattenedText(_ node: OpaquePointer) -> String {
        var out = ""
        guard let iterator = cmark_iter_new(node) else { return out }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                if !out.isEmpty { out += " " }
                out += literal(current)
            default: break
            }
        }
        return out
    }
}

/// cmark-gfm's special-character table, made constant.
///
/// The inline parser finds the characters an extension reacts to (`~`; `:` and `w` for
/// autolinks) in a process-wide table. `cmark_parser_finish` adds each attached
/// extension's characters to it before it parses inlines and removes them after,
/// through `cmark_manage_extensions_special_characters`; two pages parsed at once race
/// on the table and one may lose `~~strike~~` (found by Benchmarks/crash-test.sh).
///
/// libcmark-gfm calls that function through its PLT, so the definition below, which
/// the executable exports, is the one it calls (ELF symbol interposition).
/// `MarkdownParser.parsesOnAllCores` checks that it is called, has the library's own
/// function add Tome's extensions' characters once, for good, and sets `fixed`; from
/// then on the calls do nothing, the table is constant, and parsers on any number of
/// threads only read it. Every parse sees the table it saw before: the table is read
/// only while inlines are parsed, between that add and remove, and every parser
/// attaches the same extensions (`ParallelParseTests`; valgrind's helgrind reports no
/// race in libcmark-gfm parsing on two threads this way, and races on the table without it).
enum SpecialCharacters {
    typealias Manage = @convention(c) (OpaquePointer?, Int32) -> Void
    // Written only while `parsesOnAllCores` is initialised, before any parse can run
    // on another thread; read-only afterwards.
    nonisolated(unsafe) static var library: Manage?
    nonisolated(unsafe) static var forwardedCalls = 0
    nonisolated(unsafe) static var fixed = false
}

/// Replaces libcmark-gfm's `cmark_manage_extensions_special_characters` (see
/// `SpecialCharacters`). Not for calling from Swift.
@_cdecl("cmark_manage_extensions_special_characters")
public func tomeManageExtensionsSpecialCharacters(_ parser: OpaquePointer?, _ add: Int32) {
    guard !SpecialCharacters.fixed else { return }
    SpecialCharacters.forwardedCalls += 1
    SpecialCharacters.library?(parser, add)
}

/// The lock around cmark-gfm's parser where pages cannot be parsed at once (see
/// `MarkdownParser.parsesOnAllCores`).
private let cmarkLock = CMarkLock()

private final class CMarkLock: Sendable {
    // A pthread mutex on the heap (never moved); `Synchronization.Mutex` would need macOS 15.
    nonisolated(unsafe) private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}

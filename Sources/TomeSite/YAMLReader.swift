import TomeCore
import Yams

/// Reads YAML (front matter, site.yml, synonyms.yml) into `Value`s, remembering where
/// each value stood so that a wrong type can be reported at its line and column.
///
/// Limits protect the build from abusive input: an alias bomb ("billion laughs") or a
/// deeply nested document is reported, never expanded without bound.
struct YAMLReader {
    /// Most values one YAML document may expand to, counting alias expansions.
    static let maximumValues = 100_000
    /// Deepest nesting of lists and mappings.
    static let maximumDepth = 64

    struct Located {
        var value: Value
        /// 1-based line and column in the file (not in the YAML text).
        var line: Int
        var column: Int
    }

    enum Failure: Error {
        case syntax(message: String, line: Int, column: Int)
        case limit(message: String, line: Int, column: Int)
    }

    /// Line of the file on which the YAML text starts (front matter starts on line 2).
    var firstLine: Int
    /// Read the common one-line forms without libyaml (`simpleMapping`); tests turn it
    /// off to compare with Yams.
    var readsSimpleForms = true
    private var budget = YAMLReader.maximumValues

    init(firstLine: Int) { self.firstLine = firstLine }

    /// The top-level mapping's entries, with their locations, in the document's order.
    mutating func readMapping(_ yaml: String) throws(Failure) -> [(key: String, value: Located)] {
        if readsSimpleForms, let entries = try simpleMapping(yaml) { return entries }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            throw describe(error)
        } catch {
            throw .syntax(message: "\(error)", line: firstLine, column: 1)
        }
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            let (line, column) = position(node.mark)
            throw .syntax(message: "expected a mapping of keys to values, found \(try convert(node, depth: 0).kindDescription)", line: line, column: column)
        }
        var entries: [(String, Located)] = []
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let (line, column) = position(valueNode.mark ?? keyNode.mark)
            entries.append((key, Located(value: try convert(valueNode, depth: 1), line: line, column: column)))
        }
        return entries
    }

    /// A whole document as one value (used for `synonyms.yml`).
    mutating func readValue(_ yaml: String) throws(Failure) -> Located? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            throw describe(error)
        } catch {
            throw .syntax(message: "\(error)", line: firstLine, column: 1)
        }
        guard let node else { return nil }
        let (line, column) = position(node.mark)
        return Located(value: try convert(node, depth: 0), line: line, column: column)
    }

    /// The common front matter, read without libyaml: every line empty, a comment, or
    /// `key: value` at the start of the line with a plain key, the value a one-line
    /// quoted string without escapes, a flow list of such strings, or a one-line plain
    /// scalar. Anything else (indentation, escapes, duplicate keys, characters YAML
    /// treats specially) returns nil and the whole text goes to Yams, so errors and
    /// unusual YAML are Yams's alone. Plain scalars become Yams `Node`s and go through
    /// `convert` like any other, so null, booleans and numbers are resolved by Yams's
    /// own rules; values and their lines and columns equal Yams's (checked by
    /// `FrontMatterTests` on every front matter of the C++ corpus and on edge cases).
    private mutating func simpleMapping(_ yaml: String) throws(Failure) -> [(key: String, value: Located)]? {
        var entries: [(key: String, value: Located)] = []
        var keys = Set<String>()
        var text = yaml
        // (key, value start column, value) per line; nil = outside the subset
        let lines: [(line: Int, key: String, column: Int, value: SimpleValue)]? = text.withUTF8 { u in
            var out: [(Int, String, Int, SimpleValue)] = []
            var lineStart = 0, line = 0
            while lineStart < u.count {
                var lineEnd = lineStart
                while lineEnd < u.count && u[lineEnd] != 0x0A { lineEnd += 1 }
                defer { lineStart = lineEnd + 1; line += 1 }
                let l = UnsafeBufferPointer(rebasing: u[lineStart..<lineEnd])
                guard YAMLReader.isSafe(l) else { return nil }
                if l.allSatisfy({ $0 == 0x20 }) || l.first == UInt8(ascii: "#") { continue }
                guard let first = l.first, YAMLReader.isLetter(first) else { return nil }
                var k = 1
                while k < l.count, YAMLReader.isLetter(l[k]) || YAMLReader.isDigit(l[k]) || l[k] == UInt8(ascii: "_")
                        || l[k] == UInt8(ascii: ".") || l[k] == UInt8(ascii: "-") { k += 1 }
                guard k + 1 < l.count, l[k] == UInt8(ascii: ":"), l[k + 1] == 0x20 else { return nil }
                var v = k + 2
                while v < l.count && l[v] == 0x20 { v += 1 }
                guard v < l.count, let value = YAMLReader.simpleValue(UnsafeBufferPointer(rebasing: l[v...])) else { return nil }
                out.append((line, String(decoding: UnsafeBufferPointer(rebasing: l[..<k]), as: UTF8.self), v + 1, value))
            }
            return out
        }
        guard let lines, !lines.isEmpty else { return nil }
        // what `convert` would count; past the limit, Yams reports where
        let values = lines.reduce(0) { n, l in if case .list(let items) = l.value { n + 1 + items.count } else { n + 1 } }
        guard values <= budget else { return nil }
        for (line, key, column, value) in lines {
            guard keys.insert(key).inserted else { return nil }
            let converted: Value
            switch value {
            case .quoted(let s):
                budget -= 1
                converted = .string(s)
            case .list(let items):
                budget -= 1 + items.count
                converted = .list(items.map { .string($0) })
            case .plain(let s) where s.utf8.contains(UInt8(ascii: "/")) && !s.utf8.contains(UInt8(ascii: ":")):
                // `11/04/2016` (every page of some corpora): no YAML null, boolean, integer
                // or float has a slash, so Yams would make it text (after a costly try of each)
                budget -= 1
                converted = .string(s)
            case .plain(let s) where YAMLReader.isPlainText(s):
                budget -= 1
                converted = .string(s)
            case .plain(let s):
                converted = try convert(.scalar(.init(s, Tag(.implicit), .plain)), depth: 1)
            }
            entries.append((key, Located(value: converted, line: firstLine + line, column: column)))
        }
        return entries
    }

    private enum SimpleValue {
        case quoted(String), list([String]), plain(String)
    }

    /// One line's value: `"text"` or `'text'` (no escapes, nothing after but spaces),
    /// `["a", 'b']`, or a plain scalar starting with a letter or digit, with no `: `,
    /// ` #` or trailing `:` (trailing spaces dropped, as YAML does).
    private static func simpleValue(_ v: UnsafeBufferPointer<UInt8>) -> SimpleValue? {
        var i = 0
        func quoted() -> String? {
            guard i < v.count, v[i] == UInt8(ascii: "\"") || v[i] == UInt8(ascii: "'") else { return nil }
            let q = v[i]
            var j = i + 1
            while j < v.count && v[j] != q {
                if v[j] == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") { return nil }
                j += 1
            }
            guard j < v.count else { return nil }
            // '' is an escaped quote in single quotes: not in the subset
            if q == UInt8(ascii: "'"), j + 1 < v.count, v[j + 1] == q { return nil }
            let s = String(decoding: UnsafeBufferPointer(rebasing: v[(i + 1)..<j]), as: UTF8.self)
            i = j + 1
            return s
        }
        func spaces() { while i < v.count && v[i] == 0x20 { i += 1 } }
        switch v[0] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            guard let s = quoted() else { return nil }
            spaces()
            return i == v.count ? .quoted(s) : nil
        case UInt8(ascii: "["):
            i = 1
            var items: [String] = []
            spaces()
            if i < v.count && v[i] == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    guard let s = quoted() else { return nil }
                    items.append(s)
                    spaces()
                    guard i < v.count else { return nil }
                    if v[i] == UInt8(ascii: "]") { i += 1; break }
                    guard v[i] == UInt8(ascii: ",") else { return nil }
                    i += 1
                    spaces()
                }
            }
            spaces()
            return i == v.count ? .list(items) : nil
        default:
            guard isLetter(v[0]) || isDigit(v[0]) else { return nil }
            var end = v.count
            while end > 0 && v[end - 1] == 0x20 { end -= 1 }
            guard v[end - 1] != UInt8(ascii: ":") else { return nil }
            for j in 1..<end where (v[j] == UInt8(ascii: ":") && v[j + 1] == 0x20) || (v[j] == UInt8(ascii: "#") && v[j - 1] == 0x20) {
                return nil
            }
            return .plain(String(decoding: UnsafeBufferPointer(rebasing: v[..<end]), as: UTF8.self))
        }
    }

    /// A plain scalar that Yams can only make text, told without asking it (each of
    /// its null, boolean, integer and float tries copies the text: most of the load
    /// step's time in Yams): one starting with an ASCII letter is never an integer or a
    /// float unless it spells infinity or not-a-number (`inf`, `nan(…)`, any case, with
    /// underscores, which the float try drops), and never null or a boolean from six
    /// bytes on (`false` is the longest such word).
    static func isPlainText(_ s: String) -> Bool {
        let bytes = s.utf8
        guard bytes.count > 5, let first = bytes.first, isLetter(first), !bytes.contains(UInt8(ascii: "_")) else { return false }
        let head = bytes.prefix(3).map { $0 | 0x20 }
        return !head.elementsEqual("inf".utf8) && !head.elementsEqual("nan".utf8)
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Printable ASCII, or non-ASCII that YAML reads as an ordinary character (not
    /// U+0080-U+009F, whose U+0085 is a line break; not U+2028/U+2029, line breaks;
    /// not U+FEFF, U+FFFE, U+FFFF).
    private static func isSafe(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < l.count {
            let b = l[i]
            if b < 0x80 {
                if b < 0x20 || b == 0x7F { return false }
                i += 1
                continue
            }
            if b == 0xC2, i + 1 < l.count, l[i + 1] < 0xA0 { return false }
            if b == 0xE2, i + 2 < l.count, l[i + 1] == 0x80, l[i + 2] == 0xA8 || l[i + 2] == 0xA9 { return false }
            if b == 0xEF, i + 2 < l.count, l[i + 1] == 0xBB || l[i + 1] == 0xBF, l[i + 2] == 0xBF || l[i + 2] == 0xBE { return false }
            i += 1
        }
        return true
    }

    private func position(_ mark: Mark?) -> (Int, Int) {
        guard let mark else { return (firstLine, 1) }
        return (firstLine + mark.line - 1, mark.column)
    }

    private mutating func convert(_ node: Node, depth: Int) throws(Failure) -> Value {
        budget -= 1
        if budget < 0 {
            let (line, column) = position(node.mark)
            throw .limit(message: "YAML expands to more than \(YAMLReader.maximumValues) values (aliases repeating aliases?)", line: line, column: column)
        }
        if depth > YAMLReader.maximumDepth {
            let (line, column) = position(node.mark)
            throw .limit(message: "YAML is nested more than \(YAMLReader.maximumDepth) levels deep", line: line, column: column)
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            // YAML 1.1 base-60 numbers (`1:30`) overflow inside Yams's integer parser on
            // long input (found by fuzzing: `3777777777777777777:7` trapped). Tome has no
            // use for them: a plain scalar with a colon is text.
            if scalar.string.contains(":") { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            return .string(scalar.string)
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .list(items)
        case .mapping(let mapping):
            var map: [String: Value] = [:]
            for (key, value) in mapping { map[key.string ?? ""] = try convert(value, depth: depth + 1) }
            return .map(map)
        case .alias:
            return .null
        }
    }

    private func describe(_ error: YamlError) -> Failure {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return .syntax(message: text, line: firstLine + mark.line - 1, column: mark.column)
        case .reader(let problem, _, _, _):
            return .syntax(message: problem, line: firstLine, column: 1)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(message: "duplicate key \(duplicates.joined(separator: ", "))", line: firstLine + context.mark.line - 1, column: context.mark.column)
        default:
            return .syntax(message: "\(error)", line: firstLine, column: 1)
        }
    }
}

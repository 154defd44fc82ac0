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
    private var budget = YAMLReader.maximumValues

    init(firstLine: Int) { self.firstLine = firstLine }

    /// The top-level mapping's entries, with their locations, in the document's order.
    mutating func readMapping(_ yaml: String) throws(Failure) -> [(key: String, value: Located)] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
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
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw describe(error)
        } catch {
            throw .syntax(message: "\(error)", line: firstLine, column: 1)
        }
        guard let node else { return nil }
        let (line, column) = position(node.mark)
        return Located(value: try convert(node, depth: 0), line: line, column: column)
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

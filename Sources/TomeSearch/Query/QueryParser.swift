/// The query syntax: words, `"quoted phrases"`, `-excluded` words or phrases, and
/// filters `book:x`, `tag:y`, `type:z` (values may be quoted).
public struct ParsedQuery: Equatable, Sendable {
    public enum Item: Equatable, Sendable {
        case word(String)
        case phrase(String)
    }
    public var items: [Item] = []
    public var excluded: [Item] = []
    /// (facet, value) with facet one of `book`, `tag`, `type`.
    public var filters: [Filter] = []
    /// True when the query ends with whitespace: the last word is complete (no prefix).
    public var endsWithSpace = false

    public struct Filter: Equatable, Sendable {
        public var facet: String
        public var value: String
        public init(facet: String, value: String) { self.facet = facet; self.value = value }
    }
    public init() {}
}

public enum QueryParser {
    public static let maxQueryBytes = 1024
    public static let facets: Set<String> = ["book", "tag", "type"]

    public static func parse(_ raw: String) -> ParsedQuery {
        var q = ParsedQuery()
        var scalars = Array(raw.unicodeScalars)
        var bytes = 0
        var cut = scalars.count
        for (i, s) in scalars.enumerated() {
            bytes += String(s).utf8.count
            if bytes > maxQueryBytes { cut = i; break }
        }
        scalars = Array(scalars[0..<cut])
        q.endsWithSpace = scalars.last.map(isSpace) ?? false
        var i = 0
        let n = scalars.count
        func readQuoted() -> String {
            // at an opening quote
            i += 1
            var s = String.UnicodeScalarView()
            while i < n && scalars[i] != "\"" { s.append(scalars[i]); i += 1 }
            if i < n { i += 1 }
            return String(s)
        }
        while i < n {
            if isSpace(scalars[i]) { i += 1; continue }
            var negate = false
            if scalars[i] == "-" && i + 1 < n && !isSpace(scalars[i + 1]) && scalars[i + 1] != "-" {
                negate = true
                i += 1
            }
            if scalars[i] == "\"" {
                let p = readQuoted()
                if !p.isEmpty {
                    if negate { q.excluded.append(.phrase(p)) } else { q.items.append(.phrase(p)) }
                }
                continue
            }
            var word = String.UnicodeScalarView()
            while i < n && !isSpace(scalars[i]) {
                if scalars[i] == ":" {
                    let name = String(word).lowercased()
                    if facets.contains(name) && !negate && i + 1 < n && !isSpace(scalars[i + 1]) {
                        i += 1
                        var value: String
                        if scalars[i] == "\"" { value = readQuoted() } else {
                            var v = String.UnicodeScalarView()
                            while i < n && !isSpace(scalars[i]) { v.append(scalars[i]); i += 1 }
                            value = String(v)
                        }
                        if !value.isEmpty { q.filters.append(.init(facet: name, value: value)) }
                        word = String.UnicodeScalarView()
                        break
                    }
                }
                word.append(scalars[i])
                i += 1
            }
            if !word.isEmpty {
                if negate { q.excluded.append(.word(String(word))) } else { q.items.append(.word(String(word))) }
            }
        }
        return q
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }
}

/// Author-supplied groups of equivalent terms or phrases (`[["lpr", "licence plate
/// recognition"]]`). Wherever a member occurs (compared by stems, in order), the index
/// also records the group term `~N` (N = the group's index) at the member's first
/// position; a query that mentions a member matches `~N` too.
public struct SynonymTable: Sendable {
    public let groups: [[String]]
    /// first stem -> (stems with relative positions, group)
    let byFirstStem: [[UInt8]: [Member]]

    struct Member: Sendable {
        var stems: [[UInt8]]
        var offsets: [Int]
        var group: Int
    }

    public init(_ groups: [[String]], analyzer: Analyzer = Analyzer()) {
        self.groups = groups
        var map: [[UInt8]: [Member]] = [:]
        for (g, members) in groups.enumerated() {
            for m in members {
                let toks = analyzer.tokens(m).filter { $0.kind != .whole }
                guard let first = toks.first else { continue }
                let member = Member(stems: toks.map(\.stem), offsets: toks.map { $0.position - first.position }, group: g)
                map[first.stem, default: []].append(member)
            }
        }
        self.byFirstStem = map
    }

    public static func groupTerm(_ g: Int) -> [UInt8] { Array("~\(g)".utf8) }

    /// Matches in a token stream (stop words already removed): (index of first token,
    /// number of tokens covered, group).
    func matches(in tokens: [Token]) -> [(index: Int, count: Int, group: Int)] {
        if byFirstStem.isEmpty { return [] }
        var result: [(Int, Int, Int)] = []
        let words = tokens.enumerated().filter { $0.element.kind != .whole }
        for (wi, (ti, tok)) in words.enumerated() {
            guard let cands = byFirstStem[tok.stem] else { continue }
            for m in cands {
                var ok = true
                var last = ti
                for k in 1..<max(1, m.stems.count) {
                    let wj = wi + k
                    guard wj < words.count, words[wj].element.stem == m.stems[k],
                          words[wj].element.position - tok.position == m.offsets[k] else { ok = false; break }
                    last = words[wj].offset
                }
                if ok { result.append((ti, last - ti + 1, m.group)) }
            }
        }
        return result
    }
}

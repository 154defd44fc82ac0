/// How a query term matched an index term; exact beats stem beats synonym beats prefix
/// beats typo (see the weights in `RankingParameters`).
public enum MatchKind: String, Sendable, Codable {
    case exact, stem, synonym, prefix, typo, phrase
}

public struct SearchOptions: Sendable {
    /// Maximum number of pages returned.
    public var limit: Int = 10
    /// Maximum sections shown under one page.
    public var sectionsPerPage: Int = 3
    public var explain: Bool = false
    public var snippets: Bool = true
    /// Characters of context around the densest matches (approximate snippet length).
    public var snippetTokens: Int = 28
    public init(limit: Int = 10, sectionsPerPage: Int = 3, explain: Bool = false, snippets: Bool = true) {
        self.limit = limit
        self.sectionsPerPage = sectionsPerPage
        self.explain = explain
        self.snippets = snippets
    }
}

/// A snippet of a section's text; `highlights` are UTF-16 offsets into `text`
/// (what JavaScript's `String.prototype.slice` uses), sorted, non-overlapping.
public struct Snippet: Sendable, Hashable {
    public var text: String
    public var highlights: [Range<Int>]
}

/// Why a section scored what it did.
public struct Explanation: Sendable, Hashable {
    public struct Variant: Sendable, Hashable {
        public var term: String
        public var kind: MatchKind
        public var weight: Double
        /// Term frequency per field, in `IndexFormat.fieldNames` order.
        public var tf: [Int]
    }
    public struct TermContribution: Sendable, Hashable {
        public var query: String
        public var df: Int
        public var idf: Double
        public var weightedTF: Double
        public var score: Double
        public var variants: [Variant]
    }
    public var terms: [TermContribution]
    public var matched: Int
    public var termCount: Int
    public var coverageFactor: Double
    public var boost: Double
    public var proximityFactor: Double
    public var allTermsTier: Bool
    public var titleTier: Bool
    public var score: Double
}

public struct SearchHit: Sendable, Hashable {
    public var docID: Int
    public var url: String
    public var pageURL: String
    public var pageTitle: String
    public var heading: String
    public var headingPath: [String]
    public var book: String
    public var type: String
    public var score: Double
    public var snippet: Snippet
    public var explanation: Explanation?
}

public struct PageHit: Sendable, Hashable {
    public var pageURL: String
    public var pageTitle: String
    public var sections: [SearchHit]
}

public struct SearchResults: Sendable, Hashable {
    public var query: String
    public var pages: [PageHit]
    /// Matching sections and pages before the limit.
    public var totalSections: Int
    public var totalPages: Int
    /// Query words that had no match and were read as a near spelling: (typed, used).
    public var corrections: [Correction]

    public struct Correction: Sendable, Hashable {
        public var typed: String
        public var suggestion: String
    }
}

/// One ranked section without page grouping (for evaluation).
public struct RankedDocument: Sendable, Hashable {
    public var docID: Int
    public var score: Double
}

extension Explanation {
    /// Fixed-point rendering with 4 decimals (deterministic, no Foundation).
    static func fixed(_ d: Double) -> String {
        let scaled = Int((d * 10000).rounded())
        let sign = scaled < 0 ? "-" : ""
        let a = abs(scaled)
        let frac = String(a % 10000)
        return sign + String(a / 10000) + "." + String(repeating: "0", count: 4 - frac.count) + frac
    }

    /// The `--explain` text for one section, indented for the terminal.
    public func rendered() -> String {
        let f = Explanation.fixed
        var out = "   score \(f(score)) = sum(terms) \u{00D7} coverage \(f(coverageFactor)) \u{00D7} boost \(f(boost)) \u{00D7} proximity \(f(proximityFactor))"
        var tiers: [String] = []
        if titleTier { tiers.append("title match") }
        if allTermsTier { tiers.append("all terms") }
        out += tiers.isEmpty ? "\n" : " [\(tiers.joined(separator: ", "))]\n"
        for t in terms {
            out += "     \(t.query): \(f(t.score)) (idf \(f(t.idf)), df \(t.df), weighted tf \(f(t.weightedTF)))"
            let vs = t.variants.map { v -> String in
                let fields = zip(IndexFormat.fieldNames, v.tf).filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }
                return "\(v.term) \(v.kind.rawValue)\u{00D7}\(f(v.weight)) [\(fields.joined(separator: ", "))]"
            }
            out += vs.isEmpty ? " no match\n" : " \(vs.joined(separator: "; "))\n"
        }
        return out
    }
}

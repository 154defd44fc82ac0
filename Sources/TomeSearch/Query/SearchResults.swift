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

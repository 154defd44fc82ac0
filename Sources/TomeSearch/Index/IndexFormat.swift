/// Constants shared by the writer and the reader. See ARCHITECTURE.md,
/// "Search index format (v5)".
public enum IndexFormat {
    public static let version: UInt8 = 5
    public static let formatName = "tome-search"
    public static let manifestName = "manifest.json"
    /// Field order is part of the format: index i in manifests, postings masks, weights.
    public static let fieldNames = ["title", "heading", "path", "tags", "body"]
    public static let fieldCount = 5
}

/// The searchable fields of a section.
public enum Field: Int, CaseIterable, Sendable {
    case title = 0, heading, path, tags, body
}

/// Everything wrong with an index on disk, each naming the file.
public enum IndexFormatError: Error, Equatable, CustomStringConvertible, Sendable {
    case missing(file: String)
    case corrupt(file: String, detail: String)
    case checksumMismatch(file: String)
    case versionMismatch(file: String, found: String, expected: String)
    case analyzerMismatch(file: String, found: String, expected: String)
    case foreign(file: String)

    public var file: String {
        switch self {
        case .missing(let f), .corrupt(let f, _), .checksumMismatch(let f), .versionMismatch(let f, _, _),
             .analyzerMismatch(let f, _, _), .foreign(let f): return f
        }
    }

    public var description: String {
        let hint = "rebuild the index with `tome build`"
        switch self {
        case .missing(let f): return "\(f): search index file is missing; \(hint)"
        case .corrupt(let f, let d): return "\(f): search index file is corrupt (\(d)); \(hint)"
        case .checksumMismatch(let f): return "\(f): search index file does not match its checksum in the manifest (corrupt or truncated); \(hint)"
        case .versionMismatch(let f, let found, let expected):
            return "\(f): search index format version \(found), this engine reads version \(expected); \(hint)"
        case .analyzerMismatch(let f, let found, let expected):
            return "\(f): search index was built with analyzer '\(found)', this engine uses '\(expected)'; \(hint)"
        case .foreign(let f): return "\(f): not a Tome search index manifest; \(hint)"
        }
    }
}

/// Ranking constants, written into the manifest so both engines use the same numbers.
public struct RankingParameters: Sendable, Equatable {
    public var k1: Double = 1.6
    public var b: Double = 0.75
    /// Per-field weights, in `Field` order.
    public var fieldWeights: [Double] = [2.0, 2.5, 1.5, 2.0, 1.0]
    public var exactWeight: Double = 1.0
    public var stemWeight: Double = 0.9
    public var synonymWeight: Double = 0.8
    public var prefixWeight: Double = 0.6
    public var typoWeight: Double = 0.4
    /// Multiplier `1 + proximity * adjacentPairs / (terms - 1)` for multi-term queries.
    public var proximity: Double = 0.2
    /// Every score is multiplied by `1 / (1 + coverage * missingTerms)`; 0 (tuned on
    /// the Cranfield dev half) leaves partial matches ordered by score alone, below
    /// the all-terms tier.
    public var coverage: Double = 0.0
    /// When false: plain BM25 — stems count as the term, no prefix/typo, no bonuses,
    /// no all-terms-first tier, no title tier.
    public var tiers: Bool = true

    public init() {}

    /// Plain BM25 (k1 1.2, b 0.75) over title+text, for parity with other engines.
    public static var plainBM25: RankingParameters {
        var p = RankingParameters()
        p.k1 = 1.2
        p.fieldWeights = [1, 1, 1, 1, 1]
        p.stemWeight = 1
        p.synonymWeight = 1
        p.proximity = 0
        p.coverage = 0
        p.tiers = false
        return p
    }
}

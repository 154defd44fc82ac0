#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Retrieval metrics computed as trec_eval does, over one ranked list per query.
public enum Metrics {
    /// nDCG@k with linear gains (trec_eval `ndcg_cut`): DCG = Σ gain_i / log2(i + 1)
    /// over ranks i = 1...k; the ideal ordering uses every judged document's gain.
    public static func ndcg(ranked: [String], gains: [String: Double], k: Int) -> Double {
        var dcg = 0.0
        for (i, d) in ranked.prefix(k).enumerated() {
            let g = gains[d] ?? 0
            if g > 0 { dcg += g / log2(Double(i + 2)) }
        }
        let ideal = gains.values.filter { $0 > 0 }.sorted(by: >)
        var idcg = 0.0
        for (i, g) in ideal.prefix(k).enumerated() { idcg += g / log2(Double(i + 2)) }
        return idcg > 0 ? dcg / idcg : 0
    }

    /// Reciprocal rank of the first relevant document within the top k (0 if none).
    public static func reciprocalRank(ranked: [String], relevant: Set<String>, k: Int) -> Double {
        for (i, d) in ranked.prefix(k).enumerated() where relevant.contains(d) { return 1 / Double(i + 1) }
        return 0
    }

    /// Fraction of relevant documents found in the top k.
    public static func recall(ranked: [String], relevant: Set<String>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        return Double(ranked.prefix(k).filter { relevant.contains($0) }.count) / Double(relevant.count)
    }

    /// Average precision over the retrieved list, divided by all relevant documents.
    public static func averagePrecision(ranked: [String], relevant: Set<String>) -> Double {
        guard !relevant.isEmpty else { return 0 }
        var hits = 0, sum = 0.0
        for (i, d) in ranked.enumerated() where relevant.contains(d) {
            hits += 1
            sum += Double(hits) / Double(i + 1)
        }
        return sum / Double(relevant.count)
    }
}

/// Mean metrics over a set of queries.
public struct EvaluationSummary: Sendable, Equatable {
    public var queries: Int
    public var ndcg10: Double
    public var mrr10: Double
    public var recall100: Double
    public var map: Double
}

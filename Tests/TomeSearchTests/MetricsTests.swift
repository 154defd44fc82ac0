import Testing
@testable import TomeSearch

struct MetricsTests {
    @Test func ndcgByHand() {
        // gains: a=3, b=1; ranking [x, a, b]: DCG = 3/log2(3) + 1/log2(4) = 1.8928 + 0.5
        // ideal [a, b]: 3/1 + 1/log2(3) = 3.6309
        let v = Metrics.ndcg(ranked: ["x", "a", "b"], gains: ["a": 3, "b": 1], k: 10)
        #expect(abs(v - (3 / 1.584962500721156 + 0.5) / (3 + 1 / 1.584962500721156)) < 1e-12)
        #expect(Metrics.ndcg(ranked: ["x", "a"], gains: ["a": 3], k: 1) == 0)
    }

    @Test func mrrRecallMap() {
        let rel: Set<String> = ["a", "b", "c"]
        #expect(Metrics.reciprocalRank(ranked: ["x", "y", "b"], relevant: rel, k: 10) == 1.0 / 3)
        #expect(Metrics.reciprocalRank(ranked: ["x", "y", "b"], relevant: rel, k: 2) == 0)
        #expect(Metrics.recall(ranked: ["a", "x", "b"], relevant: rel, k: 2) == 1.0 / 3)
        // AP: hits at 1 and 3: (1/1 + 2/3) / 3
        #expect(abs(Metrics.averagePrecision(ranked: ["a", "x", "b"], relevant: rel) - (1 + 2.0 / 3) / 3) < 1e-12)
    }
}

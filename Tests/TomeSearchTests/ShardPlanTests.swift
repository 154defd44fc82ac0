import Testing
@testable import TomeSearch

/// Where term shards are cut: after key groups, inside a group only above the target,
/// never inside a stem's span; fences are keys at group starts, else full terms.
@Suite struct ShardPlanTests {
    func bytes(_ s: [String]) -> [[UInt8]] { s.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) } }
    typealias Shards = [(range: Range<Int>, first: [UInt8])]
    func fences(_ shards: Shards) -> [String] { shards.map { String(decoding: $0.first, as: UTF8.self) } }
    func plan(_ terms: [[UInt8]], target: Int) -> Shards {
        let analyzer = Analyzer()
        var cache: [Int: [Bool]] = [:]
        return ShardPlan.cuts(terms, [Int](repeating: 10, count: terms.count), target, &cache) { analyzer.stem($0) }
    }

    @Test func groupsAreSplitOnlyAboveTheTarget() {
        let terms = bytes(["aa", "ab", "aba", "abb", "ac", "ad"])
        // "ab…" (30 bytes) is above a target of 25: cut inside it, the others after groups
        #expect(fences(plan(terms, target: 25)) == ["aa", "abb"])
        #expect(plan(terms, target: 25).map(\.range) == [0..<3, 3..<6])
        #expect(fences(plan(terms, target: 40)) == ["aa", "ac"])
    }

    @Test func bigGroupIsCutOutsideStemSpans() {
        // "remark", "remarked", "remarks" share the stem "remark": one shard holds them all
        let terms = bytes(["rea", "reb", "rec", "remark", "remarked", "remarks", "ret", "reu", "rev"])
        let p = plan(terms, target: 20)
        #expect(fences(p) == ["re", "rec", "ret", "rev"])
        #expect(p.map(\.range) == [0..<2, 2..<6, 6..<8, 8..<9])
    }

    @Test func cutsPreferANewThreeBytePrefix() {
        // at the target after "meta", but "metb" shares "met": the cut waits for "mo"
        // (another group), unless the shard reaches twice the target first
        let terms = bytes(["mea", "meb", "meta", "metb", "metc", "mo"])
        #expect(fences(plan(terms, target: 30)) == ["me", "mo"])
        #expect(fences(plan(terms, target: 20)) == ["me", "meta", "mo"])
    }

    @Test func targetIsTheSmallestGridStepWithinTheShardBudget() {
        let terms = bytes((0..<400).map { String(format: "%c%c%03d", 97 + $0 / 100, 97 + $0 % 7, $0) })
        let sizes = terms.indices.map { 100 + $0 % 37 * 40 }
        let p = ShardPlan(terms: terms, sizes: sizes, minTarget: 1024, maxShards: 20) { $0 }
        #expect(p.shards.count <= 20)
        #expect(p.target == IndexBuilder.roundTarget(p.target))
        var cache: [Int: [Bool]] = [:]
        #expect(ShardPlan.cuts(terms, sizes, ShardPlan.gridBelow(p.target), &cache) { $0 }.count > 20)
        #expect(p.shards.map(\.range.count).reduce(0, +) == terms.count)
        #expect(ShardPlan.gridBelow(104) == 96 && ShardPlan.gridBelow(128) == 120 && ShardPlan.gridBelow(9) == 8)
    }

    @Test func stemSpanHoldsTheStemItself() {
        // "happi" (not a term) is the stem of "happier", "happiest" and "happy": no cut
        // from after "happi" up to "happy", so "happily" (its own stem) stays inside too
        let terms = bytes(["happen", "happier", "happiest", "happily", "happy"])
        let stems: [String: String] = ["happier": "happi", "happiest": "happi", "happy": "happi"]
        let cuttable = ShardPlan.cuttable(terms, 0..<5) { t in Array((stems[String(decoding: t, as: UTF8.self)] ?? String(decoding: t, as: UTF8.self)).utf8) }
        #expect(cuttable == [true, false, false, false, false])
    }
}

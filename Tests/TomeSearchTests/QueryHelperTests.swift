import Testing
@testable import TomeSearch

/// Helpers of the query engine written for speed, against plain references.
struct QueryHelperTests {
    /// A small deterministic generator (no dependence on the system's random source).
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// `Candidate.sort` gives `sort(by: Candidate.before)`'s order, on lengths around
    /// the insertion-sort run and the merge widths, with many ties in tier and score.
    @Test func candidateSortMatchesSortBy() {
        var g = Generator(state: 7)
        for n in [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 64, 100, 199, 200, 201, 257, 1000] {
            for round in 0..<4 {
                var docs = Array(0..<(n * 2)).shuffled(using: &g)
                docs = Array(docs.prefix(n))
                let scores = [0.0, 0.5, 1.0, 1.25, 3.0, .greatestFiniteMagnitude]
                var a: [Candidate] = docs.map { d in
                    Candidate(doc: d, tier: [0, 1, 3][g.next(round == 0 ? 1 : 3)], matched: 1,
                              final: round == 3 ? Double(g.next(1_000_000)) / 7 : scores[g.next(scores.count)])
                }
                if round == 1 { a.sort(by: Candidate.before) }  // already in order
                if round == 2 { a.sort(by: { Candidate.before($1, $0) }) }  // reversed
                var got = a
                Candidate.sort(&got)
                let want = a.sorted(by: Candidate.before)
                #expect(got.map(\.doc) == want.map(\.doc), "n \(n) round \(round)")
                #expect(got.map(\.final) == want.map(\.final))
            }
        }
    }

    /// Optimal string alignment distance over scalars, the plain way.
    static func osa(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    /// `TypoDistance` (with its letter-count test that rules candidates out early) gives
    /// exactly the plain distance when it is within the limit, and nil otherwise, on
    /// random edits of random words (ASCII and not); `rulesOut` rules out none within it.
    @Test func typoDistanceMatchesPlainDistance() {
        var g = Generator(state: 11)
        let alphabets: [[String]] = [["a", "b", "c", "d", "e"], ["a", "b", "é", "ß", "c"], "abcdefghijklmnopqrstuvwxyz".map(String.init)]
        var within = 0, ruledOut = 0, summaryRuledOut = 0
        for round in 0..<3000 {
            let letters = alphabets[round % alphabets.count]
            let len = 1 + g.next(11)
            let word = (0..<len).map { _ in letters[g.next(letters.count)] }.joined()
            var cand = Array(word)
            for _ in 0..<g.next(4) {
                let op = g.next(4)
                let at = cand.isEmpty ? 0 : g.next(cand.count)
                let c = Character(letters[g.next(letters.count)])
                switch op {
                case 0: cand.insert(c, at: at)
                case 1: if !cand.isEmpty { cand.remove(at: at) }
                case 2: if !cand.isEmpty { cand[at] = c }
                default: if at + 1 < cand.count { cand.swapAt(at, at + 1) }
                }
            }
            let candidate = String(cand)
            for limit in [1, 2] {
                var typos = TypoDistance(Array(word.utf8), limit: limit)
                // the same instance for several candidates: its reused rows and counters
                _ = typos.distance(to: Array("zzzzzz".utf8))
                let got = typos.distance(to: Array(candidate.utf8))
                let plain = Self.osa(word.unicodeScalars.map(\.value), candidate.unicodeScalars.map(\.value))
                #expect(got == (plain <= limit ? plain : nil), "\(word) -> \(candidate) limit \(limit)")
                if plain <= limit { within += 1 } else { ruledOut += 1 }
                if typos.rulesOut(TypoTerm(Array(candidate.utf8))) {
                    #expect(plain > limit, "\(word) -> \(candidate) limit \(limit): ruled out from its summary")
                    summaryRuledOut += 1
                }
            }
        }
        #expect(within > 500 && ruledOut > 500 && summaryRuledOut > 200)
    }
}

extension QueryHelperTests {
    /// The title/heading flags `queryPostings` adds (what the counting pass reads) say
    /// exactly whether the title and heading tfs are above 0, for every term of the
    /// test index.
    @Test func titleHeadingFlagsMatchTFs() throws {
        let index = try RankingTests.index()
        let F = IndexFormat.fieldCount
        var postings = 0
        for s in index.manifest.shards.indices {
            let sh = try index.shard(s)
            for t in sh.terms.indices {
                let p = try index.queryPostings(sh, t)
                #expect(p.titleHeading.count == p.docs.count)
                for k in p.docs.indices {
                    let want: UInt8 = (p.tfs[k * F] > 0 ? 1 : 0) | (p.tfs[k * F + 1] > 0 ? 2 : 0)
                    #expect(p.titleHeading[k] == want)
                    postings += 1
                }
            }
        }
        #expect(postings > 1000)
    }
}

extension QueryHelperTests {
    /// `gallopLowerBound` from any start that has only smaller docs before it gives
    /// `lowerBound`, on random sorted lists with repeats (as a damaged index could hold).
    @Test func gallopMatchesLowerBound() {
        var g = Generator(state: 5)
        for round in 0..<400 {
            var docs: [Int] = []
            var d = 0
            for _ in 0..<g.next(300) { d += g.next(round % 3 == 0 ? 2 : 40); docs.append(d) }
            docs.withUnsafeBufferPointer { pd in
                for _ in 0..<20 {
                    let x = g.next(d + 10)
                    let want = lowerBound(pd, x)
                    let from = want == 0 ? 0 : g.next(want + 1)
                    #expect(gallopLowerBound(pd, from: from, x) == want, "round \(round) x \(x) from \(from)")
                }
            }
        }
    }
}

extension QueryHelperTests {
    /// With every posting list given a window start table (`windowStartMinDF` 1: the
    /// test index's lists are short), the pruned ranking still equals the exhaustive one.
    @Test(arguments: [1, 3, 7])
    func windowStartTablesKeepPrunedEqualExhaustive(windowShift: Int) throws {
        let index = try RankingTests.index()
        index.pruningWindowShift = windowShift
        index.windowStartMinDF = 1
        for q in RankingTests.queries { try PruningTests.same(index, q) }
        #expect(!index.windowStartCache.isEmpty)
    }
}

extension QueryHelperTests {
    /// `SearchIndex.bestPrefixCandidates` gives the first `count` of all the candidates
    /// sorted by df descending, then term bytes, on terms from several shards with dfs
    /// drawn from a few values (many ties, so the bytes decide often).
    @Test func bestPrefixCandidatesMatchSortedPrefix() throws {
        var g = Generator(state: 13)
        var docs: [SearchDocument] = []
        for i in 0..<400 {
            let words = (0..<6).map { _ in ["ab", "ac", "ba", "ca", "cb"][g.next(5)] + String(g.next(10_000)) }
            docs.append(SearchDocument(url: "/p\(i)/", pageURL: "/p\(i)/", pageTitle: "t", heading: "", headingPath: [],
                                       text: words.joined(separator: " "), tags: [], book: "b", bookTitle: "Book", type: "page", boost: 1))
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        let shards = try index.manifest.shards.indices.map { try index.shard($0) }
        #expect(shards.count >= 2)
        for round in 0..<200 {
            var cands: [(Int, Int)] = []
            var dfs: [Int] = []
            for _ in 0..<g.next(300) {
                let s = g.next(shards.count)
                guard !shards[s].terms.isEmpty else { continue }
                let t = g.next(shards[s].terms.count)
                if cands.contains(where: { $0 == (s, t) }) { continue }
                cands.append((s, t))
                dfs.append(g.next(round % 2 == 0 ? 3 : 50))
            }
            let want = cands.indices.sorted { a, b in
                dfs[a] != dfs[b] ? dfs[a] > dfs[b]
                    : shards[cands[a].0].terms[cands[a].1].lexicographicallyPrecedes(shards[cands[b].0].terms[cands[b].1])
            }
            for count in [0, 1, 5, 50] {
                let got = SearchIndex.bestPrefixCandidates(cands, dfs: dfs, shards: shards, count: count)
                #expect(got == Array(want.prefix(count)), "round \(round) count \(count)")
            }
        }
    }
}

extension Array {
    func shuffled(using g: inout QueryHelperTests.Generator) -> [Element] {
        var a = self
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, g.next(i + 1)) }
        return a
    }
}

import Testing
@testable import TomeSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The optimised ranking (scratch arrays, merged-and-scored postings, heap-picked head,
/// position tables, page walk past the head) against a plain reference written from
/// ARCHITECTURE.md "Query pipeline": every doc scored from dictionaries, the whole
/// order sorted, positions from `positionLists`. Same docs, same order, same scores
/// (bit for bit), same pages and sections, on a random corpus built to have pages
/// with many sections (so the head of `QueryLimits.proximityCandidates` can run out of pages).
struct RankingTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        /// Skewed towards small indexes (frequent words).
        mutating func skewed(_ n: Int) -> Int { min(below(n), below(n), below(n)) }
    }

    static let vocabulary = [
        "connect", "connected", "connection", "connections", "connecting", "run", "running", "runner", "runs",
        "value", "values", "valued", "return", "returns", "returned", "class", "classes", "template", "templates",
        "error", "errors", "compile", "compiler", "compiling", "warning", "warnings", "level", "levels", "member",
        "members", "function", "functions", "functional", "parameter", "parameters", "pointer", "pointers", "type",
        "typed", "types", "string", "strings", "stream", "streams", "buffer", "buffers", "option", "options",
        "visual", "studio", "linker", "library", "libraries", "remark", "remarks", "example", "examples", "see",
        "also", "data", "hash", "map", "multimap", "const", "iterator", "reverse", "public", "private",
    ]

    static let corpus: [SearchDocument] = {
        var rng = Rng(state: 42)
        func words(_ n: Int) -> String { (0..<n).map { _ in vocabulary[rng.skewed(vocabulary.count)] }.joined(separator: " ") }
        var docs: [SearchDocument] = []
        for p in 0..<45 {
            let sections = p % 9 == 0 ? 60 + rng.below(60) : 1 + rng.below(12)
            let title = words(1 + rng.below(3))
            for s in 0..<sections {
                docs.append(SearchDocument(
                    url: "/p\(p)/#s\(s)", pageURL: "/p\(p)/", pageTitle: title, heading: s == 0 ? "" : words(1 + rng.below(3)),
                    headingPath: s > 1 && rng.below(2) == 0 ? [words(2)] : [],
                    // big pages say "iterator" often and briefly, a few small ones once in
                    // long text: its head comes from a handful of pages
                    text: p % 9 == 0 ? words(2 + rng.below(4)) + " iterator reverse iterator"
                        : words(3 + rng.below(40)) + (rng.below(3) == 0 ? " iterator" : ""),
                    tags: rng.below(4) == 0 ? [words(1)] : [], book: "b\(p % 3)", bookTitle: "Book \(p % 3)",
                    type: p % 5 == 0 ? "faq" : "page", boost: p % 7 == 3 ? 2 : 1))
            }
        }
        return docs
    }()

    static let queries: [String] = {
        var rng = Rng(state: 7)
        var out = ["iterator", "iterator reverse", "iter", "\"reverse iterator\"", "iterator -reverse", "reverse iterator "]
        func w() -> String { vocabulary[rng.skewed(vocabulary.count)] }
        for i in 0..<260 {
            switch i % 8 {
            case 0: out.append(w())
            case 1: out.append("\(w()) \(w())")
            case 2: out.append("\(w()) \(w()) \(w()) ")
            case 3: out.append(String(w().prefix(2 + rng.below(3))))
            case 4: out.append("\"\(w()) \(w())\"")
            case 5: out.append("\(w()) -\(w())")
            case 6:
                var t = Array(w()); if t.count > 5 { t.remove(at: 1 + rng.below(t.count - 2)) }
                out.append(String(t) + " ")
            default: out.append("\(w()) \"\(w()) \(w())\" type:faq")
            }
        }
        return out
    }()

    static func index(_ ranking: RankingParameters = RankingParameters()) throws -> SearchIndex {
        try SearchIndex(files: IndexBuilder(ranking: ranking).build(corpus))
    }

    /// The reference: every matching doc scored and the whole order sorted.
    static func reference(_ index: SearchIndex, _ q: String) throws -> [Candidate] {
        let st = try index.prepare(QueryParser.parse(q))
        let N = index.manifest.docCount, F = IndexFormat.fieldCount, r = index.manifest.ranking
        let meta = try index.docMeta()
        var avg = [Double](repeating: 1, count: F)
        for f in 0..<F where index.manifest.fieldTotalLengths[f] > 0 {
            avg[f] = Double(index.manifest.fieldTotalLengths[f]) / Double(N)
        }
        func positions(_ vs: [Variant]) throws -> [Int: [[Int]]] {
            var marks = [UInt8](repeating: 1, count: N)
            return try marks.withUnsafeMutableBufferPointer { m in
                var out: [Int: [[Int]]] = [:]
                for v in vs {
                    try index.positionLists(shard: v.shard, term: v.term, postings: v.postings, only: DocMarks(marks: m), into: &out)
                }
                for (d, var l) in out { for f in l.indices { l[f].sort() }; out[d] = l }
                return out
            }
        }
        func rows(_ t: QueryTerm) throws -> [Int: [Double]] {
            var out: [Int: [Double]] = [:]
            if t.isPhrase {
                let parts = try t.phraseParts.map { try positions($0.variants) }
                for (d, first) in parts[0] {
                    var tf = [Double](repeating: 0, count: F)
                    var any = false
                    for f in 0..<F {
                        var c = 0
                        for s in first[f] where t.phraseParts.indices.dropFirst().allSatisfy({
                            parts[$0][d]?[f].contains(s + t.phraseParts[$0].offset) ?? false
                        }) { c += 1 }
                        if c > 0 { tf[f] = Double(c); any = true }
                    }
                    if any { out[d] = tf }
                }
            } else {
                for v in t.variants {
                    for (k, d) in v.postings.docs.enumerated() {
                        var row = out[d] ?? [Double](repeating: 0, count: F)
                        for f in 0..<F where v.postings.tfs[k * F + f] > 0 {
                            row[f] = row[f] + v.weight * Double(v.postings.tfs[k * F + f])
                        }
                        out[d] = row
                    }
                }
            }
            return out
        }
        var score = [Double](repeating: 0, count: N)
        var matched = [Int](repeating: 0, count: N), inTitle = matched, inHeading = matched
        for t in st.terms {
            let rs = try rows(t)
            if rs.isEmpty { continue }
            let idf = log(1 + (Double(N) - Double(rs.count) + 0.5) / (Double(rs.count) + 0.5))
            for (d, tf) in rs {
                var w = 0.0
                for f in 0..<F where tf[f] != 0 {
                    let len = Double(FieldNorm.decodeTable[Int(meta.norms[f * N + d])])
                    w = w + r.fieldWeights[f] * tf[f] / (1 - r.b + r.b * len / avg[f])
                }
                score[d] = score[d] + idf * (w * (r.k1 + 1) / (w + r.k1))
                matched[d] += 1
                if tf[0] > 0 { inTitle[d] += 1 }
                if tf[1] > 0 { inHeading[d] += 1 }
            }
        }
        var excluded = Set<Int>()
        for e in st.excludedTerms {
            if e.isPhrase { excluded.formUnion(try rows(e).keys) } else { for v in e.variants { excluded.formUnion(v.postings.docs) } }
        }
        let n = st.terms.count
        var all: [Candidate] = []
        for d in 0..<N where matched[d] > 0 && !excluded.contains(d) {
            let p = Int(meta.pageOfDoc[d])
            if let allowed = st.allowedPages, !allowed.contains(p) { continue }
            var tier: UInt8 = 0
            if r.tiers && matched[d] == n {
                tier = 1
                let hl = FieldNorm.decodeTable[Int(meta.norms[N + d])], tl = FieldNorm.decodeTable[Int(meta.norms[d])]
                if inHeading[d] == n && hl <= n + 1 { tier = 3 }
                else if inTitle[d] == n && tl <= n + 1 && inHeading[d] == 0 && meta.pageFirstDoc[p] == d { tier = 3 }
            }
            let final = score[d] * (1 / (1 + r.coverage * Double(n - matched[d]))) * (meta.boosts[d] ?? 1)
            all.append(Candidate(doc: d, tier: tier, matched: UInt8(matched[d]), final: final))
        }
        all.sort(by: Candidate.before)
        let words = st.terms.indices.filter { !st.terms[$0].isPhrase }
        if r.tiers && r.proximity > 0 && words.count >= 2 {
            let pos = try words.map { try positions(st.terms[$0].variants) }
            let top = min(QueryLimits.proximityCandidates, all.count)
            for i in 0..<top {
                let d = all[i].doc
                var pairs = 0
                for k in 0..<(words.count - 1) {
                    let gap = st.terms[words[k + 1]].position - st.terms[words[k]].position
                    guard let a = pos[k][d], let b = pos[k + 1][d] else { continue }
                    if (0..<F).contains(where: { f in a[f].contains { b[f].contains($0 + gap) } }) { pairs += 1 }
                }
                all[i].final = all[i].final * (1 + r.proximity * Double(pairs) / Double(words.count - 1))
            }
            all[0..<top].sort(by: Candidate.before)
        }
        return all
    }

    @Test func queriesExerciseTheHardPaths() throws {
        // the head runs out of pages for some queries, phrases and exclusions match
        let index = try Self.index()
        let pageOf = try index.docMeta().pageOfDoc
        var walkedPastHead = 0, phrasesFound = 0
        for q in Self.queries {
            let ref = try Self.reference(index, q)
            let headPages = Set(ref.prefix(QueryLimits.proximityCandidates).map { pageOf[$0.doc] })
            if headPages.count < 10 && Set(ref.map { pageOf[$0.doc] }).count > 10 { walkedPastHead += 1 }
            if q.hasPrefix("\""), !ref.isEmpty { phrasesFound += 1 }
        }
        #expect(walkedPastHead >= 5)
        #expect(phrasesFound >= 5)
    }

    @Test(arguments: [false, true])
    func rankingEqualsReference(plain: Bool) throws {
        let index = try Self.index(plain ? .plainBM25 : RankingParameters())
        let N = index.manifest.docCount
        for q in Self.queries {
            let ref = try Self.reference(index, q)
            for limit in [3, 40, 250, N] {
                let got = try index.rankDocuments(q, limit: limit)
                let want = ref.prefix(limit)
                #expect(got.map(\.docID) == want.map(\.doc), "\(q) limit \(limit)")
                #expect(got.map(\.score) == want.map(\.final), "\(q) limit \(limit)")
            }
        }
    }

    @Test(arguments: [1, 10, 40])
    func pagesEqualReference(limit: Int) throws {
        let index = try Self.index()
        let meta = try index.docMeta()
        for q in Self.queries {
            let ref = try Self.reference(index, q)
            var pages: [Int] = [], perPage: [Int: [Candidate]] = [:]
            for c in ref {
                let p = Int(meta.pageOfDoc[c.doc])
                if perPage[p] == nil { pages.append(p) }
                perPage[p, default: []].append(c)
            }
            let r = try index.search(q, options: SearchOptions(limit: limit, snippets: false))
            #expect(r.totalSections == ref.count, "\(q)")
            #expect(r.totalPages == pages.count, "\(q)")
            let got = r.pages.map { $0.sections.map { [Double($0.docID), $0.score] } }
            let want = pages.prefix(limit).map { p in perPage[p]!.prefix(3).map { [Double($0.doc), $0.final] } }
            #expect(got == want, "\(q) limit \(limit)")
        }
    }
}

/// A phrase of more than 255 words (within `QueryParser.maxQueryBytes`, one-letter words)
/// is matched like any other, as the browser engine matches it: `mergePhrase` counts the
/// parts each doc holds in a byte.
struct LongPhraseTests {
    @Test(arguments: [200, 255, 256, 300])
    func longPhraseIsMatched(_ words: Int) throws {
        let letters = ["x", "y", "z", "w"]
        let text = (0..<320).map { letters[$0 % 4] }.joined(separator: " ")
        let docs = [
            SearchDocument(url: "/long/", pageURL: "/long/", pageTitle: "Long", text: text),
            // every word, never in the phrase's order
            SearchDocument(url: "/other/", pageURL: "/other/", pageTitle: "Other", text: "w z y x w z y x"),
        ]
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        let phrase = (0..<words).map { letters[$0 % 4] }.joined(separator: " ")
        #expect(try index.search("\"\(phrase)\"").pages.map(\.pageURL) == ["/long/"])
        // the same words but the last out of its place
        let broken = (0..<(words - 1)).map { letters[$0 % 4] }.joined(separator: " ") + " " + letters[(words + 1) % 4]
        #expect(try index.search("\"\(broken)\"").pages.isEmpty)
    }
}

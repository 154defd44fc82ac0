#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Exact dynamic pruning of the ranking (steps 5–8 of "Query pipeline" in ARCHITECTURE.md):
// the same head, in the same order, with the same scores (bit for bit) as scoring every
// candidate, but only the candidates that can still enter it are scored.
//
// 1. Count: every term's postings are walked once to count, per document, the terms it
//    matches and those seen in the title and heading (no BM25F). That gives each term's
//    df and idf, every candidate's tier, and the totals (sections and pages).
// 2. The head holds the best `head` candidates, tier first. With `c3` title-tier and `c1`
//    all-terms candidates, the tier `B` that the head's last place falls in is 3 if
//    c3 >= head, 1 if c3 + c1 >= head, else 0: candidates above `B` are all in the head,
//    those below it never are (they are scored only if the page walk asks for them).
// 3. Documents are cut into windows of `1 << pruningWindowShift` doc ids. Windows with a
//    candidate above `B` are scored first; the others, in descending order of an upper
//    bound of any of their documents' final score, until the head is full and the next
//    bound is below the worst score in it: no document in that window or any later one
//    can enter the head. A candidate is scored with exactly the expressions of
//    `scoreWord`/`scorePhrase` (terms in query order, variants in variant order).
//
// The bound of a window (`windowBounds`) is the scoring's own expression on per-window
// maxima: per word term, the largest score of any document in the window (for `B` = 3,
// of those with the term in the title or heading, or, for a one-term query, of those it
// puts in the title tier); per phrase, the same computed per query; summed in query
// order; times the largest coverage factor and boost. IEEE addition and multiplication
// of non-negative doubles are monotone, so no document's score exceeds its window's
// bound: the bound is exact, and a window whose bound equals the head's worst score is
// ruled out by doc id. A word term's maxima depend only on its variants (postings,
// weights, merged df): made by scoring it once on first use and kept with the index
// (`SearchIndex.boundCache`, up to `boundCacheLimit` bytes). Pruning needs scores that
// are non-negative and grow with tf: `boundsHold` checks the ranking constants, boosts
// and variant weights, else `rankExhaustive` ranks the query.

extension SearchIndex {
    /// The head of a query without the proximity step: enough for the page walk of most.
    static let pageWalkHead = 32

    /// Bytes of per-window term bounds kept per index.
    static let boundCacheLimit = 16 << 20

    /// Whether every score is non-negative and grows with every tf (what the bounds
    /// assume): k1 > 0, non-negative field weights, positive finite length
    /// normalisations, non-negative coverage and boosts, positive variant weights.
    static func boundsHold(_ r: RankingParameters, den: [Double], boosts: [Int: Double], terms: [QueryTerm], docCount: Int) -> Bool {
        guard r.k1 > 0, r.k1.isFinite, r.coverage >= 0, r.coverage.isFinite, docCount < Int(Int32.max) else { return false }
        for w in r.fieldWeights where !(w >= 0 && w.isFinite) { return false }
        for x in den where !(x > 0 && x.isFinite) { return false }
        for (_, b) in boosts where !(b >= 0 && b.isFinite) { return false }
        for t in terms where !t.isPhrase {
            for v in t.variants where !(v.weight > 0 && v.weight.isFinite) { return false }
        }
        return true
    }

    /// `rank` scoring only what can enter the head; nil when the bounds do not hold
    /// (nothing touched yet: the caller ranks exhaustively).
    func rankPruned(_ st: inout QueryState, want: Int) throws -> RankedList? {
        let N = manifest.docCount
        let r = manifest.ranking
        let meta = try docMeta()
        guard N > 0, !st.terms.isEmpty else { return RankedList(scratch: nil) }
        let den = scratch.denominators(r, fieldTotalLengths: manifest.fieldTotalLengths, docCount: N)
        guard Self.boundsHold(r, den: den, boosts: meta.boosts, terms: st.terms, docCount: N) else { return nil }
        // The count marks tell `markedTerms` terms apart. `prepare` keeps to
        // `QueryLimits.maxTerms` between items, but one item's synonym matches can pass
        // it (found by fuzzing): such a query is ranked exhaustively.
        guard st.terms.count <= DocState.markedTerms else { return nil }
        scratch.begin(docCount: N, pageCount: manifest.pageCount)  // `end()` only on success: see RankScratch.inUse
        var touched = TouchedDocs(scratch.touchedStore)
        // exclusions (marks in `excluded`, listed to be cleared) and filters
        let excludedMark = scratch.excluded
        let (excludedDocs, allowedPage) = try exclusionsAndFilters(st)
        let n = st.terms.count
        let shift = pruningWindowShift
        let windows = (N + (1 << shift) - 1) >> shift
        var winTier = [Int8](repeating: -1, count: windows)
        var tierCount = [0, 0, 0, 0]
        var total = 0, totalPages = 0
        let allowedFlags = allowedPage ?? []
        var single = [Bool](repeating: false, count: st.terms.count)
        try meta.pageOfDoc.withUnsafeBufferPointer { pageOf in
            try meta.norms.withUnsafeBufferPointer { norms in
                try meta.pageFirstDoc.withUnsafeBufferPointer { firstDoc in
                    try FieldNorm.decodeTable.withUnsafeBufferPointer { decode in
                        try allowedFlags.withUnsafeBufferPointer { allowed in
                            try winTier.withUnsafeMutableBufferPointer { winTier in
                                var pass = TierPass(n: n, N: N, shift: shift, tiers: r.tiers, docs: scratch.states, excluded: excludedMark,
                                                    anyExcluded: !excludedDocs.isEmpty, filtered: allowedPage != nil, allowed: allowed,
                                                    pageOf: pageOf, norms: norms, firstDoc: firstDoc, decode: decode,
                                                    pageSeen: scratch.pageSeen, pages: scratch.pageList, winTier: winTier)
                                // 1. count (phrases merged as for scoring); a one-word query's
                                // candidates have all their terms once counted: each takes its
                                // tier as its posting is counted (the same order as the pass below)
                                var visitedWhileCounting = false
                                for ti in st.terms.indices {
                                    if st.terms[ti].isPhrase {
                                        try mergePhrase(&st.terms[ti])
                                        countPhrase(&st.terms[ti], touched: &touched)
                                    } else {
                                        let counted = countWord(&st.terms[ti], index: ti, touched: &touched, visit: n == 1, pass: &pass)
                                        single[ti] = counted.single
                                        visitedWhileCounting = counted.visited
                                    }
                                }
                                // 2. tiers, totals, the highest tier in each window
                                if !visitedWhileCounting {
                                    for d32 in touched.list { pass.visit(Int(d32)) }
                                }
                                tierCount = [pass.c0, pass.c1, 0, pass.c3]
                                total = pass.c0 + pass.c1 + pass.c3
                                totalPages = pass.pageCount
                            }
                        }
                    }
                }
            }
        }
        let pageSeen = scratch.pageSeen
        for d in excludedDocs { excludedMark[d] = 0 }
        for p in scratch.pageList[0..<totalPages] { pageSeen[Int(p)] = 0 }
        // 2. the tier of the head's last place
        // the proximity step reorders the first 64 (two word terms or more); without it,
        // the head need only cover the page walk (past it, `nextPages` finds the rest)
        let words = st.terms.reduce(0) { $0 + ($1.isPhrase ? 0 : 1) }
        let head = words >= 2 && r.tiers && r.proximity > 0 ? max(want, QueryLimits.proximityCandidates)
            : max(want, Self.pageWalkHead)
        let b: UInt8 = tierCount[3] >= head ? 3 : (tierCount[3] + tierCount[1] >= head ? 1 : 0)
        let competing = b == 3 ? tierCount[3] : (b == 1 ? tierCount[3] + tierCount[1] : total)
        let coverageOf = (0...n).map { m in 1 / (1 + r.coverage * Double(n - m)) }
        // where each window starts in the long lists (one table per cursor of the scorer)
        var starts: [[Int32]] = []
        for (ti, t) in st.terms.enumerated() {
            if t.isPhrase { starts.append([]); continue }
            for v in (single[ti] ? [t.variants[0]] : t.variants) {
                starts.append(windowStarts(v, shift: shift, windows: windows) ?? [])
            }
        }
        let scorer = PrunedScorer(terms: st.terms, single: single, den: den, norms: meta.norms, boosts: meta.boosts,
                                  coverageOf: coverageOf, ranking: r, board: scratch.board, winTier: winTier, shift: shift, docCount: N,
                                  windowStarts: starts)
        // 3. windows with a candidate above `b`, then the others by bound
        var heap = CandidateHeap(capacity: head)
        let board = scratch.board
        @inline(__always) func offerFresh() {
            for i in 0..<scorer.freshCount {
                let d = Int(scorer.fresh[i])
                let ds = board.states[d]
                let c = Candidate(doc: d, tier: ds.tier, matched: ds.matched, final: board.scores[d])
                if heap.wants(c) { heap.offer(c) }
            }
        }
        var rest: [Int32] = []
        let bt = Int8(b)
        for w in 0..<windows {
            let t = winTier[w]
            if t > bt {
                scorer.scoreWindow(w, minTier: b)
                offerFresh()
            } else if t == bt {
                rest.append(Int32(w))
            }
        }
        if competing <= head || rest.count <= 1 {
            for w in rest {
                scorer.scoreWindow(Int(w), minTier: b)
                offerFresh()
            }
        } else {
            let bounds = try windowBounds(st.terms, scorer: scorer, b: b, n: n, windows: windows)
            var order = WindowQueue(rest, bounds: bounds)
            while let (w, bound) = order.pop() {
                // nothing in this window or a later one can enter the head: below its worst
                // score, or equal to it with higher doc ids (windows come in ascending
                // order among equal bounds)
                if heap.heap.count >= head, let worst = heap.heap.first, worst.tier == b,
                   bound < worst.final || (bound == worst.final && w << shift > worst.doc) { break }
                scorer.scoreWindow(w, minTier: b)
                offerFresh()
            }
        }
        pruningStats = (candidates: total, scored: scorer.scoredCount)
        return try ranked(&st, head: heap, touched: touched, total: total, totalPages: totalPages, scorer: scorer)
    }

    /// A word term counted: df, idf, and per doc the match and its title/heading flags
    /// (the merged tf_f > 0 exactly when some variant's tf_f > 0: weights are positive).
    /// `single` when it is one variant with strictly increasing docs (scored posting by
    /// posting); `visited` when, with `visit` (a one-term query), it gave every candidate
    /// its tier as it counted (one variant; or several with no exclusion and no filter).
    ///
    /// Several variants are counted in one pass over their postings, straight into the
    /// docs' states: while counting, a state's `countMark` names the term that counted it
    /// last (`ti + 1`) and whether that term was counted in its title and heading, so a
    /// doc is counted once per term, whatever the number of its variants holding it (no
    /// union list, no second pass; the tier pass clears the marks).
    func countWord(_ t: inout QueryTerm, index ti: Int, touched: inout TouchedDocs, visit: Bool,
                   pass: inout TierPass) -> (single: Bool, visited: Bool) {
        let N = manifest.docCount
        let variants = t.variants
        let state = scratch.states
        if variants.count == 1, isStrictlyIncreasing(variants[0].postings.docs) {
            let v = variants[0]
            let df = v.postings.docs.count
            t.df = df
            guard df > 0 else { return (true, visit) }
            t.idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5))
            v.postings.docs.withUnsafeBufferPointer { docs in
                v.postings.titleHeading.withUnsafeBufferPointer { flags in
                    precondition(flags.count == df, "postings without their title/heading flags")
                    if visit {
                        for k in 0..<df {
                            let x = flags[k]
                            state[docs[k]].count(title: x & 1 != 0, heading: x & 2 != 0, doc: docs[k], touched: &touched)
                            pass.visit(docs[k])
                        }
                    } else {
                        for k in 0..<df {
                            let x = flags[k]
                            state[docs[k]].count(title: x & 1 != 0, heading: x & 2 != 0, doc: docs[k], touched: &touched)
                        }
                    }
                }
            }
            return (true, visit)
        }
        if visit && !pass.anyExcluded && !pass.filtered {
            // a one-term query: a doc takes its tier when first counted, and again when a
            // later variant adds the title or heading (its final tier is that of its final
            // flags, as the pass over the candidates would give it)
            precondition(pass.n == 1, "tiers while counting need a one-term query")
            var df = 0
            Self.forEachPosting(of: variants) { d, x in
                var s = state[d]
                if s.matched == 0 {
                    touched.append(d)
                    s.matched = 1
                    if x & 1 != 0 { s.inTitle = 1 }
                    if x & 2 != 0 { s.inHeading = 1 }
                    s.setTierClearingMarks(pass.firstOfOne(d, s))
                    state[d] = s
                    df += 1
                } else if (x & 1 != 0 && s.inTitle == 0) || (x & 2 != 0 && s.inHeading == 0) {
                    if x & 1 != 0 { s.inTitle = 1 }
                    if x & 2 != 0 { s.inHeading = 1 }
                    s.setTierClearingMarks(pass.regradeOfOne(d, s, from: s.tier))
                    state[d] = s
                }
            }
            t.df = df
            if df > 0 { t.idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5)) }
            return (false, true)
        }
        precondition(ti < DocState.markedTerms, "too many terms to count with marks")
        let mark = UInt8(truncatingIfNeeded: ti + 1)
        var df = 0
        Self.forEachPosting(of: variants) { d, x in
            var s = state[d]
            var m = s.countMark
            if m & DocState.markTerm != mark {
                if s.matched == 0 { touched.append(d) }
                s.matched = s.matched &+ 1
                m = mark
                df += 1
            }
            if x & 1 != 0 && m & DocState.markTitle == 0 { s.inTitle = s.inTitle &+ 1; m |= DocState.markTitle }
            if x & 2 != 0 && m & DocState.markHeading == 0 { s.inHeading = s.inHeading &+ 1; m |= DocState.markHeading }
            s.countMark = m
            state[d] = s
        }
        t.df = df
        if df > 0 { t.idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5)) }
        return (false, false)
    }

    /// Every posting of every variant in turn, as (doc, title/heading flags).
    @inline(__always)
    private static func forEachPosting(of variants: [Variant], _ body: (_ doc: Int, _ flags: UInt8) -> Void) {
        for v in variants {
            v.postings.docs.withUnsafeBufferPointer { pd in
                v.postings.titleHeading.withUnsafeBufferPointer { flags in
                    precondition(flags.count == pd.count, "postings without their title/heading flags")
                    for k in 0..<pd.count { body(pd[k], flags[k]) }
                }
            }
        }
    }

    /// A phrase term (merged) counted: df, idf, and per doc the match and its flags.
    func countPhrase(_ t: inout QueryTerm, touched: inout TouchedDocs) {
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        let df = t.docs.count
        t.df = df
        if df == 0 { return }
        t.idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5))
        let docs = scratch.states
        for (k, d) in t.docs.enumerated() {
            docs[d].count(title: t.tf[k * F] > 0, heading: t.tf[k * F + 1] > 0, doc: d, touched: &touched)
        }
    }

    /// An upper bound of the final score of any document in each window (see the top):
    /// every step is the scoring's own operation on values at least as large, and IEEE
    /// addition and multiplication of non-negative doubles are monotone, so the bound is
    /// exact (no margin), and a window whose bound equals the head's worst score can
    /// still be ruled out by doc id.
    func windowBounds(_ terms: [QueryTerm], scorer: PrunedScorer, b: UInt8, n: Int, windows: Int) throws -> [Double] {
        var total = [Double](repeating: 0, count: windows)
        // with `b` 3, the maxima over the documents that can be in the title tier of an
        // n-term query (the third part)
        let half = b == 3 ? 2 * windows : 0
        // with `b` 0 (and tiers), the windows bounded hold only candidates of tier 0, which
        // match at most n - 1 terms: for a few terms, the largest sum (in query order) of
        // the maxima of all terms but one. A sum of non-negative doubles in a fixed order
        // never falls when a term is added, so that bounds every subset of n - 1 terms or
        // fewer, exactly.
        let allButOne = b == 0 && scorer.r.tiers && n >= 2 && n <= 4
        var mosts: [[Double]] = []
        for (ti, t) in terms.enumerated() {
            guard t.df > 0 else {
                if allButOne { mosts.append([Double](repeating: 0, count: windows)) }
                continue
            }
            let most = t.isPhrase ? try phraseBounds(t, scorer: scorer, windows: windows, n: n)
                : try wordBounds(t, single: scorer.single[ti], scorer: scorer, windows: windows, n: n)
            if allButOne { mosts.append(most); continue }
            for w in 0..<windows { total[w] = total[w] + most[half + w] }
        }
        if allButOne {
            for w in 0..<windows {
                var best = 0.0
                for skip in 0..<n {
                    var sum = 0.0
                    for k in 0..<n where k != skip { sum = sum + mosts[k][w] }
                    if sum > best { best = sum }
                }
                total[w] = best
            }
        }
        let coverage = b >= 1 ? scorer.coverageOf[n] : (scorer.coverageOf.max() ?? 1)
        var boost = [Double](repeating: 1, count: windows)
        for (d, x) in scorer.boosts where d < scorer.docCount {
            let w = d >> scorer.shift
            if x > boost[w] { boost[w] = x }
        }
        for w in 0..<windows { total[w] = total[w] * coverage * boost[w] }
        return total
    }

    /// Per window, the largest score of a phrase term (as `scorePhrase`); then the same
    /// over the documents with the phrase in the title or heading, and over those that can
    /// be in the title tier (see `wordBounds`).
    func phraseBounds(_ t: QueryTerm, scorer: PrunedScorer, windows: Int, n: Int) throws -> [Double] {
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        let r = manifest.ranking
        let meta = try docMeta()
        let decode = FieldNorm.decodeTable
        var most = [Double](repeating: 0, count: 3 * windows)
        for (k, d) in t.docs.enumerated() {
            var w = 0.0
            for f in 0..<F {
                let tf = t.tf[k * F + f]
                if tf == 0 { continue }
                w = w + r.fieldWeights[f] * tf / scorer.den[f * 256 + Int(t.norms[k * F + f])]
            }
            let s = t.idf * (w * (r.k1 + 1) / (w + r.k1))
            let x = d >> scorer.shift
            if s > most[x] { most[x] = s }
            if (t.tf[k * F] > 0 || t.tf[k * F + 1] > 0) && s > most[windows + x] { most[windows + x] = s }
            if (t.tf[k * F + 1] > 0 && decode[Int(scorer.norms[N + d])] <= n + 1)
                || (t.tf[k * F] > 0 && decode[Int(scorer.norms[d])] <= n + 1 && meta.pageFirstDoc[Int(meta.pageOfDoc[d])] == d) {
                if s > most[2 * windows + x] { most[2 * windows + x] = s }
            }
        }
        return most
    }

    /// Per window, the largest score of a word term (as `scoreWord`); then the same over
    /// the documents with the term in the title or heading; then over those that can be
    /// in the title tier of an n-term query: the term in a heading of at most n + 1 words,
    /// or in the title (at most n + 1 words) of a lead section. It depends only on
    /// the term's variants (their postings, weights and merged df) and n: made on the
    /// term's first use by scoring all its postings once, and kept (up to `boundCacheLimit`).
    func wordBounds(_ t: QueryTerm, single: Bool, scorer: PrunedScorer, windows: Int, n: Int) throws -> [Double] {
        var key: [UInt64] = [UInt64(n)]
        key.reserveCapacity(t.variants.count * 3 + 1)
        for v in t.variants { key.append(UInt64(v.shard)); key.append(UInt64(v.term)); key.append(v.weight.bitPattern) }
        if let b = boundCache[key], b.count == 3 * windows { return b }
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        let r = manifest.ranking
        let shift = pruningWindowShift
        let idf = t.idf
        var most = [Double](repeating: 0, count: 3 * windows)
        let firstDoc = try docMeta().pageFirstDoc, pageOf = try docMeta().pageOfDoc
        let decode = FieldNorm.decodeTable
        scorer.den.withUnsafeBufferPointer { den in
            scorer.norms.withUnsafeBufferPointer { norms in
                let bm25f = FieldScorer(r, docCount: N, den: den, norms: norms)
                @inline(__always) func weigh(_ d: Int, _ tf0: Double, _ tf1: Double, _ tf2: Double, _ tf3: Double, _ tf4: Double) {
                    let s = bm25f.score(d, tf0, tf1, tf2, tf3, tf4, idf: idf)
                    let x = d >> shift
                    if s > most[x] { most[x] = s }
                    if (tf0 > 0 || tf1 > 0) && s > most[windows + x] { most[windows + x] = s }
                    // every title-tier document of an n-term query is one of these for
                    // each of its terms (`rankPruned`'s tiers)
                    if (tf1 > 0 && decode[Int(norms[N + d])] <= n + 1)
                        || (tf0 > 0 && decode[Int(norms[d])] <= n + 1 && firstDoc[Int(pageOf[d])] == d) {
                        if s > most[2 * windows + x] { most[2 * windows + x] = s }
                    }
                }
                if single {
                    let v = t.variants[0]
                    let wt = v.weight
                    @inline(__always) func tf(_ x: Int32) -> Double { x > 0 ? 0 + wt * Double(x) : 0 }
                    v.postings.docs.withUnsafeBufferPointer { docs in
                        v.postings.tfs.withUnsafeBufferPointer { tfs in
                            for k in 0..<docs.count {
                                let b = k * F
                                weigh(docs[k], tf(tfs[b]), tf(tfs[b + 1]), tf(tfs[b + 2]), tf(tfs[b + 3]), tf(tfs[b + 4]))
                            }
                        }
                    }
                    return
                }
                // merged as `scoreWord` merges
                let slot = scratch.slot
                let (docs, acc) = mergeVariants(t.variants)
                for (i, d32) in docs.enumerated() {
                    let d = Int(d32)
                    let b = i * F
                    weigh(d, acc[b], acc[b + 1], acc[b + 2], acc[b + 3], acc[b + 4])
                    slot[d] = 0
                }
                scratch.giveBackTermDocs(docs)
                scratch.giveBackTermTFs(acc)
            }
        }
        let bytes = 3 * windows * MemoryLayout<Double>.stride + key.count * 8
        if boundCacheBytes + bytes <= Self.boundCacheLimit {
            boundCache[key] = most
            boundCacheBytes += bytes
        }
        return most
    }
}

/// Step 2 of the pruned ranking for one candidate whose terms are all counted: dropped if
/// an exclusion matches it or a filter leaves out its page, else given its tier (as
/// `rankExhaustive`) and counted, with its page (totals) and its window's highest tier.
struct TierPass {
    let n: Int, N: Int, shift: Int, tiers: Bool
    let docs: UnsafeMutableBufferPointer<DocState>
    let excluded: UnsafeMutableBufferPointer<UInt8>
    let anyExcluded: Bool, filtered: Bool
    let allowed: UnsafeBufferPointer<Bool>
    let pageOf: UnsafeBufferPointer<Int32>
    let norms: UnsafeBufferPointer<UInt8>
    let firstDoc: UnsafeBufferPointer<Int>
    let decode: UnsafeBufferPointer<Int>
    let pageSeen: UnsafeMutableBufferPointer<UInt8>
    /// The pages seen, in order, `pages[0..<pageCount]` (marked in `pageSeen`, which the
    /// caller clears; room for every page, so appending never checks or grows).
    let pages: UnsafeMutableBufferPointer<Int32>
    var pageCount = 0
    let winTier: UnsafeMutableBufferPointer<Int8>
    var c0 = 0, c1 = 0, c3 = 0

    @inline(__always) mutating func visit(_ d: Int) {
        let ds = docs[d]
        let m = Int(ds.matched)
        let p = Int(pageOf[d])
        if (anyExcluded && excluded[d] != 0) || (filtered && !allowed[p]) {
            docs[d] = DocState()
            return
        }
        var t: UInt8 = 0
        if tiers && m == n {
            t = 1
            let inTitle = Int(ds.inTitle), inHeading = Int(ds.inHeading)
            // as `rankExhaustive`
            if inHeading == n && decode[Int(norms[N + d])] <= n + 1 {
                t = 3
            } else if inTitle == n && decode[Int(norms[d])] <= n + 1 && inHeading == 0 && firstDoc[p] == d {
                t = 3
            }
        }
        docs[d].setTierClearingMarks(t)
        if t == 0 { c0 += 1 } else if t == 1 { c1 += 1 } else { c3 += 1 }
        if pageSeen[p] == 0 { pageSeen[p] = 1; pages[pageCount] = Int32(truncatingIfNeeded: p); pageCount += 1 }
        let w = d >> shift
        if Int8(t) > winTier[w] { winTier[w] = Int8(t) }
    }

    /// The tier `visit` gives a candidate of a one-term query (matched, so all terms) with
    /// the title/heading flags in `s`.
    @inline(__always) func tierOfOne(_ d: Int, _ s: DocState, page p: Int) -> UInt8 {
        guard tiers else { return 0 }
        if s.inHeading == 1 && decode[Int(norms[N + d])] <= 2 { return 3 }
        if s.inTitle == 1 && decode[Int(norms[d])] <= 2 && s.inHeading == 0 && firstDoc[p] == d { return 3 }
        return 1
    }

    @inline(__always) mutating func countTier(_ t: UInt8, _ by: Int) {
        if t == 0 { c0 += by } else if t == 1 { c1 += by } else { c3 += by }
    }

    /// A one-term query's doc counted for the first time (no exclusions, no filters): its
    /// tier, counted with its page and window, as `visit`.
    @inline(__always) mutating func firstOfOne(_ d: Int, _ s: DocState) -> UInt8 {
        let p = Int(pageOf[d])
        let t = tierOfOne(d, s, page: p)
        countTier(t, 1)
        if pageSeen[p] == 0 { pageSeen[p] = 1; pages[pageCount] = Int32(truncatingIfNeeded: p); pageCount += 1 }
        let w = d >> shift
        if Int8(t) > winTier[w] { winTier[w] = Int8(t) }
        return t
    }

    /// The same doc after a later variant added its title or heading flag: its tier again,
    /// moved between the counts. A window's highest tier only grows (a doc that leaves the
    /// title tier may leave its window marked higher than it is: that window is then only
    /// looked at for candidates it does not have).
    @inline(__always) mutating func regradeOfOne(_ d: Int, _ s: DocState, from old: UInt8) -> UInt8 {
        let t = tierOfOne(d, s, page: Int(pageOf[d]))
        if t != old {
            countTier(old, -1)
            countTier(t, 1)
            let w = d >> shift
            if Int8(t) > winTier[w] { winTier[w] = Int8(t) }
        }
        return t
    }
}

/// Scores candidates of a pruned ranking window by window (and, for the page walk, any
/// range of docs), with exactly the expressions of `scoreWord` and `scorePhrase`.
final class PrunedScorer {
    let terms: [QueryTerm]
    /// Word terms with one variant and strictly increasing docs (scored posting by posting).
    let single: [Bool]
    let den: [Double]
    let norms: [UInt8]
    let boosts: [Int: Double]
    let coverageOf: [Double]
    let r: RankingParameters
    /// The scratch's states and scores.
    let docs: UnsafeMutableBufferPointer<DocState>
    let scores: UnsafeMutableBufferPointer<Double>
    let winTier: [Int8]
    let shift: Int
    let docCount: Int
    /// Docs given their final score by the last `scoreWindow` (`fresh[0..<freshCount]`).
    let fresh: UnsafeMutableBufferPointer<Int32>
    private(set) var freshCount = 0
    /// Candidates scored so far (each is scored once).
    private(set) var scoredCount = 0
    /// Per doc of a window: merged tfs of a term with several variants, whether set.
    private let acc: UnsafeMutableBufferPointer<Double>
    private let rowUsed: UnsafeMutableBufferPointer<Bool>
    private let used: UnsafeMutableBufferPointer<Int32>
    private var allScored = false
    /// Where each posting list was last entered (`seek`): per term (a phrase's or a
    /// one-variant term's list, else each variant's), from `cursorBase[term]`.
    private let cursorBase: [Int]
    private let lastFrom: UnsafeMutableBufferPointer<Int>
    private let lastAt: UnsafeMutableBufferPointer<Int>
    /// Per cursor, the list's window start table (`SearchIndex.windowStarts`), or empty.
    private let windowStarts: [[Int32]]

    /// The first index of `docs` whose doc is at least `x`: `lowerBound`, galloping on from
    /// where the list was last entered when that was for an `x` no larger (windows are
    /// mostly scored in ascending order), else from the start.
    @inline(__always) private func seek(_ slot: Int, _ docs: UnsafeBufferPointer<Int>, _ x: Int) -> Int {
        if slot < windowStarts.count, !windowStarts[slot].isEmpty {
            // every posting before its window's first is below the window, so below x
            let from = windowStarts[slot].withUnsafeBufferPointer { Int($0[x >> shift]) }
            return gallopLowerBound(docs, from: from, x)
        }
        let from = lastFrom[slot] <= x ? lastAt[slot] : 0
        let k = gallopLowerBound(docs, from: from, x)
        lastFrom[slot] = x
        lastAt[slot] = k
        return k
    }

    init(terms: [QueryTerm], single: [Bool], den: [Double], norms: [UInt8], boosts: [Int: Double], coverageOf: [Double],
         ranking: RankingParameters, board: ScoreBoard, winTier: [Int8], shift: Int, docCount: Int,
         windowStarts: [[Int32]] = []) {
        self.terms = terms
        self.single = single
        self.den = den
        self.norms = norms
        self.boosts = boosts
        self.coverageOf = coverageOf
        self.r = ranking
        docs = board.states
        scores = board.scores
        self.winTier = winTier
        self.shift = shift
        self.docCount = docCount
        let size = 1 << shift
        acc = .allocate(capacity: size * IndexFormat.fieldCount)
        acc.initialize(repeating: 0)
        rowUsed = .allocate(capacity: size)
        rowUsed.initialize(repeating: false)
        used = .allocate(capacity: size)
        fresh = .allocate(capacity: size)
        var base: [Int] = []
        var slots = 0
        for (ti, t) in terms.enumerated() {
            base.append(slots)
            slots += t.isPhrase || single[ti] ? 1 : t.variants.count
        }
        cursorBase = base
        precondition(windowStarts.isEmpty || windowStarts.count == slots, "one window start table (or none) per cursor")
        self.windowStarts = windowStarts
        lastFrom = .allocate(capacity: max(1, slots))
        lastFrom.initialize(repeating: Int.max)
        lastAt = .allocate(capacity: max(1, slots))
        lastAt.initialize(repeating: 0)
    }

    deinit {
        lastFrom.deallocate()
        lastAt.deallocate()
        acc.deallocate()
        rowUsed.deallocate()
        used.deallocate()
        fresh.deallocate()
    }

    /// Scores the unscored candidates of tier `minTier` or above in window `w`.
    func scoreWindow(_ w: Int, minTier: UInt8) {
        let lo = w << shift
        scoreChunk(lo, min(docCount, lo + (1 << shift)), minTier: minTier)
    }

    /// Scores every unscored candidate in `lo..<hi`.
    func score(_ lo: Int, _ hi: Int) {
        if allScored { return }
        var a = max(0, lo)
        while a < min(hi, docCount) {
            let end = min(min(hi, docCount), ((a >> shift) + 1) << shift)
            if winTier[a >> shift] >= 0 { scoreChunk(a, end, minTier: 0) }
            a = end
        }
    }

    /// Scores every candidate of tier `minTier` or above not scored yet (the page walk
    /// past the head; `sortRest`, all of them).
    func scoreAll(minTier: UInt8 = 0) {
        if allScored { return }
        for w in winTier.indices where winTier[w] >= Int8(minTier) { scoreWindow(w, minTier: minTier) }
        if minTier == 0 { allScored = true }
    }

    /// A candidate of tier `minTier` or above not scored yet (`scored` 0, or 2: listed in
    /// `fresh` by the chunk being scored).
    @inline(__always) private func wanted(_ d: Int, _ minTier: UInt8) -> Bool {
        let s = docs[d]
        return s.matched != 0 && s.scored & 1 == 0 && s.tier >= minTier
    }

    /// Lists a wanted doc in `fresh` the first time a term's postings reach it in this chunk.
    @inline(__always) private func list(_ d: Int) {
        if docs[d].scored == 0 {
            docs[d].scored = 2
            scores[d] = 0
            fresh[freshCount] = Int32(truncatingIfNeeded: d)
            freshCount += 1
        }
    }

    /// `lo..<hi` lies in one window.
    private func scoreChunk(_ lo: Int, _ hi: Int, minTier: UInt8) {
        freshCount = 0
        var any = false
        for d in lo..<hi where wanted(d, minTier) { any = true; break }
        if !any { return }
        let F = IndexFormat.fieldCount
        let N = docCount
        let state = docs, scores = self.scores
        let acc = self.acc, rowUsed = self.rowUsed, used = self.used
        var usedCount = 0
        den.withUnsafeBufferPointer { den in
            norms.withUnsafeBufferPointer { norms in
                let bm25f = FieldScorer(r, docCount: N, den: den, norms: norms)
                @inline(__always) func weigh(_ d: Int, _ tf0: Double, _ tf1: Double, _ tf2: Double, _ tf3: Double, _ tf4: Double,
                                             idf: Double) -> Double {
                    bm25f.score(d, tf0, tf1, tf2, tf3, tf4, idf: idf)
                }
                for ti in terms.indices {
                    let t = terms[ti]
                    if t.df == 0 { continue }
                    let slot = cursorBase[ti]
                    let idf = t.idf
                    if t.isPhrase {
                        // as `scorePhrase`
                        var k = t.docs.withUnsafeBufferPointer { seek(slot, $0, lo) }
                        while k < t.docs.count {
                            let d = t.docs[k]
                            if d >= hi { break }
                            if wanted(d, minTier) {
                                list(d)
                                let s = FieldScorer.phrase(t, at: k, r: r, den: den, idf: idf)
                                scores[d] = scores[d] + s
                            }
                            k += 1
                        }
                    } else if single[ti] {
                        let v = t.variants[0]
                        let wt = v.weight
                        @inline(__always) func tf(_ x: Int32) -> Double { x > 0 ? 0 + wt * Double(x) : 0 }
                        v.postings.docs.withUnsafeBufferPointer { pd in
                            v.postings.tfs.withUnsafeBufferPointer { tfs in
                                var k = seek(slot, pd, lo)
                                while k < pd.count {
                                    let d = pd[k]
                                    if d >= hi { break }
                                    if wanted(d, minTier) {
                                        list(d)
                                        let b = k * F
                                        let s = weigh(d, tf(tfs[b]), tf(tfs[b + 1]), tf(tfs[b + 2]), tf(tfs[b + 3]), tf(tfs[b + 4]), idf: idf)
                                        scores[d] = scores[d] + s
                                    }
                                    k += 1
                                }
                            }
                        }
                    } else {
                        // as `scoreWord`'s merge: per doc and field, in variant order, from 0
                        for (vi, v) in t.variants.enumerated() {
                            let wt = v.weight
                            v.postings.docs.withUnsafeBufferPointer { pd in
                                v.postings.tfs.withUnsafeBufferPointer { tfs in
                                    var k = seek(slot + vi, pd, lo)
                                    while k < pd.count {
                                        let d = pd[k]
                                        if d >= hi { break }
                                        if wanted(d, minTier) {
                                            list(d)
                                            let row = d - lo
                                            if !rowUsed[row] { rowUsed[row] = true; used[usedCount] = Int32(row); usedCount += 1 }
                                            let b = row * F
                                            for f in 0..<F {
                                                let x = tfs[k * F + f]
                                                if x > 0 { acc[b + f] = acc[b + f] + wt * Double(x) }
                                            }
                                        }
                                        k += 1
                                    }
                                }
                            }
                        }
                        for i in 0..<usedCount {
                            let row = Int(used[i])
                            let d = lo + row
                            let b = row * F
                            let s = weigh(d, acc[b], acc[b + 1], acc[b + 2], acc[b + 3], acc[b + 4], idf: idf)
                            scores[d] = scores[d] + s
                            for f in 0..<F { acc[b + f] = 0 }
                            rowUsed[row] = false
                        }
                        usedCount = 0
                    }
                }
            }
        }
        // final = sum * coverage * boost, as `rankExhaustive`, for the docs listed (every
        // wanted doc of the chunk is in some term's postings: it matched a term)
        let n = terms.count
        let noBoosts = boosts.isEmpty
        for i in 0..<freshCount {
            let d = Int(fresh[i])
            let m = Int(state[d].matched)
            let coverage = m <= n ? coverageOf[m] : 1 / (1 + r.coverage * Double(n - m))
            let boost = noBoosts ? 1 : boosts[d] ?? 1
            scores[d] = scores[d] * coverage * boost
            state[d].scored = 1
        }
        scoredCount += freshCount
    }
}

/// The first index of `a` (sorted ascending) whose value is at least `x`.
@inline(__always) func lowerBound(_ a: [Int], _ x: Int) -> Int {
    a.withUnsafeBufferPointer { lowerBound($0, x) }
}

@inline(__always) func lowerBound(_ a: UnsafeBufferPointer<Int>, _ x: Int) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// The first index in `from..<docs.count` whose doc is at least `x`, when every doc before
/// `from` is below `x` (the same index as `lowerBound`): steps of 1, 2, 4, … from `from`,
/// then a binary search in the last step.
@inline(__always) func gallopLowerBound(_ docs: UnsafeBufferPointer<Int>, from: Int, _ x: Int) -> Int {
    let n = docs.count
    var lo = from, hi = from, step = 1
    while hi < n && docs[hi] < x {
        lo = hi + 1
        hi = from + step
        step <<= 1
    }
    hi = min(hi, n)
    while lo < hi {
        let mid = (lo + hi) >> 1
        if docs[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// Windows by descending bound (then ascending window), popped one at a time: a binary
/// max-heap, so only the windows actually scored are ordered.
struct WindowQueue {
    private var items: [(bound: Double, window: Int32)]

    init(_ windows: [Int32], bounds: [Double]) {
        items = windows.map { (bounds[Int($0)], $0) }
        if items.count > 1 {
            for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        }
    }

    @inline(__always) private static func above(_ a: (bound: Double, window: Int32), _ b: (bound: Double, window: Int32)) -> Bool {
        a.bound != b.bound ? a.bound > b.bound : a.window < b.window
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = items.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && Self.above(items[l], items[m]) { m = l }
            if r < n && Self.above(items[r], items[m]) { m = r }
            if m == i { return }
            items.swapAt(i, m)
            i = m
        }
    }

    mutating func pop() -> (Int, Double)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return (Int(top.window), top.bound)
    }
}

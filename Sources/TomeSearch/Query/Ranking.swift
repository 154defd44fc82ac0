#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Ranking (steps 5–9 of "Query pipeline" in ARCHITECTURE.md), written for speed
// without changing a single bit of the answer: every score is the same expression,
// evaluated in the same order, as the reference formula (`termScore`, which
// `--explain` still uses). What changed is where the numbers live:
//
// - a word term's variants are merged and scored straight from their postings into
//   per-document scratch arrays (no per-term lists of docs, tfs and norms);
// - the BM25F length normalisation `1 - b + b * len / avg` is a table per field and
//   norm byte (256 values; the same expression, so the same doubles);
// - the candidates' tier and final score stay in the scratch arrays until the
//   results are built, so no array of every candidate is made; the head of the order
//   is picked with a bounded heap straight from them;
// - phrases and proximity read positions through `PositionTable`s (counting sort
//   into flat arrays; positions of other documents skipped eight bytes at a time).

extension SearchIndex {
    /// Steps 5–9: merged terms, BM25F, exclusions and filters, tiers, the sorted head
    /// of the order (at least `QueryLimits.proximityCandidates`), proximity.
    /// The returned list keeps using the index's scratch: call `finish()` when done.
    /// Scores only what can reach the head (`rankPruned`, Query/Pruning.swift) when the
    /// bounds that pruning relies on hold, else every candidate (`rankExhaustive`).
    func rank(_ st: inout QueryState, want: Int) throws -> RankedList {
        if pruningEnabled, let ranked = try rankPruned(&st, want: want) { return ranked }
        return try rankExhaustive(&st, want: want)
    }

    /// Marks every document an exclusion matches in `scratch.excluded` (and lists them, so
    /// the marks can be cleared), and the pages the filters allow (nil: all of them).
    func exclusionsAndFilters(_ st: QueryState) throws -> (excluded: [Int], allowedPage: [Bool]?) {
        var excludedDocs: [Int] = []
        let excludedMark = scratch.excluded
        for var e in st.excludedTerms {
            if e.isPhrase {
                try mergePhrase(&e)
                for d in e.docs where excludedMark[d] == 0 { excludedMark[d] = 1; excludedDocs.append(d) }
            } else {
                for v in e.variants {
                    for d in v.postings.docs where excludedMark[d] == 0 { excludedMark[d] = 1; excludedDocs.append(d) }
                }
            }
        }
        guard let allowed = st.allowedPages else { return (excludedDocs, nil) }
        var allowedPage = [Bool](repeating: false, count: manifest.pageCount)
        for p in allowed where p >= 0 && p < allowedPage.count { allowedPage[p] = true }
        return (excludedDocs, allowedPage)
    }

    /// `rank` scoring every candidate: the reference the pruned ranking must equal.
    func rankExhaustive(_ st: inout QueryState, want: Int) throws -> RankedList {
        let N = manifest.docCount
        let r = manifest.ranking
        let meta = try docMeta()
        guard N > 0, !st.terms.isEmpty else { return RankedList(scratch: nil) }
        scratch.begin(docCount: N, pageCount: manifest.pageCount)  // `end()` only on success: see RankScratch.inUse
        let denominators = scratch.denominators(r, fieldTotalLengths: manifest.fieldTotalLengths, docCount: N)
        var touched = TouchedDocs(scratch.touchedStore)
        try meta.norms.withUnsafeBufferPointer { norms in
            try denominators.withUnsafeBufferPointer { den in
                for ti in st.terms.indices {
                    if st.terms[ti].isPhrase {
                        try mergePhrase(&st.terms[ti])
                        scorePhrase(&st.terms[ti], den: den, r: r, touched: &touched)
                    } else {
                        scoreWord(&st.terms[ti], norms: norms, den: den, r: r, touched: &touched)
                    }
                }
            }
        }
        // exclusions (marks in `excluded`, listed to be cleared) and filters
        let excludedMark = scratch.excluded
        let (excludedDocs, allowedPage) = try exclusionsAndFilters(st)
        // candidates: tier and final score into the scratch; head picked with a heap
        let n = st.terms.count
        let noBoosts = meta.boosts.isEmpty
        let coverageOf = (0...n).map { m in 1 / (1 + r.coverage * Double(n - m)) }
        let head = max(want, QueryLimits.proximityCandidates)
        var heap = CandidateHeap(capacity: head)
        var total = 0, totalPages = 0
        let docs = scratch.states, scores = scratch.scores, pageSeen = scratch.pageSeen
        var pages = scratch.takePages()  // pages marked in `pageSeen`, to clear after
        for d32 in touched.list {
            let d = Int(d32)
            let ds = docs[d]  // (its title/heading counters are cleared with the rest by `finish`)
            let m = Int(ds.matched)
            let sc = scores[d]
            let inTitle = Int(ds.inTitle), inHeading = Int(ds.inHeading)
            let p = Int(meta.pageOfDoc[d])
            if excludedMark[d] != 0 || (allowedPage.map { !$0[p] } ?? false) {
                docs[d] = DocState()
                continue
            }
            let coverage = m <= n ? coverageOf[m] : 1 / (1 + r.coverage * Double(n - m))
            let boost = noBoosts ? 1 : meta.boosts[d] ?? 1
            var t: UInt8 = 0
            if r.tiers && m == n {
                t = 1
                // title tier: every term in the heading and the heading (almost) only
                // the query; or, with no term in the heading, the same for the page
                // title of a lead section
                let hl = FieldNorm.decodeTable[Int(meta.norms[N + d])]
                let tl = FieldNorm.decodeTable[Int(meta.norms[d])]
                if inHeading == n && hl <= n + 1 {
                    t = 3
                } else if inTitle == n && tl <= n + 1 && inHeading == 0 && meta.pageFirstDoc[p] == d {
                    t = 3
                }
            }
            let c = Candidate(doc: d, tier: t, matched: UInt8(truncatingIfNeeded: m), final: sc * coverage * boost)
            scores[d] = c.final
            docs[d].tier = t
            docs[d].scored = 1
            total += 1
            if pageSeen[p] == 0 { pageSeen[p] = 1; pages.append(Int32(truncatingIfNeeded: p)) }
            if heap.wants(c) { heap.offer(c) }
        }
        for d in excludedDocs { excludedMark[d] = 0 }
        totalPages = pages.count
        for p in pages { pageSeen[Int(p)] = 0 }
        scratch.giveBackPages(pages)
        return try ranked(&st, head: heap, touched: touched, total: total, totalPages: totalPages, scorer: nil)
    }

    /// Steps 8-9 for both rankings: the head sorted into the ranked list, its candidates
    /// kept in the query state, and the proximity bonus applied.
    func ranked(_ st: inout QueryState, head heap: CandidateHeap, touched: TouchedDocs, total: Int, totalPages: Int,
                scorer: PrunedScorer?) throws -> RankedList {
        var ranked = RankedList(scratch: scratch)
        ranked.touched = touched.list
        ranked.total = total
        ranked.totalPages = totalPages
        ranked.scorer = scorer
        let sortedHead = heap.sorted()
        ranked.order = sortedHead.map(\.doc)
        ranked.restLeft = total > sortedHead.count
        try applyProximity(&st, &ranked)
        return ranked
    }

    /// Step 9: the proximity bonus on the top candidates of the sorted head, which is
    /// re-sorted and stays ahead of the rest.
    func applyProximity(_ st: inout QueryState, _ ranked: inout RankedList) throws {
        let F = IndexFormat.fieldCount
        let r = manifest.ranking
        let scores = scratch.scores
        let words = st.terms.indices.filter { !st.terms[$0].isPhrase }
        if r.tiers && r.proximity > 0 && words.count >= 2 && !ranked.order.isEmpty {
            let top = Array(ranked.order.prefix(QueryLimits.proximityCandidates))
            let byDoc = top.sorted()
            let slots = scratch.slot
            for (i, d) in byDoc.enumerated() { slots[d] = Int32(i + 1) }
            defer { for d in byDoc { slots[d] = 0 } }
            var tables: [PositionTable] = []
            for w in words {
                tables.append(try PositionTable(self, variants: st.terms[w].variants, slots: slots, slotDocs: byDoc))
            }
            var head: [Candidate] = []
            head.reserveCapacity(top.count)
            for d in top {
                let s = Int(slots[d]) - 1
                var pairs = 0
                for k in 0..<(words.count - 1) {
                    let gap = st.terms[words[k + 1]].position - st.terms[words[k]].position
                    var found = false
                    for f in 0..<F where !found {
                        found = tables[k].anyPair(tables[k + 1], slot: s, field: f, gap: gap)
                    }
                    if found { pairs += 1 }
                }
                let factor = 1 + r.proximity * Double(pairs) / Double(words.count - 1)
                st.proximity[d] = factor
                var c = ranked.candidate(d)!
                c.final = c.final * factor
                scores[d] = c.final
                head.append(c)
            }
            Candidate.sort(&head)
            ranked.order.replaceSubrange(0..<top.count, with: head.map(\.doc))
        }
    }

    /// A word term: its variants' postings merged (`tf_f = Σ weight × tf_f(variant)` in
    /// variant order, from 0) and scored into the scratch, in one pass per variant.
    func scoreWord(_ t: inout QueryTerm, norms: UnsafeBufferPointer<UInt8>, den: UnsafeBufferPointer<Double>,
                   r: RankingParameters, touched: inout TouchedDocs) {
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        let variants = t.variants
        let bm25f = FieldScorer(r, docCount: N, den: den, norms: norms)
        let board = scratch.board
        @inline(__always) func add(_ d: Int, _ tf0: Double, _ tf1: Double, _ tf2: Double, _ tf3: Double, _ tf4: Double, idf: Double) {
            let s = bm25f.score(d, tf0, tf1, tf2, tf3, tf4, idf: idf)
            board.add(s, title: tf0 > 0, heading: tf1 > 0, doc: d, touched: &touched)
        }
        if variants.count == 1, isStrictlyIncreasing(variants[0].postings.docs) {
            // one variant: every posting is a distinct doc, tf_f = 0 + weight × tf
            let v = variants[0]
            let df = v.postings.docs.count
            t.df = df
            guard df > 0 else { return }
            let idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5))
            t.idf = idf
            let w = v.weight
            v.postings.docs.withUnsafeBufferPointer { docs in
                v.postings.tfs.withUnsafeBufferPointer { tfs in
                    for k in 0..<df {
                        let b = k * F
                        @inline(__always) func tf(_ x: Int32) -> Double { x > 0 ? 0 + w * Double(x) : 0 }
                        add(docs[k], tf(tfs[b]), tf(tfs[b + 1]), tf(tfs[b + 2]), tf(tfs[b + 3]), tf(tfs[b + 4]), idf: idf)
                    }
                }
            }
            return
        }
        // several variants: accumulate per doc and field in a compact buffer (a doc's
        // row found through `slot`), in variant order, then score each doc once
        let slot = scratch.slot
        let (docs, acc) = mergeVariants(variants)
        let df = docs.count
        t.df = df
        if df > 0 {
            let idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5))
            t.idf = idf
            acc.withUnsafeBufferPointer { acc in
                for (i, d32) in docs.enumerated() {
                    let d = Int(d32)
                    let b = i * F
                    add(d, acc[b], acc[b + 1], acc[b + 2], acc[b + 3], acc[b + 4], idf: idf)
                    slot[d] = 0
                }
            }
        }
        scratch.giveBackTermDocs(docs)
        scratch.giveBackTermTFs(acc)
    }

    /// Several variants' weighted tfs added up per document and field, in variant order:
    /// document `docs[i]` (in first-seen order) has its fields at `acc[i * F ..< (i + 1) * F]`
    /// and `scratch.slot[docs[i]] == i + 1`, which the caller clears. Both arrays are the
    /// scratch's; the caller gives them back.
    func mergeVariants(_ variants: [Variant]) -> (docs: [Int32], acc: [Double]) {
        let F = IndexFormat.fieldCount
        let slot = scratch.slot
        var docs = scratch.takeTermDocs()
        var acc = scratch.takeTermTFs()
        for v in variants {
            let w = v.weight
            v.postings.docs.withUnsafeBufferPointer { pd in
                v.postings.tfs.withUnsafeBufferPointer { tfs in
                    for k in 0..<pd.count {
                        let d = pd[k]
                        var s = Int(slot[d])
                        if s == 0 {
                            docs.append(Int32(truncatingIfNeeded: d))
                            s = docs.count
                            slot[d] = Int32(truncatingIfNeeded: s)
                            for _ in 0..<F { acc.append(0) }
                        }
                        let b = (s - 1) * F
                        for f in 0..<F {
                            let x = tfs[k * F + f]
                            if x > 0 { acc[b + f] = acc[b + f] + w * Double(x) }
                        }
                    }
                }
            }
        }
        return (docs, acc)
    }

    /// A phrase term (its docs, tfs and norms already merged): scored into the scratch.
    func scorePhrase(_ t: inout QueryTerm, den: UnsafeBufferPointer<Double>, r: RankingParameters, touched: inout TouchedDocs) {
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        let df = t.docs.count
        t.df = df
        if df == 0 { return }
        let idf = log(1 + (Double(N) - Double(df) + 0.5) / (Double(df) + 0.5))
        t.idf = idf
        let board = scratch.board
        for (k, d) in t.docs.enumerated() {
            let s = FieldScorer.phrase(t, at: k, r: r, den: den, idf: idf)
            board.add(s, title: t.tf[k * F] > 0, heading: t.tf[k * F + 1] > 0, doc: d, touched: &touched)
        }
    }

    /// Phrase occurrences: docs holding every word, then per doc and field the number
    /// of starts where each word k sits at start + its offset (all variants).
    func mergePhrase(_ t: inout QueryTerm) throws {
        let F = IndexFormat.fieldCount
        let N = manifest.docCount
        scratch.prepare(docCount: N, pageCount: manifest.pageCount)
        let parts = t.phraseParts
        let P = parts.count
        // candidate docs: in every part (a byte counter per doc: parts seen so far). Past
        // 255 parts the counter stops: the docs holding the first 255 are candidates, and
        // the position match below asks for every part (as the browser engine does).
        var candList: [Int] = []
        let seen = scratch.seen
        let counted = min(P, 255)
        for (pi, p) in parts.prefix(counted).enumerated() {
            for v in p.variants {
                for d in v.postings.docs where Int(seen[d]) == pi {
                    seen[d] = UInt8(pi + 1)
                    if pi + 1 == counted { candList.append(d) }
                }
            }
        }
        for v in parts[0].variants { for d in v.postings.docs { seen[d] = 0 } }
        guard !candList.isEmpty else { return }
        candList.sort()
        let slots = scratch.slot
        for (i, d) in candList.enumerated() { slots[d] = Int32(i + 1) }
        defer { for d in candList { slots[d] = 0 } }
        var tables: [PositionTable] = []
        for p in parts { tables.append(try PositionTable(self, variants: p.variants, slots: slots, slotDocs: candList)) }
        let norms = try docMeta().norms
        var cursors = [Int](repeating: 0, count: P)
        // the docs found, their tfs and norms: written in place (room for every candidate),
        // copied out at the end
        var found = 0
        let docs = UnsafeMutableBufferPointer<Int>.allocate(capacity: candList.count)
        let tf = UnsafeMutableBufferPointer<Double>.allocate(capacity: candList.count * F)
        let fieldNorms = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: candList.count * F)
        defer { docs.deallocate(); tf.deallocate(); fieldNorms.deallocate() }
        var counts = [Int](repeating: 0, count: F)
        for (s, d) in candList.enumerated() {
            var any = false
            for f in 0..<F { counts[f] = 0 }
            for f in 0..<F {
                let (a0, a1) = tables[0].range(slot: s, field: f)
                if a0 == a1 { continue }
                for pi in 1..<P { cursors[pi] = tables[pi].range(slot: s, field: f).0 }
                var count = 0
                for i in a0..<a1 {
                    let start = Int(tables[0].values[i])
                    var ok = true
                    for pi in 1..<P {
                        let target = start + parts[pi].offset
                        let end = tables[pi].range(slot: s, field: f).1
                        var j = cursors[pi]
                        while j < end && Int(tables[pi].values[j]) < target { j += 1 }
                        cursors[pi] = j
                        if j == end || Int(tables[pi].values[j]) != target { ok = false; break }
                    }
                    if ok { count += 1 }
                }
                counts[f] = count
                if count > 0 { any = true }
            }
            guard any else { continue }
            docs[found] = d
            for f in 0..<F {
                tf[found * F + f] = Double(counts[f])
                fieldNorms[found * F + f] = counts[f] > 0 ? norms[f * N + d] : 0
            }
            found += 1
        }
        t.docs.append(contentsOf: docs[0..<found])
        t.tf.append(contentsOf: tf[0..<(found * F)])
        t.norms.append(contentsOf: fieldNorms[0..<(found * F)])
    }
}

@inline(__always) func isStrictlyIncreasing(_ a: [Int]) -> Bool {
    a.withUnsafeBufferPointer { p in
        var i = 1
        while i < p.count { if p[i] <= p[i - 1] { return false }; i += 1 }
        return true
    }
}

/// Positions of a set of variants in a set of documents ("slots", numbered in doc
/// order): per slot and field, the sorted positions, in one flat array (counting sort:
/// count, then fill). Positions of other documents are skipped without decoding.
struct PositionTable {
    /// `start[slot * F + f] ..< start[slot * F + f + 1]` in `values`.
    var start: [Int32]
    var values: [Int32]

    @inline(__always) func range(slot: Int, field f: Int) -> (Int, Int) {
        let c = slot * IndexFormat.fieldCount + f
        return (Int(start[c]), Int(start[c + 1]))
    }

    /// Whether some position p of this table and p + gap of `other` exist for the slot
    /// and field.
    func anyPair(_ other: PositionTable, slot: Int, field f: Int, gap: Int) -> Bool {
        let (a0, a1) = range(slot: slot, field: f)
        let (b0, b1) = other.range(slot: slot, field: f)
        var j = b0
        for i in a0..<a1 {
            let target = Int(values[i]) + gap
            while j < b1 && Int(other.values[j]) < target { j += 1 }
            if j == b1 { return false }
            if Int(other.values[j]) == target { return true }
        }
        return false
    }

    /// `slots[d]` is the slot of doc d plus one (0: not wanted); `slotDocs` the wanted
    /// docs in ascending order (slot i is `slotDocs[i]`).
    ///
    /// Each variant's postings in the wanted docs are listed first (`wantedPostings`); the
    /// counting and the filling then visit only those, and the positions of the postings
    /// between two of them are skipped without decoding. A long posting list read for a few
    /// documents (proximity's 64) finds their postings by binary search and jumps to
    /// their positions through the variant's skip table (`SearchIndex.positionSkips`: the
    /// byte offset of every 8th posting's positions). The same positions, in the same order.
    init(_ index: SearchIndex, variants: [Variant], slots: UnsafeMutableBufferPointer<Int32>, slotDocs: [Int]) throws {
        let F = IndexFormat.fieldCount
        let cells = slotDocs.count * F
        let step = SearchIndex.positionSkipStep
        var wanted: [[Int]] = []
        var skipping: [Bool] = []
        for v in variants {
            let long = v.postings.docs.count >= SearchIndex.positionSkipMinDF && slotDocs.count * 8 < v.postings.docs.count
            wanted.append(Self.wantedPostings(v.postings.docs, slots: slots, slotDocs: slotDocs, search: long))
            skipping.append(long)
        }
        // count, then the start of each cell
        var start = [Int32](repeating: 0, count: cells + 1)
        start.withUnsafeMutableBufferPointer { count in
            for (vi, v) in variants.enumerated() {
                v.postings.docs.withUnsafeBufferPointer { docs in
                    v.postings.tfs.withUnsafeBufferPointer { tfs in
                        for k in wanted[vi] {
                            let c = (Int(slots[docs[k]]) - 1) * F
                            for f in 0..<F where tfs[k * F + f] > 0 { count[c + f] += tfs[k * F + f] }
                        }
                    }
                }
            }
            var sum: Int32 = 0
            for c in 0..<cells { let x = count[c]; count[c] = sum; sum += x }
            count[cells] = sum
        }
        var values = [Int32](repeating: 0, count: Int(start[cells]))
        var fill = start
        let cellStart = start
        let several = variants.count > 1
        var outOfOrder: [Int] = []
        for (vi, v) in variants.enumerated() {
            let sh = try index.shard(v.shard)
            let bytes = try index.positions(v.shard)
            let file = index.manifest.shards[v.shard].positions.name
            let skips = skipping[vi] ? try index.positionSkips(v) : []
            try bytes.withUnsafeBufferPointer { buf in
                try v.postings.docs.withUnsafeBufferPointer { docs in
                    try v.postings.tfs.withUnsafeBufferPointer { tfs in
                        try values.withUnsafeMutableBufferPointer { values in
                            try fill.withUnsafeMutableBufferPointer { fill in
                                var r = FastReader(buf: buf, offset: sh.positionsStart[v.term],
                                                   end: min(sh.positionsEnd[v.term], buf.count), file: file)
                                var at = 0  // the posting whose positions `r` is at
                                for k in wanted[vi] {
                                    if !skips.isEmpty && (k - at >= step || k < at) {
                                        at = k / step * step
                                        r.offset = skips[k / step]
                                    }
                                    var pending = 0
                                    while at < k {
                                        for f in 0..<F { pending += max(0, Int(tfs[at * F + f])) }
                                        at += 1
                                    }
                                    if pending > 0 { try r.skipVarints(pending) }
                                    let c = (Int(slots[docs[k]]) - 1) * F
                                    for f in 0..<F {
                                        let tf = Int(tfs[k * F + f])
                                        if tf <= 0 { continue }
                                        var p = 0
                                        for _ in 0..<tf {
                                            p += try r.varint()
                                            let x = Int32(truncatingIfNeeded: p)
                                            let i = Int(fill[c + f])
                                            if several && i > Int(cellStart[c + f]) && values[i - 1] > x { outOfOrder.append(c + f) }
                                            values[i] = x
                                            fill[c + f] += 1
                                        }
                                    }
                                    at = k + 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // several variants may share a cell: sort the cells they left out of order (a
        // value written below the one before it in its cell, noted as it was written)
        var last = -1
        for c in outOfOrder.sorted() where c != last {
            last = c
            values[Int(start[c])..<Int(start[c + 1])].sort()
        }
        self.start = start
        self.values = values
    }

    /// The indexes of the postings whose doc is wanted (`slots[doc] != 0`), ascending: by
    /// walking the list, or (`search`, a long list and few docs) by a binary search for
    /// each wanted doc from the last one found.
    static func wantedPostings(_ docs: [Int], slots: UnsafeMutableBufferPointer<Int32>, slotDocs: [Int], search: Bool) -> [Int] {
        var ks: [Int] = []
        docs.withUnsafeBufferPointer { pd in
            guard search else {
                for k in 0..<pd.count where slots[pd[k]] != 0 { ks.append(k) }
                return
            }
            ks.reserveCapacity(slotDocs.count)
            var k = 0
            for d in slotDocs {
                // the first posting at or after d, from k on
                var lo = k, hi = pd.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if pd[mid] < d { lo = mid + 1 } else { hi = mid }
                }
                k = lo
                while k < pd.count && pd[k] == d { ks.append(k); k += 1 }
            }
        }
        return ks
    }
}

/// A bounds-checked varint reader over a buffer that never traps on bad bytes.
struct FastReader {
    let buf: UnsafeBufferPointer<UInt8>
    var offset: Int
    let end: Int
    let file: String

    func fail(_ what: String) -> IndexFormatError { .corrupt(file: file, detail: "\(what) at byte \(offset)") }

    @inline(__always) mutating func varint() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw fail("unexpected end of data") }
            let b = buf[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            if shift > 49 { throw fail("varint too long") }
        }
        return Int(result)
    }

    /// Skips `n` varints: counts bytes without the high bit, eight at a time.
    mutating func skipVarints(_ n0: Int) throws {
        var n = n0
        while n >= 8 && offset + 8 <= end {
            let raw = UnsafeRawPointer(buf.baseAddress! + offset).loadUnaligned(as: UInt64.self)
            let ends = (~raw & 0x8080_8080_8080_8080).nonzeroBitCount
            if ends > n { break }
            n -= ends
            offset += 8
        }
        while n > 0 {
            guard offset < end else { throw fail("unexpected end of data") }
            if buf[offset] & 0x80 == 0 { n -= 1 }
            offset += 1
        }
    }
}

/// A bounded heap keeping the best `capacity` candidates (in `Candidate.before` order).
struct CandidateHeap {
    let capacity: Int
    var heap: [Candidate] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 4096))
    }

    @inline(__always) static func worse(_ a: Candidate, _ b: Candidate) -> Bool { Candidate.before(b, a) }

    /// Whether `offer` would keep `c` (the heap is not full, or `c` beats its root).
    @inline(__always) func wants(_ c: Candidate) -> Bool {
        heap.count < capacity || (capacity > 0 && Candidate.before(c, heap[0]))
    }

    /// The root is the worst of the best so far. Sifts with a hole (one write per level)
    /// through the array's buffer.
    mutating func offer(_ c: Candidate) {
        if heap.count < capacity {
            heap.append(c)
            heap.withUnsafeMutableBufferPointer { h in
                var i = h.count - 1
                while i > 0 {
                    let p = (i - 1) / 2
                    if !Self.worse(c, h[p]) { break }
                    h[i] = h[p]
                    i = p
                }
                h[i] = c
            }
        } else if capacity > 0 && Candidate.before(c, heap[0]) {
            heap.withUnsafeMutableBufferPointer { h in
                var i = 0
                let n = h.count
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = -1
                    var worst = c
                    if l < n && Self.worse(h[l], worst) { m = l; worst = h[l] }
                    if r < n && Self.worse(h[r], worst) { m = r }
                    if m < 0 { break }
                    h[i] = h[m]
                    i = m
                }
                h[i] = c
            }
        }
    }

    func sorted() -> [Candidate] {
        var a = heap
        Candidate.sort(&a)
        return a
    }
}

/// The ranked candidates of a query: the sorted head of the order (more on demand),
/// with every candidate's tier and score kept in the index's scratch until `finish()`.
struct RankedList {
    let scratch: RankScratch?
    var order: [Int] = []
    var total = 0
    var totalPages = 0
    /// Every candidate (a prefix of the scratch's `touchedStore`, valid until `finish()`).
    var touched = UnsafeBufferPointer<Int32>(start: nil, count: 0)
    var restLeft = false
    /// With pruned ranking: scores the candidates left unscored when they are asked for.
    var scorer: PrunedScorer? = nil

    init(scratch: RankScratch?) { self.scratch = scratch }

    @inline(__always) func candidate(_ d: Int) -> Candidate? {
        scratch?.board.candidate(d)
    }

    /// Appends the remaining candidates in order; false when there were none left.
    mutating func sortRest(_ state: inout SearchIndex.QueryState) -> Bool {
        guard restLeft, let s = scratch else { return false }
        restLeft = false
        scorer?.scoreAll()
        let inHead = s.seen
        for d in order { inHead[d] = 1 }
        var rest: [Candidate] = []
        for d32 in touched {
            let d = Int(d32)
            if inHead[d] == 0, let c = candidate(d) { rest.append(c) }
        }
        for d in order { inHead[d] = 0 }
        if rest.isEmpty { return false }
        Candidate.sort(&rest)
        order.append(contentsOf: rest.map(\.doc))
        return true
    }

    /// The next `count` pages after the sorted head, in the order of their best
    /// candidate, leaving out `seen` pages (every page of the head is among them): what
    /// walking the fully sorted order would add, without sorting it.
    func nextPages(notIn seen: Set<Int>, count: Int, pageOfDoc: [Int32]) -> [Int] {
        guard restLeft, count > 0, let s = scratch else { return [] }
        let mark = s.pageSeen, best = s.pageBest
        for p in seen where p >= 0 && p < mark.count { mark[p] = 1 }
        if let scorer {
            // A page's best candidate is among its highest-tier ones, and a page whose best
            // is of a higher tier comes first: if `count` pages have a candidate of tier t
            // or above, the next pages are decided by those candidates alone (a
            // lower-tier one, left unscored, never beats them).
            var pagesAbove1 = 0, pagesAt3 = 0
            var listed: [Int] = []
            for d32 in touched {
                let ds = s.states[Int(d32)]
                if ds.matched == 0 { continue }
                let p = Int(pageOfDoc[Int(d32)])
                if mark[p] != 0 { continue }
                let t = Int32(ds.tier) + 1
                if best[p] == 0 { listed.append(p) }
                if t > best[p] {
                    if t >= 2 && best[p] < 2 { pagesAbove1 += 1 }
                    if t == 4 { pagesAt3 += 1 }
                    best[p] = t
                }
            }
            for p in listed { best[p] = 0 }
            scorer.scoreAll(minTier: pagesAt3 >= count ? 3 : (pagesAbove1 >= count ? 1 : 0))
        }
        var pages: [Int] = []
        for d32 in touched {
            let d = Int(d32)
            guard let c = candidate(d) else { continue }
            let p = Int(pageOfDoc[d])
            if mark[p] != 0 { continue }
            let b = Int(best[p])
            if b == 0 {
                best[p] = Int32(truncatingIfNeeded: d + 1)
                pages.append(p)
            } else if let old = candidate(b - 1), Candidate.before(c, old) {
                best[p] = Int32(truncatingIfNeeded: d + 1)
            }
        }
        var heap = CandidateHeap(capacity: count)
        for p in pages {
            if let c = candidate(Int(best[p]) - 1) { heap.offer(c) }
            best[p] = 0
        }
        for p in seen where p >= 0 && p < mark.count { mark[p] = 0 }
        return heap.sorted().map { Int(pageOfDoc[$0.doc]) }
    }

    /// The best `count` candidates among the docs in `range` (one page), in order.
    func best(in range: Range<Int>, count: Int, state: inout SearchIndex.QueryState) -> [Int] {
        scorer?.score(range.lowerBound, range.upperBound)
        var found: [Candidate] = []
        for d in range { if let c = candidate(d) { found.append(c) } }
        Candidate.sort(&found)
        let picked = found.prefix(count)
        return picked.map(\.doc)
    }

    /// Clears what the query left in the scratch.
    mutating func finish() {
        guard let s = scratch else { return }
        let states = s.states
        for d32 in touched { states[Int(d32)] = DocState() }
        touched = UnsafeBufferPointer(start: nil, count: 0)
        s.end()
    }
}

/// Reusable per-index buffers for ranking (one query at a time, like the caches),
/// zero between queries (but `scores`): users reset exactly the entries they touched.
/// `calloc`, so a one-shot process pays only for the pages a query touches.
final class RankScratch {
    /// Per doc: terms matched, title/heading counters, tier, whether scored (4 bytes: the
    /// passes over every candidate touch 16 docs per cache line).
    private(set) var states = UnsafeMutableBufferPointer<DocState>(start: nil, count: 0)
    /// Per doc: its score so far, then its final score; meaningful only where its state
    /// says so (see `ScoreBoard`), so never cleared.
    private(set) var scores = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
    var board: ScoreBoard { ScoreBoard(states: states, scores: scores) }
    /// The docs with a nonzero `states[d].matched`, in the order they were first counted.
    private(set) var touchedStore = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    private(set) var seen = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var excluded = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var slot = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    private(set) var pageSeen = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var pageBest = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    /// Room for every page: the pages the pruned ranking's tier pass lists.
    private(set) var pageList = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    private var termDocsBuffer: [Int32] = []
    private var termTFsBuffer: [Double] = []
    private var pagesBuffer: [Int32] = []
    private var denominatorTable: [Double] = []
    private var denominatorKey: [Double] = []

    private static func zeroed<T>(_ n: Int, _: T.Type) -> UnsafeMutableBufferPointer<T> {
        guard let p = calloc(max(1, n), MemoryLayout<T>.stride) else { fatalError("out of memory") }
        return UnsafeMutableBufferPointer(start: p.bindMemory(to: T.self, capacity: max(1, n)), count: n)
    }

    /// True from the start of a ranking until it returned: a query that threw may have
    /// left entries set, so the next one starts by clearing everything.
    private var inUse = false

    func begin(docCount n: Int, pageCount: Int) {
        prepare(docCount: n, pageCount: pageCount)
        if inUse {
            states.update(repeating: DocState())
            slot.update(repeating: 0)
            pageBest.update(repeating: 0)
            for b in [seen, excluded, pageSeen] { b.update(repeating: 0) }
        }
        inUse = true
    }

    func end() { inUse = false }

    func prepare(docCount n: Int, pageCount: Int) {
        if states.count == n && pageSeen.count == pageCount { return }
        release()
        states = Self.zeroed(n, DocState.self)
        scores = Self.zeroed(n, Double.self)
        touchedStore = Self.zeroed(n, Int32.self)
        seen = Self.zeroed(n, UInt8.self)
        excluded = Self.zeroed(n, UInt8.self)
        slot = Self.zeroed(n, Int32.self)
        pageSeen = Self.zeroed(pageCount, UInt8.self)
        pageBest = Self.zeroed(pageCount, Int32.self)
        pageList = Self.zeroed(pageCount, Int32.self)
    }

    /// A reusable buffer, emptied but keeping its capacity; give it back when done.
    private static func take<T>(_ buffer: inout [T]) -> [T] {
        var t: [T] = []
        swap(&t, &buffer)
        t.removeAll(keepingCapacity: true)
        return t
    }
    func takeTermDocs() -> [Int32] { Self.take(&termDocsBuffer) }
    func giveBackTermDocs(_ t: [Int32]) { termDocsBuffer = t }
    func takePages() -> [Int32] { Self.take(&pagesBuffer) }
    func giveBackPages(_ p: [Int32]) { pagesBuffer = p }
    func takeTermTFs() -> [Double] { Self.take(&termTFsBuffer) }
    func giveBackTermTFs(_ t: [Double]) { termTFsBuffer = t }

    /// `1 - b + b * decode(q) / avg_f` for field f and norm byte q, at `f * 256 + q`:
    /// the BM25F length normalisation, the same expression as the reference formula.
    func denominators(_ r: RankingParameters, fieldTotalLengths: [Int], docCount N: Int) -> [Double] {
        let F = IndexFormat.fieldCount
        var avg = [Double](repeating: 1, count: F)
        for f in 0..<F where fieldTotalLengths[f] > 0 { avg[f] = Double(fieldTotalLengths[f]) / Double(N) }
        let key = avg + [r.b]
        if key == denominatorKey && denominatorTable.count == F * 256 { return denominatorTable }
        var table = [Double](repeating: 0, count: F * 256)
        for f in 0..<F {
            for q in 0..<256 {
                let len = Double(FieldNorm.decodeTable[q])
                table[f * 256 + q] = (1 - r.b + r.b * len / avg[f])
            }
        }
        denominatorTable = table
        denominatorKey = key
        return table
    }

    private func release() {
        for p in [UnsafeMutableRawPointer(states.baseAddress), UnsafeMutableRawPointer(scores.baseAddress),
                  UnsafeMutableRawPointer(touchedStore.baseAddress),
                  UnsafeMutableRawPointer(seen.baseAddress), UnsafeMutableRawPointer(excluded.baseAddress),
                  UnsafeMutableRawPointer(slot.baseAddress), UnsafeMutableRawPointer(pageSeen.baseAddress),
                  UnsafeMutableRawPointer(pageBest.baseAddress), UnsafeMutableRawPointer(pageList.baseAddress)] {
            free(p)
        }
    }

    deinit { release() }
}

/// One document's ranking state in `RankScratch`, 4 bytes (all zero = not a candidate).
/// Its score lives beside it in `RankScratch.scores`: the counting pass, the tier pass and
/// the reset touch only these 4 bytes per candidate (105k docs: 0.4 MB, which stays in a
/// core's L2), and a score is written only when the doc is scored.
struct DocState {
    var matched: UInt8 = 0
    /// Terms seen in the title / heading field.
    var inTitle: UInt8 = 0
    var inHeading: UInt8 = 0
    /// `tier` in bits 0-1, `scored` in bits 2-3.
    private var tierAndScored: UInt8 = 0

    /// 3 title match, 1 all terms, 0 partial.
    var tier: UInt8 {
        @inline(__always) get { tierAndScored & 3 }
        @inline(__always) set { tierAndScored = tierAndScored & ~3 | newValue & 3 }
    }

    /// While the pruned ranking counts (`countWord`, before any tier is set): bits 0-5 the
    /// term that counted the doc last (its index + 1), bit 6 whether that term was counted
    /// in the title, bit 7 in the heading. The tier pass sets the byte to the tier.
    var countMark: UInt8 {
        @inline(__always) get { tierAndScored }
        @inline(__always) set { tierAndScored = newValue }
    }
    static let markTerm: UInt8 = 0x3F, markTitle: UInt8 = 0x40, markHeading: UInt8 = 0x80
    /// Terms `countMark` can tell apart (`QueryLimits.maxTerms` is less).
    static let markedTerms = 63

    /// The tier, with `scored` 0 and any count marks cleared.
    @inline(__always) mutating func setTierClearingMarks(_ t: UInt8) { tierAndScored = t & 3 }

    /// 1 once `RankScratch.scores` holds the doc's final score; 2 while the pruned scorer
    /// adds its terms up; 0 before (its score there is left over from an earlier query).
    var scored: UInt8 {
        @inline(__always) get { tierAndScored >> 2 }
        @inline(__always) set { tierAndScored = tierAndScored & 3 | newValue << 2 }
    }

    /// Counts one term (listing the doc as touched on its first term).
    @inline(__always) mutating func count(title: Bool, heading: Bool, doc d: Int, touched: inout TouchedDocs) {
        if matched == 0 { touched.append(d) }
        matched = matched &+ 1
        if title { inTitle = inTitle &+ 1 }
        if heading { inHeading = inHeading &+ 1 }
    }
}

/// The scratch's per-doc states and scores, for the loops that write both.
struct ScoreBoard {
    let states: UnsafeMutableBufferPointer<DocState>
    let scores: UnsafeMutableBufferPointer<Double>

    /// Adds one term's score to doc `d` and counts the term: the sum starts from 0 at the
    /// doc's first term (`scores` is not cleared between queries).
    @inline(__always) func add(_ s: Double, title: Bool, heading: Bool, doc d: Int, touched: inout TouchedDocs) {
        scores[d] = (states[d].matched == 0 ? 0 : scores[d]) + s
        states[d].count(title: title, heading: heading, doc: d, touched: &touched)
    }

    /// Doc `d` as a candidate (its score 0 until it is scored), nil when it is not one.
    @inline(__always) func candidate(_ d: Int) -> Candidate? {
        let ds = states[d]
        guard ds.matched != 0 else { return nil }
        return Candidate(doc: d, tier: ds.tier, matched: ds.matched, final: ds.scored == 1 ? scores[d] : 0)
    }
}

/// The candidates of a ranking, in the order first scored, written into the scratch's
/// `touchedStore` (room for every doc, so appending never checks or grows).
struct TouchedDocs {
    let store: UnsafeMutableBufferPointer<Int32>
    var count = 0

    init(_ store: UnsafeMutableBufferPointer<Int32>) { self.store = store }

    @inline(__always) mutating func append(_ d: Int) {
        store[count] = Int32(truncatingIfNeeded: d)
        count += 1
    }

    var list: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(rebasing: store[0..<count]) }
}

/// BM25F of one document for one term from its field tfs: the one expression that
/// exhaustive scoring, the pruning bounds and the pruned scorer share (the same operations
/// in the same order, so the same doubles). `den` is `1 - b + b × decode(q) / avg_f` per
/// field and norm byte; `norms` the index's norms, field-major.
struct FieldScorer {
    let fw0, fw1, fw2, fw3, fw4, k1: Double
    let docCount: Int
    let den: UnsafeBufferPointer<Double>
    let norms: UnsafeBufferPointer<UInt8>

    init(_ r: RankingParameters, docCount: Int, den: UnsafeBufferPointer<Double>, norms: UnsafeBufferPointer<UInt8>) {
        (fw0, fw1, fw2, fw3, fw4) = (r.fieldWeights[0], r.fieldWeights[1], r.fieldWeights[2], r.fieldWeights[3], r.fieldWeights[4])
        k1 = r.k1
        self.docCount = docCount
        self.den = den
        self.norms = norms
    }

    @inline(__always) func score(_ d: Int, _ tf0: Double, _ tf1: Double, _ tf2: Double, _ tf3: Double, _ tf4: Double,
                                 idf: Double) -> Double {
        let N = docCount
        var w = 0.0
        if tf0 != 0 { w = w + fw0 * tf0 / den[Int(norms[d])] }
        if tf1 != 0 { w = w + fw1 * tf1 / den[256 + Int(norms[N + d])] }
        if tf2 != 0 { w = w + fw2 * tf2 / den[512 + Int(norms[2 * N + d])] }
        if tf3 != 0 { w = w + fw3 * tf3 / den[768 + Int(norms[3 * N + d])] }
        if tf4 != 0 { w = w + fw4 * tf4 / den[1024 + Int(norms[4 * N + d])] }
        return idf * (w * (k1 + 1) / (w + k1))
    }

    /// The same for a phrase in its `k`th document, whose field tfs and norms are the
    /// phrase's own (`QueryTerm.tf`, `.norms`).
    @inline(__always) static func phrase(_ t: QueryTerm, at k: Int, r: RankingParameters, den: UnsafeBufferPointer<Double>,
                                         idf: Double) -> Double {
        let F = IndexFormat.fieldCount
        var w = 0.0
        for f in 0..<F {
            let tf = t.tf[k * F + f]
            if tf == 0 { continue }
            w = w + r.fieldWeights[f] * tf / den[f * 256 + Int(t.norms[k * F + f])]
        }
        return idf * (w * (r.k1 + 1) / (w + r.k1))
    }
}

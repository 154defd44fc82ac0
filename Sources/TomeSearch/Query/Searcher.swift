#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits that keep every query fast.
public enum QueryLimits {
    public static let maxTerms = 32
    public static let maxStemVariants = 32
    public static let maxPrefixVariants = 50
    public static let maxTypoVariants = 10
    /// How many of the best candidates the proximity step re-ranks (step 9 of the ranking).
    /// 64, not 200: on Cranfield (`tome eval`, default mode, 225 queries) nDCG@10 and MRR@10
    /// are the same for 32, 64, 100 and 200 (0.3852, 0.5556), recall@100 0.7498 against
    /// 0.7504; on the C++ corpus's 200 benchmark queries it takes 6% less CPU per query.
    public static let proximityCandidates = 64
}

/// One index term a query term expands to.
struct Variant {
    var shard: Int
    var term: Int
    var bytes: [UInt8]
    var kind: MatchKind
    var weight: Double
    var postings: PostingList
}

/// A query term after matching: a word (with its variants) or a phrase.
struct QueryTerm {
    var display: String
    var folded: [UInt8]
    var stem: [UInt8]
    var position: Int
    var variants: [Variant] = []
    /// For phrases: per word, its variants and offset from the first word.
    var phraseParts: [(variants: [Variant], offset: Int)] = []
    var isPhrase: Bool { !phraseParts.isEmpty }
    /// Merged postings: sorted docs, 5 weighted tfs and 5 norms per doc.
    var docs: [Int] = []
    var tf: [Double] = []
    var norms: [UInt8] = []
    var idf: Double = 0
    /// Number of distinct docs the merged term occurs in (set by `rank`).
    var df: Int = 0
}

extension SearchIndex {
    /// Runs a query: parse, match, rank (BM25F), group by page, snippets.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        let parsed = QueryParser.parse(query)
        var state = try prepare(parsed)
        var ranked = try rank(&state, want: max(0, options.limit) * max(1, options.sectionsPerPage))
        let meta = try docMeta()
        // group by page: pages in the order of their best section; each listed page shows
        // its best `sectionsPerPage` sections (found in its own doc range, so the order
        // beyond the sorted head is never needed unless the head runs out of pages). A
        // few pages: a list, not a set
        var pageOrder: [Int] = []
        pageOrder.reserveCapacity(max(0, options.limit))
        var i = 0
        while pageOrder.count < options.limit {
            if i == ranked.order.count {
                // the head ran out of new pages: the rest's pages in order of their best section
                pageOrder.append(contentsOf: ranked.nextPages(notIn: Set(pageOrder), count: options.limit - pageOrder.count,
                                                              pageOfDoc: meta.pageOfDoc))
                break
            }
            let p = Int(meta.pageOfDoc[ranked.order[i]])
            if !pageOrder.contains(p) { pageOrder.append(p) }
            i += 1
        }
        let sections = pageOrder.prefix(max(0, options.limit)).map { p in
            let end = p + 1 < meta.pageFirstDoc.count ? meta.pageFirstDoc[p + 1] : manifest.docCount
            return ranked.best(in: meta.pageFirstDoc[p]..<end, count: options.sectionsPerPage, state: &state)
        }
        var pages: [PageHit] = []
        pages.reserveCapacity(sections.count)
        var snippets = SnippetMaker()
        swap(&snippets, &snippetMaker)
        defer { swap(&snippets, &snippetMaker) }
        snippets.begin(highlightTerms: state.highlightTerms, highlightStems: state.highlightStems)
        var chunk: DocChunk? = nil
        for docs in sections {
            var hits: [SearchHit] = []
            hits.reserveCapacity(docs.count)
            for d in docs {
                // a page's sections are in one block: looked up once
                if chunk.map({ !$0.holds(d) }) ?? true { chunk = try block(holding: d) }
                guard let chunk else {
                    throw IndexFormatError.corrupt(file: manifest.docChunks.last?.file.name ?? IndexFormat.manifestName,
                                                   detail: "document \(d) missing from the doc store")
                }
                let s = try chunk.shown(d - chunk.firstDoc)
                var snippet = Snippet(text: "", highlights: [])
                if options.snippets {
                    snippet = chunk.textsAreValidUTF8
                        ? chunk.bytes.withUnsafeBufferPointer {
                            snippets.snippet(of: UnsafeBufferPointer(rebasing: $0[s.text]), windowSize: options.snippetTokens)
                        }
                        : snippets.snippet(of: String(decoding: chunk.bytes[s.text], as: UTF8.self), windowSize: options.snippetTokens)
                }
                hits.append(SearchHit(docID: d, url: s.url, pageURL: s.page.url, pageTitle: s.page.title, heading: s.heading,
                                      headingPath: s.headingPath, book: s.page.book, type: s.page.type,
                                      score: ranked.candidate(d)?.final ?? 0, snippet: snippet,
                                      explanation: options.explain ? explain(d, state: state, ranked: ranked) : nil))
            }
            if let first = hits.first { pages.append(PageHit(pageURL: first.pageURL, pageTitle: first.pageTitle, sections: hits)) }
        }
        ranked.finish()
        return SearchResults(query: query, pages: pages, totalSections: ranked.total, totalPages: ranked.totalPages,
                             corrections: state.corrections)
    }

    /// Ranked documents without grouping or snippets (for evaluation).
    public func rankDocuments(_ query: String, limit: Int) throws -> [RankedDocument] {
        var state = try prepare(QueryParser.parse(query))
        var ranked = try rank(&state, want: limit)
        while ranked.order.count < limit && ranked.sortRest(&state) {}
        let docs = ranked.order.prefix(limit).map { RankedDocument(docID: $0, score: ranked.candidate($0)?.final ?? 0) }
        ranked.finish()
        return docs
    }

    struct QueryState {
        var terms: [QueryTerm] = []
        var excludedTerms: [QueryTerm] = []
        var allowedPages: Set<Int>? = nil
        var corrections: [SearchResults.Correction] = []
        var proximity: [Int: Double] = [:]
        var highlightTerms: Set<[UInt8]> = []
        var highlightStems: Set<[UInt8]> = []
    }

    // MARK: - matching

    /// A shard's terms by stored stem, in shard order (made on the shard's first stem
    /// lookup, kept with the index): the terms `lookupWord` takes as stem variants.
    func stemIndex(_ si: Int, _ sh: TermShard) -> [[UInt8]: [Int]] {
        if let m = stemIndexCache[si] { return m }
        var m: [[UInt8]: [Int]] = [:]
        for (ti, s) in sh.stems.enumerated() { m[s, default: []].append(ti) }
        stemIndexCache[si] = m
        return m
    }

    /// A shard's terms as the typo scan first reads them (`TypoTerm`), made on the shard's
    /// first typo lookup and kept with the index: the scan rules most terms out from these
    /// 16 bytes each, without reading the terms themselves.
    func typoTerms(_ si: Int, _ sh: TermShard) -> [TypoTerm] {
        if let t = typoTermCache[si] { return t }
        let t = sh.terms.map(TypoTerm.init)
        typoTermCache[si] = t
        return t
    }

    func lookupWord(_ w: [UInt8], stem: [UInt8], prefix: Bool, typo: Bool, into t: inout QueryTerm,
                    corrections: inout [SearchResults.Correction]) throws {
        let r = manifest.ranking
        guard let si = shardIndex(for: w) else { return }
        let sh = try shard(si)
        // the terms taken so far, as (shard, index) (a term lives in one shard only, at
        // one index: the same test as comparing bytes, without hashing them)
        var seen: [(Int, Int)] = []
        func taken(_ s: Int, _ ti: Int) -> Bool { seen.contains { $0 == (s, ti) } }
        if let ti = sh.index[w] {
            t.variants.append(Variant(shard: si, term: ti, bytes: w, kind: .exact, weight: r.exactWeight, postings: try cachedPostings(si, sh, ti)))
            seen.append((si, ti))
        }
        // stem variants from the stem's own shard (no shard cut splits a stem's terms)
        var stems = 0
        if let ssi = shardIndex(for: stem) {
            let ssh = ssi == si ? sh : try shard(ssi)
            for ti in stemIndex(ssi, ssh)[stem] ?? [] where !taken(ssi, ti) {
                if stems >= QueryLimits.maxStemVariants { break }
                t.variants.append(Variant(shard: ssi, term: ti, bytes: ssh.terms[ti], kind: .stem, weight: r.stemWeight,
                                          postings: try cachedPostings(ssi, ssh, ti)))
                seen.append((ssi, ti))
                stems += 1
            }
        }
        if prefix && r.tiers && w.count >= 2 {
            var shards: [TermShard] = []
            var cands: [(Int, Int)] = []  // index into `shards`, term
            var dfs: [Int] = []
            let shardIDs = shardIndexes(forPrefix: w)
            for s in shardIDs {
                let psh = s == si ? sh : try shard(s)
                shards.append(psh)
                let k = shards.count - 1
                for ti in psh.termRange(withPrefix: w) where psh.terms[ti].count > w.count && !taken(s, ti) {
                    cands.append((k, ti)); dfs.append(psh.df[ti])
                }
            }
            for k in Self.bestPrefixCandidates(cands, dfs: dfs, shards: shards, count: QueryLimits.maxPrefixVariants) {
                let (x, ti) = cands[k]
                let psh = shards[x]
                t.variants.append(Variant(shard: shardIDs[x], term: ti, bytes: psh.terms[ti], kind: .prefix, weight: r.prefixWeight,
                                          postings: try cachedPostings(shardIDs[x], psh, ti)))
            }
        }
        if typo && r.tiers && t.variants.isEmpty && !w.contains(where: { $0 >= 48 && $0 <= 57 }) {
            let letters = String(decoding: w, as: UTF8.self).unicodeScalars.count
            if letters >= 5 {
                let maxEdits = letters >= 9 ? 2 : 1
                var typos = TypoDistance(w, limit: maxEdits)
                var cands: [(Int, Int, Int)] = []  // distance, df, term index
                let first = w.first
                let summaries = typoTerms(si, sh)
                for ti in sh.terms.indices {
                    let s = summaries[ti]
                    guard s.first == first && abs(Int(s.bytes) - w.count) <= maxEdits * 2, !typos.rulesOut(s) else { continue }
                    if let d = typos.distance(to: sh.terms[ti]) { cands.append((d, sh.df[ti], ti)) }
                }
                cands.sort { a, b in
                    a.0 != b.0 ? a.0 < b.0 : (a.1 != b.1 ? a.1 > b.1 : sh.terms[a.2].lexicographicallyPrecedes(sh.terms[b.2]))
                }
                for c in cands.prefix(QueryLimits.maxTypoVariants) {
                    t.variants.append(Variant(shard: si, term: c.2, bytes: sh.terms[c.2], kind: .typo, weight: r.typoWeight,
                                              postings: try cachedPostings(si, sh, c.2)))
                }
                if let best = cands.first {
                    corrections.append(.init(typed: String(decoding: w, as: UTF8.self), suggestion: String(decoding: sh.terms[best.2], as: UTF8.self)))
                }
            }
        }
    }

    /// The first `count` prefix candidates (indexes into `cands`: shard, term) by df
    /// descending, then term bytes: what sorting them all and taking the first `count`
    /// gives (the order is total: a term lives in one shard only). Kept in a short sorted
    /// list as they come, so most of a short prefix's thousands of candidates are turned
    /// away by their df alone (the full sort took 30% of the CPU of a query ending in `get`).
    static func bestPrefixCandidates(_ cands: [(Int, Int)], dfs: [Int], shards: [TermShard], count: Int) -> [Int] {
        guard count > 0 else { return [] }
        func before(_ a: Int, _ b: Int) -> Bool {
            dfs[a] != dfs[b] ? dfs[a] > dfs[b]
                : shards[cands[a].0].terms[cands[a].1].lexicographicallyPrecedes(shards[cands[b].0].terms[cands[b].1])
        }
        var best: [Int] = []
        best.reserveCapacity(count + 1)
        for k in cands.indices {
            if best.count == count && !before(k, best[count - 1]) { continue }
            // its place: after every kept candidate before it
            var lo = 0, hi = best.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(best[mid], k) { lo = mid + 1 } else { hi = mid }
            }
            best.insert(k, at: lo)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    func prepare(_ parsed: ParsedQuery) throws -> QueryState {
        var st = QueryState()
        let analyzer = Analyzer()
        let synonymTable = try synonyms()
        let r = manifest.ranking
        // words, in query order, with positions across items
        var base = 0
        var lastWordItem = -1
        for (i, item) in parsed.items.enumerated() { if case .word = item { lastWordItem = i } }
        for (i, item) in parsed.items.enumerated() {
            if st.terms.count >= QueryLimits.maxTerms { break }
            switch item {
            case .phrase(let text):
                let toks = analyzer.tokens(text, keepStopWords: true)
                let words = toks.filter { $0.kind != .whole && !$0.isStopWord }
                guard let first = words.first else { continue }
                var qt = QueryTerm(display: "\"\(text)\"", folded: first.term, stem: first.stem, position: base + first.position)
                for w in words {
                    var part = QueryTerm(display: w.termString, folded: w.term, stem: w.stem, position: 0)
                    try lookupWord(w.term, stem: w.stem, prefix: false, typo: false, into: &part, corrections: &st.corrections)
                    part.variants.removeAll { $0.kind != .exact && $0.kind != .stem }
                    qt.phraseParts.append((part.variants, w.position - first.position))
                    st.highlightTerms.formUnion(part.variants.map(\.bytes))
                }
                if words.count == 1 { qt.variants = qt.phraseParts[0].variants; qt.phraseParts = [] }
                st.terms.append(qt)
                base += (toks.last?.position ?? 0) + 1
            case .word(let text):
                let isLast = i == lastWordItem && !parsed.endsWithSpace
                let toks = analyzer.tokens(text, keepStopWords: true)
                let kept = toks.filter { !$0.isStopWord }
                let words = kept.filter { $0.kind != .whole }
                let synMatches = synonymTable.matches(in: kept)
                var covered = Set<Int>()
                var singleSyn: [Int: [Int]] = [:]
                for m in synMatches {
                    if m.count > 1 {
                        let g = SynonymTable.groupTerm(m.group)
                        var qt = QueryTerm(display: text, folded: g, stem: g, position: base + kept[m.index].position)
                        try lookupWord(g, stem: g, prefix: false, typo: false, into: &qt, corrections: &st.corrections)
                        for k in m.index..<(m.index + m.count) { covered.insert(k) }
                        st.terms.append(qt)
                    } else {
                        singleSyn[m.index, default: []].append(m.group)
                    }
                }
                if let whole = kept.first(where: { $0.kind == .whole }), covered.isEmpty {
                    var qt = QueryTerm(display: whole.termString, folded: whole.term, stem: whole.stem, position: base + whole.position)
                    try lookupWord(whole.term, stem: whole.stem, prefix: isLast, typo: false, into: &qt, corrections: &st.corrections)
                    if !qt.variants.isEmpty {
                        st.terms.append(qt)
                        st.highlightTerms.insert(whole.term)
                        base += (toks.last?.position ?? 0) + 1
                        continue
                    }
                }
                for (k, w) in kept.enumerated() where w.kind != .whole && !covered.contains(k) {
                    let lastPart = isLast && w == words.last
                    var qt = QueryTerm(display: w.termString, folded: w.term, stem: w.stem, position: base + w.position)
                    try lookupWord(w.term, stem: w.stem, prefix: lastPart, typo: true, into: &qt, corrections: &st.corrections)
                    for g in singleSyn[k] ?? [] {
                        let gt = SynonymTable.groupTerm(g)
                        if let si = shardIndex(for: gt), let ti = try shard(si).index[gt] {
                            qt.variants.append(Variant(shard: si, term: ti, bytes: gt, kind: .synonym, weight: r.synonymWeight,
                                                       postings: try cachedPostings(si, try shard(si), ti)))
                        }
                    }
                    st.highlightStems.insert(w.stem)
                    st.terms.append(qt)
                    if st.terms.count >= QueryLimits.maxTerms { break }
                }
                base += (toks.last?.position ?? 0) + 1
            }
        }
        for t in st.terms { for v in t.variants where v.bytes.first != UInt8(ascii: "~") { st.highlightTerms.insert(v.bytes) } }
        // exclusions
        for item in parsed.excluded {
            let text: String
            switch item { case .word(let s), .phrase(let s): text = s }
            let words = analyzer.tokens(text).filter { $0.kind != .whole }
            var qt = QueryTerm(display: text, folded: [], stem: [], position: 0)
            var first = -1
            for w in words {
                var part = QueryTerm(display: w.termString, folded: w.term, stem: w.stem, position: 0)
                var ignored: [SearchResults.Correction] = []
                try lookupWord(w.term, stem: w.stem, prefix: false, typo: false, into: &part, corrections: &ignored)
                if first < 0 { first = w.position }
                qt.phraseParts.append((part.variants, w.position - first))
            }
            if qt.phraseParts.count == 1 { qt.variants = qt.phraseParts[0].variants; qt.phraseParts = [] }
            if !qt.phraseParts.isEmpty || !qt.variants.isEmpty { st.excludedTerms.append(qt) }
        }
        // filters: same facet OR, different facets AND
        if !parsed.filters.isEmpty {
            let f = try facets()
            var byFacet: [String: Set<Int>] = [:]
            for filter in parsed.filters {
                let pages = f[filter.facet]?[analyzer.fold(filter.value)] ?? []
                byFacet[filter.facet, default: []].formUnion(pages)
            }
            var allowed: Set<Int>? = nil
            for k in byFacet.keys.sorted() {
                let s = byFacet[k] ?? []
                allowed = allowed.map { $0.intersection(s) } ?? s
            }
            st.allowedPages = allowed ?? []
        }
        return st
    }

    // MARK: - ranking (Ranking.swift)

    func termScore(_ t: QueryTerm, _ k: Int, avg: [Double], r: RankingParameters) -> Double {
        let F = IndexFormat.fieldCount
        var w = 0.0
        for f in 0..<F {
            let tf = t.tf[k * F + f]
            if tf == 0 { continue }
            let len = Double(FieldNorm.decodeTable[Int(t.norms[k * F + f])])
            w = w + r.fieldWeights[f] * tf / (1 - r.b + r.b * len / avg[f])
        }
        return t.idf * (w * (r.k1 + 1) / (w + r.k1))
    }

    /// A section whose title (its heading; the page title for a lead section) is the
    /// query, give or take one extra word.
    func isTitleMatch(_ d: Int, _ st: QueryState) -> Bool {
        let F = IndexFormat.fieldCount
        var headingLen = -1, titleLen = -1
        var inHeading = true, inTitle = true
        for t in st.terms {
            guard let k = binaryIndex(t.docs, d) else { return false }
            if t.tf[k * F + 1] > 0 { headingLen = FieldNorm.decodeTable[Int(t.norms[k * F + 1])] } else { inHeading = false }
            if t.tf[k * F + 0] > 0 { titleLen = FieldNorm.decodeTable[Int(t.norms[k * F + 0])] } else { inTitle = false }
        }
        let n = st.terms.count
        if inHeading && headingLen >= 0 && headingLen <= n + 1 { return true }
        // lead section: no heading term at all
        if inTitle && titleLen >= 0 && titleLen <= n + 1 {
            for t in st.terms {
                if let k = binaryIndex(t.docs, d), t.tf[k * F + 1] > 0 { return false }
            }
            return isLeadSection(d)
        }
        return false
    }

    func isLeadSection(_ d: Int) -> Bool {
        guard let meta = try? docMeta() else { return false }
        let p = Int(meta.pageOfDoc[d])
        return meta.pageFirstDoc[p] == d
    }

    /// A word term merged for one doc only (`rank` scores word terms without keeping
    /// their merged lists): `docs`, `tf` and `norms` hold that doc's row, if it has one.
    func mergedRow(_ term: QueryTerm, doc d: Int) -> QueryTerm {
        let F = IndexFormat.fieldCount
        var t = term
        t.docs = []; t.tf = []; t.norms = []
        var acc = [Double](repeating: 0, count: F)
        var found = false
        for v in term.variants {
            guard let k = binaryIndex(v.postings.docs, d) else { continue }
            found = true
            for f in 0..<F {
                let x = v.postings.tfs[k * F + f]
                if x > 0 { acc[f] = acc[f] + v.weight * Double(x) }
            }
        }
        guard found, let norms = try? docMeta().norms else { return t }
        t.docs = [d]
        t.tf = acc
        t.norms = (0..<F).map { acc[$0] != 0 ? norms[$0 * manifest.docCount + d] : 0 }
        return t
    }

    /// (Before `ranked.finish()`: the doc's tier, score and match count are read from it.)
    func explain(_ d: Int, state st: QueryState, ranked: RankedList) -> Explanation {
        let F = IndexFormat.fieldCount
        let r = manifest.ranking
        var avg = [Double](repeating: 1, count: F)
        let N = manifest.docCount
        for f in 0..<F where manifest.fieldTotalLengths[f] > 0 { avg[f] = Double(manifest.fieldTotalLengths[f]) / Double(N) }
        var terms: [Explanation.TermContribution] = []
        for term in st.terms {
            let t = term.isPhrase ? term : mergedRow(term, doc: d)
            var variants: [Explanation.Variant] = []
            var score = 0.0, wtf = 0.0
            if let k = binaryIndex(t.docs, d) {
                score = termScore(t, k, avg: avg, r: r)
                for f in 0..<F where t.tf[k * F + f] > 0 {
                    let len = Double(FieldNorm.decodeTable[Int(t.norms[k * F + f])])
                    wtf = wtf + r.fieldWeights[f] * t.tf[k * F + f] / (1 - r.b + r.b * len / avg[f])
                }
                let all = t.isPhrase ? [] : t.variants
                for v in all {
                    guard let pk = binaryIndex(v.postings.docs, d) else { continue }
                    variants.append(.init(term: String(decoding: v.bytes, as: UTF8.self), kind: v.kind, weight: v.weight,
                                          tf: (0..<F).map { Int(v.postings.tfs[pk * F + $0]) }))
                }
                if t.isPhrase {
                    variants.append(.init(term: t.display, kind: .phrase, weight: 1, tf: (0..<F).map { Int(t.tf[k * F + $0]) }))
                }
            }
            terms.append(.init(query: t.display, df: t.df, idf: t.idf, weightedTF: wtf, score: score, variants: variants))
        }
        let c = ranked.candidate(d) ?? Candidate(doc: d, tier: 0, matched: 0, final: 0)
        let m = Int(c.matched)
        return Explanation(terms: terms, matched: m, termCount: st.terms.count,
                           coverageFactor: 1 / (1 + r.coverage * Double(st.terms.count - m)),
                           boost: (try? docMeta().boosts[d]) ?? 1, proximityFactor: st.proximity[d] ?? 1,
                           allTermsTier: c.tier & 1 != 0, titleTier: c.tier == 3, score: c.final)
    }
}

extension TermShard {
    /// Indexes of the terms that start with `prefix` (a shard's terms are sorted
    /// byte-wise, so they are one run): two binary searches instead of a scan.
    func termRange(withPrefix prefix: [UInt8]) -> Range<Int> {
        func firstIndex(where isAfter: ([UInt8]) -> Bool) -> Int {
            var lo = 0, hi = terms.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if isAfter(terms[mid]) { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        let start = firstIndex { !$0.lexicographicallyPrecedes(prefix) }
        let end = firstIndex { !$0.lexicographicallyPrecedes(prefix) && !$0.starts(with: prefix) }
        return start..<max(start, end)
    }
}

func binaryContains(_ a: [Int], _ x: Int) -> Bool { binaryIndex(a, x) != nil }

func binaryIndex(_ a: [Int], _ x: Int) -> Int? {
    var lo = 0, hi = a.count - 1
    while lo <= hi {
        let mid = (lo + hi) / 2
        if a[mid] == x { return mid }
        if a[mid] < x { lo = mid + 1 } else { hi = mid - 1 }
    }
    return nil
}

/// What the typo scan reads of a term before its bytes: its first byte and byte count
/// (the scan's own tests), its scalar count (as `TypoDistance` counts them) and, for an
/// ASCII term, its bytes as bits (`b & 63`), for `TypoDistance.rulesOut`.
struct TypoTerm {
    let first: UInt8?
    let bytes: Int32
    let scalars: Int32
    let ascii: Bool
    let letters: UInt64

    init(_ term: [UInt8]) {
        first = term.first
        bytes = Int32(truncatingIfNeeded: term.count)
        ascii = term.allSatisfy { $0 < 0x80 }
        scalars = Int32(truncatingIfNeeded: ascii ? term.count : String(decoding: term, as: UTF8.self).unicodeScalars.count)
        letters = ascii ? Self.letters(term) : 0
    }

    static func letters(_ bytes: [UInt8]) -> UInt64 {
        var m: UInt64 = 0
        for b in bytes { m |= 1 << UInt64(b & 63) }
        return m
    }
}

/// Edit distance over scalars (optimal string alignment: insert, delete, substitute,
/// swap two adjacent letters — each 1) from one typed word to many candidate terms, with
/// rows and scalar buffers reused across candidates; ASCII terms are read as their bytes
/// (the same scalars), others decoded as `String(decoding:as:)` decodes them.
struct TypoDistance {
    private let word: [UInt32]
    private let limit: Int
    private var term: [UInt32] = []
    private var prev2: [Int] = [], prev: [Int] = [], cur: [Int] = []
    /// For an ASCII typed word: its letter counts, and a counter per letter for the
    /// candidate (zero between candidates).
    private let wordIsASCII: Bool
    private var wordCounts = [Int32](repeating: 0, count: 128)
    private var taken = [Int32](repeating: 0, count: 128)
    private let wordLetters: UInt64

    init(_ typed: [UInt8], limit: Int) {
        word = Self.scalars(of: typed)
        self.limit = limit
        wordIsASCII = typed.allSatisfy { $0 < 0x80 }
        if wordIsASCII { for b in typed { wordCounts[Int(b)] += 1 } }
        wordLetters = wordIsASCII ? TypoTerm.letters(typed) : 0
    }

    /// Whether `distance(to:)` gives nil for the term `t` sums up, known from `t` alone:
    /// its scalar count is more than the limit away, or (both ASCII) more than `limit`
    /// distinct bytes of one are not in the other (each is a letter `lettersRuleOut` finds
    /// unmatched). A typo lookup reads a shard's terms through this first (a word's shard
    /// holds about 1,400 terms on the C++ corpus); `TypoDistance` tests check it never
    /// rules out a candidate within the limit.
    func rulesOut(_ t: TypoTerm) -> Bool {
        if abs(Int(t.scalars) - word.count) > limit { return true }
        guard wordIsASCII && t.ascii else { return false }
        return (t.letters & ~wordLetters).nonzeroBitCount > limit || (wordLetters & ~t.letters).nonzeroBitCount > limit
    }

    /// Whether the letters that the typed word and `candidate` (both ASCII) do not
    /// share rule the candidate out: an edit adds at most one letter and removes at most
    /// one (a swap none), so the edit distance is at least the larger of the typed
    /// word's letters left unmatched and the candidate's. `TypoDistanceTests` checks that
    /// it never rejects a candidate within the limit.
    private mutating func lettersRuleOut(_ candidate: [UInt8]) -> Bool {
        var common = 0
        wordCounts.withUnsafeBufferPointer { want in
            taken.withUnsafeMutableBufferPointer { have in
                candidate.withUnsafeBufferPointer { c in
                    for b in c {
                        let i = Int(b)
                        if have[i] < want[i] { have[i] += 1; common += 1 }
                    }
                    for b in c { have[Int(b)] = 0 }
                }
            }
        }
        return max(word.count - common, candidate.count - common) > limit
    }

    private static func scalars(of bytes: [UInt8]) -> [UInt32] {
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.map { UInt32($0) } }
        return String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value)
    }

    /// The distance to `candidate` if it is at most the limit (scalar counts differing
    /// by more than the limit are not compared).
    mutating func distance(to candidate: [UInt8]) -> Int? {
        term.removeAll(keepingCapacity: true)
        if candidate.allSatisfy({ $0 < 0x80 }) {
            if wordIsASCII {
                if abs(candidate.count - word.count) > limit || lettersRuleOut(candidate) { return nil }
            }
            for b in candidate { term.append(UInt32(b)) }
        } else {
            for s in String(decoding: candidate, as: UTF8.self).unicodeScalars { term.append(s.value) }
        }
        if abs(term.count - word.count) > limit { return nil }
        let d = editDistance()
        return d <= limit ? d : nil
    }

    /// Giving up (limit + 1) past `limit`.
    private mutating func editDistance() -> Int {
        let a = word, b = term
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        prev2.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        cur.removeAll(keepingCapacity: true)
        for j in 0..<width { prev2.append(0); prev.append(j); cur.append(0) }
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}

/// A set of doc ids as marks in a scratch buffer (set by the caller, cleared after).
struct DocMarks {
    let marks: UnsafeMutableBufferPointer<UInt8>
    @inline(__always) func contains(_ d: Int) -> Bool { marks[d] != 0 }
}

/// A candidate document with what orders it: tier (3 title match, 1 all terms, 0
/// partial), final score, doc id.
struct Candidate {
    var doc: Int
    var tier: UInt8
    var matched: UInt8
    var final: Double

    /// titleMatch first, then allTerms, then score descending, then doc id.
    @inline(__always) static func before(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.tier != b.tier { return a.tier > b.tier }
        if a.final != b.final { return a.final > b.final }
        return a.doc < b.doc
    }

    /// Sorts `a` in `before` order. `before` is a strict total order (doc ids differ),
    /// so every correct sort gives this order; this one is a merge sort with the
    /// comparison inlined (`sort(by:)` called it through a closure: 4% of a loaded
    /// server's time on the C++ corpus). `CandidateSortTests` checks it against `sort(by:)`.
    static func sort(_ a: inout [Candidate]) {
        let n = a.count
        if n < 2 { return }
        var tmp = a
        a.withUnsafeMutableBufferPointer { x in
            tmp.withUnsafeMutableBufferPointer { y in
                // runs of 16 by insertion sort, in place
                let run = 16
                var lo = 0
                while lo < n {
                    let hi = min(n, lo + run)
                    var i = lo + 1
                    while i < hi {
                        let c = x[i]
                        var j = i
                        while j > lo && before(c, x[j - 1]) { x[j] = x[j - 1]; j -= 1 }
                        x[j] = c
                        i += 1
                    }
                    lo = hi
                }
                // merge runs, doubling, back and forth between the two buffers
                var src = x, dst = y
                var inX = true
                var width = run
                while width < n {
                    var start = 0
                    while start < n {
                        let mid = min(n, start + width), end = min(n, start + 2 * width)
                        var i = start, j = mid, k = start
                        while i < mid && j < end {
                            if before(src[j], src[i]) { dst[k] = src[j]; j += 1 } else { dst[k] = src[i]; i += 1 }
                            k += 1
                        }
                        while i < mid { dst[k] = src[i]; i += 1; k += 1 }
                        while j < end { dst[k] = src[j]; j += 1; k += 1 }
                        start = end
                    }
                    swap(&src, &dst)
                    inX.toggle()
                    width *= 2
                }
                if !inX { for i in 0..<n { x[i] = y[i] } }
            }
        }
    }
}


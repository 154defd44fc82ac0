import Testing
@testable import TomeSearch

/// The pruned ranking (Query/Pruning.swift) against the same index ranking every
/// candidate (`pruningEnabled = false`, the exhaustive path `RankingTests` checks
/// against its reference): the same results, pages, sections, scores (bit for bit),
/// explanations, totals and snippets, on random queries, with windows small enough that
/// these small corpora have many, and on a corpus full of exact ties.
struct PruningTests {
    static func same(_ index: SearchIndex, _ q: String, limits: [Int] = [1, 10, 40]) throws {
        let N = index.manifest.docCount
        for limit in limits {
            index.pruningEnabled = false
            let want = try index.search(q, options: SearchOptions(limit: limit, explain: true))
            index.pruningEnabled = true
            let got = try index.search(q, options: SearchOptions(limit: limit, explain: true))
            #expect(got == want, "\(q) limit \(limit)")
        }
        for limit in [3, 250, N] {
            index.pruningEnabled = false
            let want = try index.rankDocuments(q, limit: limit)
            index.pruningEnabled = true
            let got = try index.rankDocuments(q, limit: limit)
            #expect(got == want, "\(q) rankDocuments limit \(limit)")
        }
    }

    @Test(arguments: [1, 2, 3, 7])
    func randomQueriesEqualExhaustive(windowShift: Int) throws {
        let index = try RankingTests.index()
        index.pruningWindowShift = windowShift
        var pruned = 0
        for q in RankingTests.queries {
            try Self.same(index, q)
            index.pruningEnabled = true
            _ = try index.search(q, options: SearchOptions(limit: 1))
            if index.pruningStats.scored < index.pruningStats.candidates { pruned += 1 }
        }
        // small windows leave candidates unscored (the pruning this tests happens)
        if windowShift <= 3 { #expect(pruned >= 20, "pruned \(pruned) queries") }
    }

    @Test func plainBM25EqualsExhaustive() throws {
        let index = try RankingTests.index(.plainBM25)
        index.pruningWindowShift = 2
        for q in RankingTests.queries.prefix(80) { try Self.same(index, q) }
    }

    /// One-word queries whose later variants add the title or heading to a doc an earlier
    /// variant counted (`countWord` gives it its tier again: up into the title tier, or
    /// down out of it when a long heading joins a short title), and queries of many terms
    /// with several variants each (the count marks per term): the same as exhaustive.
    @Test func tiersTakenWhileCountingEqualExhaustive() throws {
        var docs: [SearchDocument] = []
        for p in 0..<80 {
            for s in 0..<6 {
                // lead sections: a short title with the exact word, and sometimes a long
                // heading with a stem variant (title tier, then not); others: the exact word
                // in the body and a prefix variant in a short heading (all terms, then title tier)
                let title = p % 3 == 0 ? "Remark" : (p % 3 == 1 ? "Remark notes" : "Other page")
                let heading = s == 0 ? (p % 2 == 0 ? "Remarks about the whole page here" : "")
                    : (s % 2 == 0 ? "Remarkable" : (s % 3 == 0 ? "Remarked values" : "Values"))
                let text = s % 4 == 0 ? "the remark on values" : (s % 4 == 1 ? "remarks and remarkably more" : "values only")
                docs.append(SearchDocument(url: "/p\(p)/#s\(s)", pageURL: "/p\(p)/", pageTitle: title, heading: heading, text: text,
                                           boost: p % 13 == 4 ? 1.5 : 1))
            }
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        let many = Array(repeating: "remark values remarks", count: 11).joined(separator: " ") + " rem"
        for shift in [1, 3, 7] {
            index.pruningWindowShift = shift
            for q in ["remark", "rem", "remarks", "remarka", "val", "remark -values", "rem type:page", many, "value rem"] {
                try Self.same(index, q)
            }
        }
        // the word has exact, stem and prefix variants, so the doc-by-doc regrading happens
        let terms = try index.prepare(QueryParser.parse("remark")).terms
        #expect(terms.count == 1 && terms[0].variants.count >= 3)
        #expect(try index.prepare(QueryParser.parse(many)).terms.count == QueryLimits.maxTerms)
    }

    /// A word item whose synonym matches alone make more terms than the count marks tell
    /// apart (a query the fuzzer found): ranked exhaustively, so the same answers.
    @Test func moreTermsThanCountMarksFallBackToExhaustive() throws {
        var docs: [SearchDocument] = []
        for p in 0..<12 {
            docs.append(SearchDocument(url: "/p\(p)/", pageURL: "/p\(p)/", pageTitle: "Page \(p)", heading: "",
                                       text: p % 2 == 0 ? "Support after hours covers urgent calls." : "Out of hours, call the desk; calling is free."))
        }
        let index = try SearchIndex(files: IndexBuilder(synonyms: [["after hours", "out of hours"]]).build(docs))
        // 70 synonym terms, then a word with several variants (calls, call, calling): the
        // count marks would be asked for a 71st term
        let q = Array(repeating: "after(hours", count: 70).joined(separator: "(") + "(calls"
        let terms = try index.prepare(QueryParser.parse(q)).terms
        #expect(terms.count > DocState.markedTerms && terms.last!.variants.count > 1)
        try Self.same(index, q)
    }

    /// Queries of 2-4 words that few sections hold all of (so the head's last place is in
    /// tier 0 and the windows are bounded by all their terms' maxima but one): the same as
    /// exhaustive, with candidates left unscored.
    @Test func partialMatchesBoundedByAllTermsButOne() throws {
        var rng = RankingTests.Rng(state: 99)
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
        var docs: [SearchDocument] = []
        for p in 0..<150 {
            for s in 0..<5 {
                // one or two query words per section, in varied amounts and lengths
                var text: [String] = []
                for _ in 0..<(1 + rng.below(3)) { text.append(words[rng.below(words.count)]) }
                for _ in 0..<rng.below(30) { text.append("filler\(rng.below(9))") }
                docs.append(SearchDocument(url: "/p\(p)/#s\(s)", pageURL: "/p\(p)/", pageTitle: "Page \(p)",
                                           heading: s == 0 ? "" : "Part \(s)", text: text.joined(separator: " "),
                                           boost: p % 17 == 3 ? 1.25 : 1))
            }
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        let queries = ["alpha bravo ", "alpha bravo charlie ", "alpha bravo charlie delta ", "echo golf ", "delta \"echo foxtrot\" ",
                       "alpha zulu ", "bravo charlie"]
        var pruned = 0
        for shift in [2, 4] {
            index.pruningWindowShift = shift
            for q in queries {
                try Self.same(index, q)
                index.pruningEnabled = true
                _ = try index.search(q, options: SearchOptions(limit: 10))
                if index.pruningStats.scored < index.pruningStats.candidates { pruned += 1 }
            }
        }
        #expect(pruned >= 6, "pruned \(pruned) queries")
    }

    /// A query without the proximity step keeps a head of `pageWalkHead` candidates: here
    /// its best sections come from pages of 20 sections, so the page walk runs out of the
    /// head and `nextPages` finds the rest: the same pages, sections and scores as ranking
    /// every candidate (whose head is `QueryLimits.proximityCandidates`).
    @Test func pageWalkPastTheShortHeadEqualsExhaustive() throws {
        var docs: [SearchDocument] = []
        for p in 0..<40 {
            for s in 0..<20 {
                let text = p < 3 ? "widget" : (s % 5 == 0 ? "the widget among many other words of text" : "other words")
                docs.append(SearchDocument(url: "/p\(p)/#s\(s)", pageURL: "/p\(p)/", pageTitle: "Page \(p)",
                                           heading: s == 0 ? "" : "Part \(s)", text: text))
            }
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        #expect(SearchIndex.pageWalkHead < 3 * 20)
        for q in ["widget", "\"widget\"", "widg", "widget -other"] { try Self.same(index, q) }
        let results = try index.search("widget", options: SearchOptions(limit: 10))
        #expect(results.pages.count == 10)
    }

    /// Hundreds of sections with the same words and lengths: their scores tie exactly,
    /// and the head (`QueryLimits.proximityCandidates`) is decided by doc id among them.
    @Test func exactTiesEqualExhaustive() throws {
        var docs: [SearchDocument] = []
        for p in 0..<60 {
            for s in 0..<12 {
                let text = s % 3 == 0 ? "remarks about the reverse iterator" : (s % 3 == 1 ? "remarks" : "iterator remarks value")
                docs.append(SearchDocument(url: "/p\(p)/#s\(s)", pageURL: "/p\(p)/", pageTitle: p % 4 == 0 ? "Remarks" : "Page",
                                           heading: s % 2 == 0 ? "Remarks" : "", text: text,
                                           boost: p % 11 == 5 ? 2 : 1))
            }
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        for shift in [1, 3, 5] {
            index.pruningWindowShift = shift
            for q in ["remarks", "remarks iterator", "iterator", "\"reverse iterator\"", "remarks -value", "rem", "iterator value"] {
                try Self.same(index, q)
            }
        }
        index.pruningWindowShift = 2
        _ = try index.search("remarks", options: SearchOptions(limit: 10))
        #expect(index.pruningStats.scored < index.pruningStats.candidates / 2)
    }
}

import Testing
@testable import TomeSearch

/// `PositionTable` (Query/Ranking.swift) against the index's plain positions reader
/// (`positionLists`): the same sorted positions per wanted doc and field, for one variant
/// and several, for a few docs of a long list (binary search and the positions skip
/// table) and for many (the list walked).
struct PositionTableTests {
    @Test func tablesEqualPositionLists() throws {
        var g = QueryHelperTests.Generator(state: 11)
        let words = ["alpha", "alphas", "beta", "gamma", "alphabet", "delta", "alpha"]
        func text(_ n: Int) -> String { (0..<n).map { _ in words[g.next(words.count)] }.joined(separator: " ") }
        var docs: [SearchDocument] = []
        for i in 0..<3000 {
            docs.append(SearchDocument(url: "/p\(i / 4)/#s\(i % 4)", pageURL: "/p\(i / 4)/", pageTitle: text(1 + g.next(3)),
                                       heading: i % 4 == 0 ? "" : text(1 + g.next(2)), headingPath: [], text: text(2 + g.next(30)),
                                       tags: [], book: "b", bookTitle: "Book", type: "page", boost: 1))
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        let N = index.manifest.docCount, F = IndexFormat.fieldCount
        // "alpha" as the last word: exact, its stem's variants and its prefixes
        let variants = try index.prepare(QueryParser.parse("alpha")).terms[0].variants
        #expect(variants.count >= 3)
        #expect(variants[0].postings.docs.count >= 8 * 250)
        index.scratch.prepare(docCount: N, pageCount: index.manifest.pageCount)
        let slots = index.scratch.slot
        for count in [1, 2, 9, 200, 250, 1000, N] {
            for vs in [[variants[0]], variants, Array(variants.reversed())] {
                let picked = count == N ? Array(0..<N) : Array(Set((0..<count).map { _ in g.next(N) })).sorted()
                for (i, d) in picked.enumerated() { slots[d] = Int32(i + 1) }
                let table = try PositionTable(index, variants: vs, slots: slots, slotDocs: picked)
                for d in picked { slots[d] = 0 }
                var marks = [UInt8](repeating: 0, count: N)
                for d in picked { marks[d] = 1 }
                var want: [Int: [[Int]]] = [:]
                try marks.withUnsafeMutableBufferPointer { m in
                    for v in vs {
                        try index.positionLists(shard: v.shard, term: v.term, postings: v.postings, only: DocMarks(marks: m), into: &want)
                    }
                }
                for (i, d) in picked.enumerated() {
                    for f in 0..<F {
                        let (a, b) = table.range(slot: i, field: f)
                        #expect(table.values[a..<b].map { Int($0) } == (want[d]?[f] ?? []).sorted(), "\(count) docs, doc \(d), field \(f)")
                    }
                }
            }
        }
    }
}

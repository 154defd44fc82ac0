import Testing
@testable import TomeSearch

/// `queryPostings` (the query engine's pointer reader) against `postings` (the index's
/// reference reader): the same lists for every term of a test index, and on damaged
/// postings the same list or the same error.
struct PostingsTests {
    static func outcome(_ body: () throws -> PostingList) -> String {
        do {
            let l = try body()
            return "\(l.docs) \(l.masks) \(l.tfs)"
        } catch {
            return "error: \(error)"
        }
    }

    @Test func sameAsReferenceOnEveryTerm() throws {
        let index = try RankingTests.index()
        var terms = 0
        for s in index.manifest.shards.indices {
            let sh = try index.shard(s)
            for t in sh.terms.indices {
                #expect(Self.outcome { try index.queryPostings(sh, t) } == Self.outcome { try index.postings(sh, t) })
                terms += 1
            }
        }
        #expect(terms > 50)
    }

    @Test func sameAsReferenceOnDamagedBytes() throws {
        let index = try RankingTests.index()
        var rng = RankingTests.Rng(state: 7)
        for s in index.manifest.shards.indices {
            let clean = try index.shard(s)
            for t in clean.terms.indices where t % 3 == 0 {
                for _ in 0..<8 {
                    var sh = clean
                    let at = clean.postingsStart[t] + rng.below(max(1, clean.postingsEnd[t] - clean.postingsStart[t]))
                    sh.bytes[at] = [0x00, 0x7F, 0x80, 0xFF, UInt8(truncatingIfNeeded: rng.next())][rng.below(5)]
                    #expect(Self.outcome { try index.queryPostings(sh, t) } == Self.outcome { try index.postings(sh, t) })
                }
            }
        }
    }
}

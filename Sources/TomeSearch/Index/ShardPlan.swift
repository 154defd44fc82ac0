/// Where the term shards are cut (ARCHITECTURE.md, "Search index format", **Shards**):
/// after a key group (the terms sharing their first two bytes) once a shard reaches the
/// target, and inside a key group larger than the target, but never inside a stem's
/// span (from the first to the last of the stem itself and the group's terms with that
/// stem, in byte order), so a stem's variants are all in the stem's own shard.
struct ShardPlan {
    /// Per shard: its terms (indexes into the sorted terms) and its fence, the smallest
    /// term it can hold: the key at a key group's start, else the shard's first term.
    var shards: [(range: Range<Int>, first: [UInt8])] = []

    /// `terms` sorted byte-wise; `sizes[i]` the raw bytes term i adds to its shard;
    /// `stem` the analyzer's stored stem of a term (asked only in groups above the target).
    init(terms: [[UInt8]], sizes: [Int], target: Int, stem: ([UInt8]) -> [UInt8]) {
        func key(_ i: Int) -> ArraySlice<UInt8> { terms[i].prefix(2) }
        var start = 0, size = 0
        func close(_ end: Int) {
            let atGroupStart = start == 0 || key(start - 1) != key(start)
            shards.append((start..<end, atGroupStart ? Array(key(start)) : terms[start]))
            start = end
            size = 0
        }
        var i = 0
        while i < terms.count {
            let k = key(i)
            var j = i, groupSize = 0
            while j < terms.count && key(j) == k { groupSize += sizes[j]; j += 1 }
            if groupSize > target {
                let cuttable = ShardPlan.cuttable(terms, i..<j, stem: stem)
                for x in i..<j {
                    size += sizes[x]
                    if size >= target && x + 1 < j && cuttable[x + 1 - i] { close(x + 1) }
                }
            } else {
                size += groupSize
            }
            if start < j && (size >= target || j >= terms.count) { close(j) }
            i = j
        }
    }

    /// Per term of the group `group` (offset from its start): whether a shard may begin
    /// there, i.e. no stem span holds both it and the term before it.
    static func cuttable(_ terms: [[UInt8]], _ group: Range<Int>, stem: ([UInt8]) -> [UInt8]) -> [Bool] {
        var spans: [[UInt8]: (lo: [UInt8], hi: [UInt8])] = [:]
        for x in group {
            let t = terms[x], s = t.first == UInt8(ascii: "~") ? t : stem(t)
            guard s.prefix(2).elementsEqual(t.prefix(2)) else { continue }
            var span = spans[s] ?? (s, s)
            if t.lexicographicallyPrecedes(span.lo) { span.lo = t }
            if span.hi.lexicographicallyPrecedes(t) { span.hi = t }
            spans[s] = span
        }
        // a cut before term x splits a span when lo < terms[x] <= hi
        var covered = [Int](repeating: 0, count: group.count + 1)
        for span in spans.values {
            let from = lowerBound(terms, group) { !span.lo.lexicographicallyPrecedes($0) }
            let to = lowerBound(terms, group) { !span.hi.lexicographicallyPrecedes($0) }
            if from < to { covered[from - group.lowerBound] += 1; covered[to - group.lowerBound] -= 1 }
        }
        var out = [Bool](repeating: true, count: group.count)
        var depth = 0
        for x in 0..<group.count { depth += covered[x]; out[x] = depth == 0 }
        return out
    }

    /// The first index in `range` whose term is not `below` (terms sorted, `below` true then false).
    static func lowerBound(_ terms: [[UInt8]], _ range: Range<Int>, below: ([UInt8]) -> Bool) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if below(terms[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Where the term shards are cut (ARCHITECTURE.md, "Search index format", **Shards**):
/// after a key group (the terms sharing their first two bytes) once a shard reaches the
/// target, and inside a key group larger than the target (between terms whose first three
/// bytes differ, or anywhere once the shard is twice the target), but never inside a stem's
/// span (from the first to the last of the stem itself and the group's terms with that
/// stem, in byte order), so a stem's variants are all in the stem's own shard.
struct ShardPlan {
    /// Per shard: its terms (indexes into the sorted terms) and its fence, the smallest
    /// term it can hold: the key at a key group's start, else the shard's first term.
    var shards: [(range: Range<Int>, first: [UInt8])] = []

    /// The target the cuts were made for (raw bytes).
    var target = 0

    /// `terms` sorted byte-wise; `sizes[i]` the raw bytes term i adds to its shard;
    /// `stem` the analyzer's stored stem of a term (asked only in groups above a target).
    /// The target is the smallest on `IndexBuilder.roundTarget`'s grid, from
    /// `roundTarget(minTarget)` up, whose plan has at most `maxShards` shards, searched
    /// down from total / (maxShards - 1), which every plan meets (every shard but the
    /// last reaches the target); cuts overshoot the target, so a lower one is usually met too.
    init(terms: [[UInt8]], sizes: [Int], minTarget: Int, maxShards: Int, stem: ([UInt8]) -> [UInt8]) {
        var cuttable: [Int: [Bool]] = [:]
        let floor = IndexBuilder.roundTarget(minTarget)
        var target = IndexBuilder.roundTarget(max(minTarget, sizes.reduce(0, +) / max(1, maxShards - 1) + 1))
        var best = ShardPlan.cuts(terms, sizes, target, &cuttable, stem)
        while target > floor {
            let lower = ShardPlan.gridBelow(target)
            let plan = ShardPlan.cuts(terms, sizes, lower, &cuttable, stem)
            if lower < floor || plan.count > maxShards { break }
            best = plan
            target = lower
        }
        shards = best
        self.target = target
    }

    /// The largest target on the `roundTarget` grid (8…15 × a power of two) below `t`.
    static func gridBelow(_ t: Int) -> Int {
        var m = t - 1, shift = 0
        while m > 15 { m /= 2; shift += 1 }
        return m << shift
    }

    /// The cuts for one target; `cuttable` keeps each split group's cut points (by its
    /// first term) across targets.
    static func cuts(_ terms: [[UInt8]], _ sizes: [Int], _ target: Int, _ cuttable: inout [Int: [Bool]],
                     _ stem: ([UInt8]) -> [UInt8]) -> [(range: Range<Int>, first: [UInt8])] {
        var shards: [(range: Range<Int>, first: [UInt8])] = []
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
                if cuttable[i] == nil { cuttable[i] = ShardPlan.cuttable(terms, i..<j, stem: stem) }
                let allowed = cuttable[i] ?? []
                for x in i..<j {
                    size += sizes[x]
                    guard size >= target && x + 1 < j && allowed[x + 1 - i] else { continue }
                    // between terms of different first three bytes, where typo candidates
                    // (which keep the first byte, and mostly the second and third) stay
                    // with the typed word; anywhere allowed once the shard is twice the target
                    if !terms[x].prefix(3).elementsEqual(terms[x + 1].prefix(3)) || size >= 2 * target { close(x + 1) }
                }
            } else {
                size += groupSize
            }
            if start < j && (size >= target || j >= terms.count) { close(j) }
            i = j
        }
        return shards
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

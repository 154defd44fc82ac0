extension SearchIndex {
    /// Bytes of decoded postings kept per index (`cachedPostings`).
    static let postingsCacheLimit = 32 << 20
    /// Shorter lists are decoded on every use (cheap), longer ones kept.
    static let postingsCacheMinDF = 256

    /// Posting lists at least this long get a positions skip table.
    static let positionSkipMinDF = 256
    static let positionSkipStep = 8

    /// Byte offsets (in the positions file) of the positions of every
    /// `positionSkipStep`-th posting of a variant: made by one walk over its positions
    /// (which checks they are all there), kept with the index.
    func positionSkips(_ v: Variant) throws -> [Int] {
        let key = v.shard << 32 | v.term
        if let s = positionSkipCache[key] { return s }
        let F = IndexFormat.fieldCount
        let sh = try shard(v.shard)
        let bytes = try positions(v.shard)
        let file = manifest.shards[v.shard].positions.name
        let tfs = v.postings.tfs
        var skips: [Int] = []
        skips.reserveCapacity(v.postings.docs.count / Self.positionSkipStep + 1)
        try bytes.withUnsafeBufferPointer { buf in
            var r = FastReader(buf: buf, offset: sh.positionsStart[v.term], end: min(sh.positionsEnd[v.term], buf.count), file: file)
            var pending = 0
            for k in v.postings.docs.indices {
                if k % Self.positionSkipStep == 0 {
                    if pending > 0 { try r.skipVarints(pending); pending = 0 }
                    skips.append(r.offset)
                }
                for f in 0..<F { pending += max(0, Int(tfs[k * F + f])) }
            }
            if pending > 0 { try r.skipVarints(pending) }
        }
        positionSkipCache[key] = skips
        return skips
    }

    /// Bytes of window start tables kept per index (`windowStarts`).
    static let windowStartCacheLimit = 8 << 20

    /// For a variant whose list holds `windowStartMinDF` postings or more: per window of
    /// `1 << shift` doc ids (and one past the last), the index of its first posting at or
    /// after the window's first doc (`lowerBound`), made in one pass over the list and
    /// kept per index (emptied when full); nil for shorter lists.
    func windowStarts(_ v: Variant, shift: Int, windows: Int) -> [Int32]? {
        let docs = v.postings.docs
        guard docs.count >= windowStartMinDF, shift < 32 else { return nil }
        let key = (v.shard << 32 | v.term) << 5 | shift
        if let s = windowStartCache[key], s.count == windows + 1 { return s }
        var starts = [Int32](repeating: 0, count: windows + 1)
        docs.withUnsafeBufferPointer { pd in
            var k = 0
            for w in 0...windows {
                let first = w << shift
                while k < pd.count && pd[k] < first { k += 1 }
                starts[w] = Int32(truncatingIfNeeded: k)
            }
        }
        let bytes = starts.count * MemoryLayout<Int32>.stride
        if windowStartCacheBytes + bytes > Self.windowStartCacheLimit {
            windowStartCache = [:]
            windowStartCacheBytes = 0
        }
        windowStartCache[key] = starts
        windowStartCacheBytes += bytes
        return starts
    }

    /// `queryPostings`, with the lists of frequent terms kept decoded: the terms most
    /// queries share (`class`, `error`, `see`) are not decoded again on every query.
    /// When the bytes reach `postingsCacheLimit` the cache starts over.
    func cachedPostings(_ s: Int, _ shard: TermShard, _ t: Int) throws -> PostingList {
        guard shard.df[t] >= Self.postingsCacheMinDF else { return try queryPostings(shard, t) }
        let key = s << 32 | t
        if let p = postingsCache[key] { return p }
        let p = try queryPostings(shard, t)
        let bytes = p.docs.count * MemoryLayout<Int>.stride + p.masks.count + p.tfs.count * MemoryLayout<Int32>.stride + p.titleHeading.count
        if postingsCacheBytes + bytes > Self.postingsCacheLimit {
            postingsCache = [:]
            postingsCacheBytes = 0
        }
        if bytes <= Self.postingsCacheLimit / 4 {
            postingsCache[key] = p
            postingsCacheBytes += bytes
        }
        return p
    }

    /// The postings of term `t` of `shard`, as `postings(_:_:)` (the reference reader in
    /// Index/) decodes them, read over raw pointers into arrays written in place: no
    /// bounds-checked reader per byte, no append per value. The columns are the term
    /// shard's (ARCHITECTURE.md, "Term shard"): `df` doc deltas, `df` field masks, a tf
    /// per set bit, then as many norm bytes (skipped). Bytes that are not exactly that go to the reference reader, so
    /// a corrupt index fails with its error, word for word (`PostingsTests` compares the
    /// two on every term of the test indexes).
    func queryPostings(_ shard: TermShard, _ t: Int) throws -> PostingList {
        var list = try decodedPostings(shard, t)
        let F = IndexFormat.fieldCount
        let n = list.docs.count
        list.titleHeading = [UInt8](unsafeUninitializedCapacity: n) { flags, count in
            list.tfs.withUnsafeBufferPointer { tfs in
                guard tfs.count >= n * F else { return }
                for k in 0..<n { flags[k] = (tfs[k * F] > 0 ? 1 : 0) | (tfs[k * F + 1] > 0 ? 2 : 0) }
                count = n
            }
        }
        return list
    }

    private func decodedPostings(_ shard: TermShard, _ t: Int) throws -> PostingList {
        let n = shard.df[t], start = shard.postingsStart[t], end = shard.postingsEnd[t]
        let F = IndexFormat.fieldCount
        let docCount = manifest.docCount
        guard n > 0, n <= end - start, end <= shard.bytes.count else { return try postings(shard, t) }
        var ok = true
        var list = PostingList()
        shard.bytes.withUnsafeBufferPointer { bytes in
            var at = start
            /// One varint below `end`, or nil (too long or cut off).
            @inline(__always) func varint() -> Int? {
                var result = 0, shift = 0
                while at < end {
                    let b = bytes[at]
                    at += 1
                    result |= Int(b & 0x7F) << shift
                    if b & 0x80 == 0 { return result }
                    shift += 7
                    if shift > 49 { return nil }
                }
                return nil
            }
            list.docs = [Int](unsafeUninitializedCapacity: n) { docs, count in
                var doc = 0
                while count < n {
                    guard let delta = varint() else { ok = false; return }
                    doc += delta
                    guard doc < docCount else { ok = false; return }
                    docs[count] = doc
                    count += 1
                }
            }
            guard ok, at + n <= end else { ok = false; return }
            list.masks = Array(UnsafeBufferPointer(rebasing: bytes[at..<(at + n)]))
            at += n
            var normBytes = 0
            list.tfs = [Int32](unsafeUninitializedCapacity: n * F) { tfs, count in
                for k in 0..<n {
                    let mask = list.masks[k]
                    for f in 0..<F {
                        if mask & (1 << UInt8(f)) != 0 {
                            guard let tf = varint() else { ok = false; return }
                            tfs[count] = Int32(truncatingIfNeeded: tf)
                            normBytes += 1
                        } else {
                            tfs[count] = 0
                        }
                        count += 1
                    }
                }
            }
            // then a norm byte per tf (for the browser; this engine reads the norms file)
            if at + normBytes != end { ok = false }
        }
        return ok ? list : try postings(shard, t)
    }
}

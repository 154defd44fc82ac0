extension SearchIndex {
    /// The postings of term `t` of `shard`, as `postings(_:_:)` (the reference reader in
    /// Index/) decodes them, read over raw pointers into arrays written in place: no
    /// bounds-checked reader per byte, no append per value. The columns are the term
    /// shard's (ARCHITECTURE.md, "Term shard"): `df` doc deltas, `df` field masks, then
    /// a tf per set bit. Bytes that are not exactly that go to the reference reader, so
    /// a corrupt index fails with its error, word for word (`PostingsTests` compares the
    /// two on every term of the test indexes).
    func queryPostings(_ shard: TermShard, _ t: Int) throws -> PostingList {
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
            list.tfs = [Int32](unsafeUninitializedCapacity: n * F) { tfs, count in
                for k in 0..<n {
                    let mask = list.masks[k]
                    for f in 0..<F {
                        if mask & (1 << UInt8(f)) != 0 {
                            guard let tf = varint() else { ok = false; return }
                            tfs[count] = Int32(truncatingIfNeeded: tf)
                        } else {
                            tfs[count] = 0
                        }
                        count += 1
                    }
                }
            }
            if at != end { ok = false }
        }
        return ok ? list : try postings(shard, t)
    }
}

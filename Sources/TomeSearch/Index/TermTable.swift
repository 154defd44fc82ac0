import Dispatch

/// Distinct byte strings (terms, stems) interned into one flat buffer, each given the id
/// of its first sight: the index builder's term dictionary without an array per term or
/// a hash of one per token (open addressing over the bytes, linear probing).
struct TermTable {
    /// Every term's bytes, back to back; term `i` ends at `ends[i]`.
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int32] = []
    /// Each term's hash (`TermTable.hash`), so a table can be merged into another
    /// without hashing again.
    private(set) var hashes: [UInt64] = []
    /// Term id + 1 per slot, 0 = empty; a power of two, at most half full.
    private var slots: [Int32]

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: 0, count: n)
    }

    var count: Int { ends.count }

    func range(_ id: Int) -> Range<Int> { (id == 0 ? 0 : Int(ends[id - 1]))..<Int(ends[id]) }

    func term(_ id: Int) -> ArraySlice<UInt8> { bytes[range(id)] }

    /// A 64-bit hash of the bytes, eight at a time (terms are at most 64 bytes).
    @inline(__always) static func hash(_ t: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(t.count)
        let raw = UnsafeRawBufferPointer(t)
        var i = 0
        while i + 8 <= t.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < t.count {
            tail |= UInt64(t[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The id of `t`, added if new.
    @inline(__always) mutating func intern(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        intern(t, hash: TermTable.hash(t))
    }

    mutating func intern(_ t: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[s])
            if entry == 0 { break }
            let id = entry - 1
            if hashes[id] == h && equals(id, t) { return id }
            s = (s + 1) & mask
        }
        let id = ends.count
        bytes.append(contentsOf: t)
        ends.append(Int32(bytes.count))
        hashes.append(h)
        slots[s] = Int32(id + 1)
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    mutating func intern(_ t: [UInt8]) -> Int {
        t.withUnsafeBufferPointer { intern($0) }
    }

    private func equals(_ id: Int, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = range(id)
        guard r.count == t.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < t.count {
                if b[r.lowerBound + i] != t[i] { return false }
                i += 1
            }
            return true
        }
    }

    private mutating func grow() {
        var next = [Int32](repeating: 0, count: slots.count * 2)
        let mask = next.count - 1
        for id in 0..<hashes.count {
            var s = Int(truncatingIfNeeded: hashes[id]) & mask
            while next[s] != 0 { s = (s + 1) & mask }
            next[s] = Int32(id + 1)
        }
        slots = next
    }

    /// Byte-wise (unsigned) order of two terms, as the index sorts them.
    func precedes(_ a: Int, _ b: Int) -> Bool {
        let ra = range(a), rb = range(b)
        return bytes.withUnsafeBufferPointer { p in
            let n = min(ra.count, rb.count)
            var i = 0
            while i < n {
                let x = p[ra.lowerBound + i], y = p[rb.lowerBound + i]
                if x != y { return x < y }
                i += 1
            }
            return ra.count < rb.count
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends an unsigned LEB128 varint (as `ByteWriter.varint`).
    @inline(__always) mutating func appendVarint(_ value: Int) {
        var v = UInt64(value)
        while v >= 0x80 {
            append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}

/// Bytes of `value` as a varint.
@inline(__always) func varintSize(_ value: Int) -> Int {
    var v = UInt64(value), n = 1
    while v >= 0x80 { v >>= 7; n += 1 }
    return n
}

/// `body(0) ... body(count - 1)` on up to `width` threads (all processors when above 1),
/// the results in index order: what comes out never depends on the scheduling. The
/// index builder's API is synchronous (tests, the evaluation command and the build call
/// it alike), hence Dispatch's `concurrentPerform` rather than a task group.
func parallelMap<T: Sendable>(_ count: Int, width: Int, _ body: @Sendable (Int) -> T) -> [T] {
    if width <= 1 || count <= 1 { return (0..<count).map(body) }
    let slots = ResultSlots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
    return slots.values
}

/// Results of `parallelMap`, filled from several threads, each slot by one.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // @unchecked: each slot is written by exactly one iteration, and read only after
    // `concurrentPerform` has returned (which waits for every iteration).
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ i: Int, _ value: T) { slots[i] = value }

    var values: [T] { (0..<count).map { slots[$0]! } }
}

/// A 64-bit digest of byte strings, eight bytes a step: the build cache's file hashes
/// and step keys. It is only ever compared with digests this code made (never with
/// another tool's), so it needs to be fast and stable across runs, not standard.
struct Digest {
    private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3

    /// Each piece ends with its length, so `["ab", "c"]` and `["a", "bc"]` differ.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var i = 0
        if count >= 32 {
            // Four lanes, each its own chain of steps, folded in at the end: a step waits
            // for the multiplication before it, so one chain leaves the processor idle
            // most of the time, and a build digests every byte it writes (330 MB for the
            // C++ corpus) besides page bodies and section texts.
            var lanes = (value, value ^ 0x1319_8A2E_0370_7344, value ^ 0xA409_3822_299F_31D0, value ^ 0x082E_FA98_EC4E_6C89)
            while i + 32 <= count {
                lanes.0 = Digest.step(lanes.0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                lanes.1 = Digest.step(lanes.1, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                lanes.2 = Digest.step(lanes.2, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                lanes.3 = Digest.step(lanes.3, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
            // Each lane is scrambled before it is folded in: a step depends on its inputs
            // only through `state ^ word`, so folding raw lanes let a change in one lane
            // cancel the same change in another (two one-bit edits gave equal digests).
            value = Digest.scrambled(lanes.0)
            mix(Digest.scrambled(lanes.1))
            mix(Digest.scrambled(lanes.2))
            mix(Digest.scrambled(lanes.3))
        }
        while i + 8 <= count {
            mix(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        mix(tail)
        mix(UInt64(count))
    }

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    mutating func add(_ text: String) {
        // A native string's bytes are read in place; only another kind (bridged) is copied
        // first (`withUTF8` needs a mutable copy: a retain and a release per call, and
        // keys digest millions of strings).
        if text.utf8.withContiguousStorageIfAvailable({ add(UnsafeRawBufferPointer($0)) }) != nil { return }
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ number: Int) {
        mix(UInt64(bitPattern: Int64(number)))
    }

    /// Multiply by an odd constant and fold the high half down: both steps are
    /// invertible, so no two states collapse into one.
    private mutating func mix(_ word: UInt64) {
        value = Digest.step(value, word)
    }

    /// A bijection whose every output bit depends on every input bit (the 64-bit
    /// finaliser of MurmurHash3: shifts and multiplications by two odd constants).
    private static func scrambled(_ word: UInt64) -> UInt64 {
        var x = word
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    @inline(__always)
    private static func step(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let product = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        var digest = Digest()
        digest.add(bytes)
        return digest.value
    }
}

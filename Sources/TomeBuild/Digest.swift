/// A 64-bit digest of byte strings, eight bytes a step: the build cache's file hashes
/// and step keys. It is only ever compared with digests this code made (never with
/// another tool's), so it needs to be fast and stable across runs, not standard.
struct Digest {
    private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3

    /// Each piece ends with its length, so `["ab", "c"]` and `["a", "bc"]` differ.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var i = 0
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
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ number: Int) {
        mix(UInt64(bitPattern: Int64(number)))
    }

    /// Multiply by an odd constant and fold the high half down: both steps are
    /// invertible, so no two states collapse into one.
    private mutating func mix(_ word: UInt64) {
        value = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 29
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        var digest = Digest()
        digest.add(bytes)
        return digest.value
    }
}

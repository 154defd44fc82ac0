import Testing
@testable import TomeBuild

/// `Digest` keys the build cache: any change to the bytes must change the value, in
/// the four-lane loop (32 bytes and more) as in the one-lane tail.
struct DigestTests {
    private func digest(_ bytes: [UInt8]) -> UInt64 { Digest.of(bytes) }

    /// Every one-bit edit (lowest and highest bit of every byte) gives a new value. With
    /// lanes folded in raw, editing the same bit of two lanes collided at 100 bytes.
    @Test(arguments: [0, 7, 8, 31, 32, 33, 63, 64, 100, 129, 1000])
    func everyBitCounts(count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var seen: Set<UInt64> = [digest(bytes)]
        for position in bytes.indices {
            for bit: UInt8 in [0x01, 0x80] {
                var changed = bytes
                changed[position] ^= bit
                #expect(seen.insert(digest(changed)).inserted, "flipping bit \(bit) of byte \(position) of \(count) gave a value seen before")
            }
        }
    }

    @Test func lanesAreNotInterchangeable() {
        // The same two 8-byte words swapped between lanes must not collide.
        let a = [UInt8](repeating: 1, count: 8), b = [UInt8](repeating: 2, count: 8)
        let zeros = [UInt8](repeating: 0, count: 16)
        #expect(digest(a + b + zeros) != digest(b + a + zeros))
        #expect(digest(a + zeros + b) != digest(b + zeros + a))
    }

    @Test func lengthAndPieceBoundariesCount() {
        let long = [UInt8](repeating: 7, count: 40)
        #expect(digest(long) != digest(long + [0]))
        var one = Digest(), two = Digest()
        one.add(Array(long[..<32])); one.add(Array(long[32...]))
        two.add(Array(long[..<33])); two.add(Array(long[33...]))
        #expect(one.value != two.value)
    }

    @Test func sameBytesSameValue() {
        let text = String(repeating: "Tome builds sites. ", count: 20)
        var fromText = Digest(), fromBytes = Digest()
        fromText.add(text)
        fromBytes.add(Array(text.utf8))
        #expect(fromText.value == fromBytes.value)
    }
}

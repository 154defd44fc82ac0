import Testing
@testable import TomeSearch

/// Findings of the fuzz targets in Tests/Fuzz/, each kept as a test (the inputs are also
/// in the committed seed corpora, so `make fuzz` replays them first).
@Suite struct FuzzRegressionTests {
    /// fuzz-index: a gzip file whose trailer claims ~1 GB made the reader allocate and
    /// zero that much before inflating a single byte (a 5 KB file, a timeout per read).
    /// The claim is now capped by deflate's largest possible ratio.
    @Test func gzipSizeClaimIsNotTrusted() {
        var bytes = Gzip.compress(Array("a small index file".utf8))
        let n = bytes.count
        bytes[n - 4] = 0xF0; bytes[n - 3] = 0xFF; bytes[n - 2] = 0xFF; bytes[n - 1] = 0x3F  // ISIZE ≈ 1 GB
        // zlib rejects the wrong length at the end; what matters is that nothing near
        // a gigabyte was reserved on the way (capped at 1032 × the input).
        #expect(Gzip.decompress(bytes) == nil)
        var valid = Gzip.compress(Array(repeating: UInt8(ascii: "x"), count: 200_000))
        #expect(Gzip.decompress(valid)?.count == 200_000)
        valid[valid.count - 1] ^= 0  // unchanged: a real, large ratio still inflates fully
        #expect(Gzip.decompress(valid, limit: 100_000) == nil)
    }
}

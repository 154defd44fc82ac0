/// Little helpers for the index's binary files: unsigned LEB128 varints, length-prefixed
/// UTF-8 strings, little-endian float64. The reader never traps on bad bytes: every read
/// is bounds-checked and throws `IndexFormatError`.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: Int) {
        precondition(value >= 0)
        var v = UInt64(value)
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func string(_ s: String) {
        let b = Array(s.utf8)
        varint(b.count)
        bytes.append(contentsOf: b)
    }
    mutating func bytesWithLength(_ b: [UInt8]) {
        varint(b.count)
        bytes.append(contentsOf: b)
    }
    mutating func f64(_ d: Double) {
        var bits = d.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(bits & 0xFF))
            bits >>= 8
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int
    let file: String

    init(_ bytes: [UInt8], file: String, offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
        self.file = file
    }

    var atEnd: Bool { offset >= end }

    func fail(_ what: String) -> IndexFormatError {
        .corrupt(file: file, detail: "\(what) at byte \(offset)")
    }

    mutating func u8() throws -> UInt8 {
        guard offset < end else { throw fail("unexpected end of data") }
        let b = bytes[offset]
        offset += 1
        return b
    }
    mutating func varint() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            if shift > 49 { throw fail("varint too long") }
        }
        return Int(result)
    }
    mutating func skipVarint() throws {
        var n = 0
        while true {
            guard offset < end else { throw fail("unexpected end of data") }
            let b = bytes[offset]
            offset += 1
            n += 1
            if b & 0x80 == 0 { return }
            if n > 8 { throw fail("varint too long") }
        }
    }
    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= end - offset else { throw fail("length \(count) past end of data") }
        let s = bytes[offset..<(offset + count)]
        offset += count
        return s
    }
    mutating func string() throws -> String {
        let n = try varint()
        let s = try take(n)
        return String(decoding: s, as: UTF8.self)
    }
    mutating func f64() throws -> Double {
        let s = try take(8)
        var bits: UInt64 = 0
        for (i, b) in s.enumerated() { bits |= UInt64(b) << (8 * UInt64(i)) }
        return Double(bitPattern: bits)
    }
    mutating func expectMagic(_ magic: String) throws {
        let m = Array(magic.utf8)
        let got = try take(m.count)
        guard Array(got) == m else { throw IndexFormatError.corrupt(file: file, detail: "not a \(magic) file (bad magic bytes)") }
        let version = try u8()
        guard version == IndexFormat.version else {
            throw IndexFormatError.versionMismatch(file: file, found: "\(version)", expected: "\(IndexFormat.version)")
        }
    }
}

enum Checksum {
    static let crcTable: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
        return c
    }
    /// CRC-32 (IEEE 802.3), used in the manifest: zlib's (`Gzip.crc32`, the same
    /// checksum several bytes at a time; `crc32Bytewise` is the table walk, for tests).
    static func crc32(_ bytes: [UInt8]) -> UInt32 { Gzip.crc32(bytes) }

    static func crc32Bytewise(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
    /// FNV-1a 64, used only for content-hashed file names.
    static func fnv64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }
}

func hexBytes(_ b: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for x in b { out.append(digits[Int(x >> 4)]); out.append(digits[Int(x & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

func bytesFromHex(_ s: String) -> [UInt8]? {
    let u = Array(s.utf8)
    guard u.count % 2 == 0 else { return nil }
    func val(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        default: return nil
        }
    }
    var out: [UInt8] = []
    var i = 0
    while i < u.count {
        guard let a = val(u[i]), let b = val(u[i + 1]) else { return nil }
        out.append(a << 4 | b)
        i += 2
    }
    return out
}

/// Field lengths are stored as one byte: exact below 32, then floats with a 4-bit
/// mantissa: `decode(q) = (16 + (q - 32) % 16) << ((q - 32) / 16 + 1)` for q >= 32.
enum FieldNorm {
    static let decodeTable: [Int] = (0..<256).map { q in
        if q < 32 { return q }
        let k = q - 32
        return (16 + (k & 15)) << ((k >> 4) + 1)
    }
    static func encode(_ length: Int) -> UInt8 {
        if length < 32 { return UInt8(length) }
        var lo = 32, hi = 255
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if decodeTable[mid] <= length { lo = mid } else { hi = mid - 1 }
        }
        return UInt8(lo)
    }
}

/// Escaping for HTML text and attribute values, on UTF-8 bytes with a fast path for
/// strings that need none.
public enum HTMLEscaping {
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// Escapes `& < > " '`, which is safe both in text and in quoted attribute values.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    public static func append(_ text: some StringProtocol, to out: inout String) {
        // One pass over contiguous bytes (every String and Substring of one): the generic
        // `contains(where:)` over a UTF8View was most of a page's escaping.
        let done: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var i = 0
            while i < bytes.count, !needsEscape(bytes[i]) { i += 1 }
            if i == bytes.count {
                out += text
                return true
            }
            var pending: [UInt8] = []
            pending.reserveCapacity(bytes.count + 16)
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<i]))
            while i < bytes.count {
                appendEscaped(bytes[i], to: &pending)
                i += 1
            }
            out += String(decoding: pending, as: UTF8.self)
            return true
        }
        if done == nil { appendSlowly(text, to: &out) }
    }

    private static func appendSlowly(_ text: some StringProtocol, to out: inout String) {
        let utf8 = text.utf8
        guard utf8.contains(where: needsEscape) else {
            out += text
            return
        }
        var pending: [UInt8] = []
        pending.reserveCapacity(utf8.count + 16)
        for byte in utf8 { appendEscaped(byte, to: &pending) }
        out += String(decoding: pending, as: UTF8.self)
    }

    @inline(__always)
    private static func appendEscaped(_ byte: UInt8, to pending: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "&"): pending.append(contentsOf: "&amp;".utf8)
        case UInt8(ascii: "<"): pending.append(contentsOf: "&lt;".utf8)
        case UInt8(ascii: ">"): pending.append(contentsOf: "&gt;".utf8)
        case UInt8(ascii: "\""): pending.append(contentsOf: "&quot;".utf8)
        case UInt8(ascii: "'"): pending.append(contentsOf: "&#39;".utf8)
        default: pending.append(byte)
        }
    }
}

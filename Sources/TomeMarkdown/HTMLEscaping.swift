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
        let utf8 = text.utf8
        guard utf8.contains(where: needsEscape) else {
            out += text
            return
        }
        var pending: [UInt8] = []
        pending.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): pending += Array("&amp;".utf8)
            case UInt8(ascii: "<"): pending += Array("&lt;".utf8)
            case UInt8(ascii: ">"): pending += Array("&gt;".utf8)
            case UInt8(ascii: "\""): pending += Array("&quot;".utf8)
            case UInt8(ascii: "'"): pending += Array("&#39;".utf8)
            default: pending.append(byte)
            }
        }
        out += String(decoding: pending, as: UTF8.self)
    }
}

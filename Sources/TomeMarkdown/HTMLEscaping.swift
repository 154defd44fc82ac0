/// Escaping for HTML text and attribute values, on UTF-8 bytes: runs of bytes that need
/// no escape are copied whole.
public enum HTMLEscaping {
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// Escapes `& < > " '`, which is safe both in text and in quoted attribute values.
    public static func escape(_ text: some StringProtocol) -> String {
        var out: [UInt8] = []
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` escaped to UTF-8 output (`HTMLRenderer` writes its HTML as bytes:
    /// escaping C++ code blocks through an intermediate String was a page's main cost).
    public static func append(_ text: some StringProtocol, to out: inout [UInt8]) {
        // Every String and Substring has contiguous UTF-8; the generic walk is a fallback.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { append(bytes: $0, to: &out) }
        if done == nil {
            for byte in text.utf8 { appendEscaped(byte, to: &out) }
        }
    }

    static func append(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        for i in bytes.indices where needsEscape(bytes[i]) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            appendEscaped(bytes[i], to: &out)
            runStart = i + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    @inline(__always)
    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
        case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
        case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
        case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
        case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
        default: out.append(byte)
        }
    }
}

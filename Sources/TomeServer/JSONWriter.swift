/// A small, fast JSON writer for the API's responses (fixed key order, no reflection).
/// Strings never carry a raw `<`, `>` or `&` (they are written as `\u003c`...).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func key(_ k: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        raw(k)
        raw("\":")
        needsComma[needsComma.count - 1] = false
        pendingKey = true
    }

    private var pendingKey = false

    private mutating func beginValue() {
        if pendingKey {
            pendingKey = false
            needsComma[needsComma.count - 1] = true
        } else {
            separate()
        }
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ s: String) {
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether a byte is written escaped: `"`, `\\`, control characters, `<`, `>`, `&`.
    private static let escaped: [Bool] = (0..<256).map { b in
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26
    }

    /// Runs of bytes that need no escape are copied at once.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        Self.escaped.withUnsafeBufferPointer { escaped in
            var run = 0
            for i in 0..<utf8.count where escaped[Int(utf8[i])] {
                if run < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i])) }
                escape(utf8[i])
                run = i + 1
            }
            if run < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...])) }
        }
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case UInt8(ascii: "\n"): raw("\\n")
        case UInt8(ascii: "\r"): raw("\\r")
        case UInt8(ascii: "\t"): raw("\\t")
        // Never a raw `<`, `>` or `&`: a response read as HTML (a sniffing browser,
        // a proxy, JSON pasted into a page) cannot open a tag or an entity.
        case UInt8(ascii: "<"): raw("\\u003c")
        case UInt8(ascii: ">"): raw("\\u003e")
        case UInt8(ascii: "&"): raw("\\u0026")
        default:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            hex.withUTF8Buffer { h in
                bytes.append(h[Int(b >> 4)])
                bytes.append(h[Int(b & 15)])
            }
        }
    }

    mutating func number(_ n: Int) {
        beginValue()
        bytes.append(contentsOf: String(n).utf8)
    }

    mutating func number(_ d: Double) {
        beginValue()
        if d.isFinite { bytes.append(contentsOf: String(d).utf8) } else { raw("null") }
    }

    mutating func bool(_ v: Bool) {
        beginValue()
        if v { raw("true") } else { raw("false") }
    }

    mutating func null() {
        beginValue()
        raw("null")
    }

    mutating func strings(_ list: [String]) {
        array { w in for s in list { w.string(s) } }
    }
}

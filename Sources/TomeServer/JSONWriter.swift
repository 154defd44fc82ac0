/// A small, fast JSON writer for the API's responses (fixed key order, no reflection).
/// Strings never carry a raw `<`, `>` or `&` (they are written as `\u003c`...).
///
/// The output is written through a pointer into `storage` (zero-filled ahead of `used`),
/// each string in one pass with its escapes and quotes: no array append per byte or per
/// run of plain bytes.
struct JSONWriter {
    private var storage: [UInt8]
    private var used = 0
    /// Whether the next value of each open object or array needs a comma, one bit per
    /// level (the innermost lowest; levels past 64 in `deeper`).
    private var commas: UInt64 = 0
    private var depth = 0
    private var deeper: [Bool] = []
    /// A key was just written: its value needs no comma.
    private var afterKey = false

    init(capacity: Int = 1024) { storage = [UInt8](repeating: 0, count: max(64, capacity)) }

    /// The JSON written so far.
    var bytes: [UInt8] { Array(storage[0..<used]) }

    /// The JSON written so far, without copying it.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<used])) }
    }

    /// Writes at most `count` bytes through a pointer; `body` returns how many it wrote.
    @inline(__always) private mutating func write(atMost count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if used + count > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(storage.count, used + count - storage.count)))
        }
        let at = used
        used += storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + at) }
    }

    private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { s in write(atMost: s.count) { out in out.update(from: s.baseAddress!, count: s.count); return s.count } }
    }

    /// A comma if the value before needs one; the level then has a value.
    private mutating func separate() {
        let comma = commas & 1 != 0
        commas |= 1
        if comma { write(atMost: 1) { $0[0] = UInt8(ascii: ","); return 1 } }
    }

    mutating func key(_ k: StaticString) {
        let comma = commas & 1 != 0
        commas |= 1
        afterKey = true
        k.withUTF8Buffer { k in
            write(atMost: k.count + 4) { out in
                var o = 0
                if comma { out[0] = UInt8(ascii: ","); o = 1 }
                out[o] = UInt8(ascii: "\"")
                (out + o + 1).update(from: k.baseAddress!, count: k.count)
                o += 1 + k.count
                out[o] = UInt8(ascii: "\""); out[o + 1] = UInt8(ascii: ":")
                return o + 2
            }
        }
    }

    private mutating func beginValue() {
        if afterKey { afterKey = false } else { separate() }
    }

    private mutating func open(_ bracket: UInt8) {
        beginValue()
        write(atMost: 1) { $0[0] = bracket; return 1 }
        if depth >= 63 { deeper.append(commas >> 63 != 0) }
        commas <<= 1
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        commas >>= 1
        if depth >= 63 { commas |= deeper.removeLast() ? 1 << 63 : 0 }
        write(atMost: 1) { $0[0] = bracket; return 1 }
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "["))
        body(&self)
        close(UInt8(ascii: "]"))
    }

    mutating func string(_ s: String) {
        beginValue()
        var s = s
        s.withUTF8 { utf8 in
            // at most 6 bytes per input byte (`\u00XX`) and the quotes
            write(atMost: utf8.count * 6 + 2) { out in Self.quoted(utf8, into: out) }
        }
    }

    /// Whether a byte is written escaped: `"`, `\\`, control characters, `<`, `>`, `&`.
    @inline(__always) static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26
    }

    /// Whether any of eight bytes may need an escape (never false when one does).
    @inline(__always) static func mayNeedEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let control = (w &- ones &* 0x20) & ~w & highs  // a byte below 0x20
        return control | hasZero(w ^ (ones &* 0x22)) | hasZero(w ^ (ones &* 0x5C)) | hasZero(w ^ (ones &* 0x3C))
            | hasZero(w ^ (ones &* 0x3E)) | hasZero(w ^ (ones &* 0x26)) != 0
    }

    /// `utf8` in quotes with its escapes; eight plain bytes are copied at a time.
    private static func quoted(_ utf8: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        out[o] = UInt8(ascii: "\""); o += 1
        if let base = utf8.baseAddress {
            let n = utf8.count
            var i = 0
            while i < n {
                if i + 8 <= n {
                    let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if !mayNeedEscape(w) {
                        UnsafeMutableRawPointer(out + o).storeBytes(of: w, as: UInt64.self)
                        i += 8; o += 8
                        continue
                    }
                }
                let b = base[i]
                i += 1
                if !needsEscape(b) { out[o] = b; o += 1; continue }
                out[o] = UInt8(ascii: "\\")
                switch b {
                case UInt8(ascii: "\""): out[o + 1] = UInt8(ascii: "\""); o += 2
                case UInt8(ascii: "\\"): out[o + 1] = UInt8(ascii: "\\"); o += 2
                case UInt8(ascii: "\n"): out[o + 1] = UInt8(ascii: "n"); o += 2
                case UInt8(ascii: "\r"): out[o + 1] = UInt8(ascii: "r"); o += 2
                case UInt8(ascii: "\t"): out[o + 1] = UInt8(ascii: "t"); o += 2
                default:
                    // `\u00XX`, lower-case hex. Never a raw `<`, `>` or `&`: a response read
                    // as HTML (a sniffing browser, a proxy, JSON pasted into a page) cannot
                    // open a tag or an entity.
                    let hex: StaticString = "0123456789abcdef"
                    out[o + 1] = UInt8(ascii: "u"); out[o + 2] = UInt8(ascii: "0"); out[o + 3] = UInt8(ascii: "0")
                    out[o + 4] = hex.utf8Start[Int(b >> 4)]; out[o + 5] = hex.utf8Start[Int(b & 15)]
                    o += 6
                }
            }
        }
        out[o] = UInt8(ascii: "\""); o += 1
        return o
    }

    /// Decimal digits written straight into the output (as `String(n)` spells them).
    mutating func number(_ n: Int) {
        beginValue()
        write(atMost: 21) { out in
            var v = n.magnitude, digits = 0
            repeat { digits += 1; v /= 10 } while v > 0
            let sign = n < 0 ? 1 : 0
            if sign == 1 { out[0] = UInt8(ascii: "-") }
            v = n.magnitude
            var at = sign + digits
            repeat {
                at -= 1
                out[at] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            return sign + digits
        }
    }

    mutating func number(_ d: Double) {
        guard d.isFinite else { beginValue(); raw("null"); return }
        beginValue()
        var s = String(d)
        s.withUTF8 { u in write(atMost: u.count) { out in out.update(from: u.baseAddress!, count: u.count); return u.count } }
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

import Foundation
import Testing
@testable import TomeServer

/// `JSONWriter` (pointer writes, eight plain bytes at a time, a bit per nesting level)
/// against a plain reference written from its contract: `"`, `\`, `\n`, `\r`, `\t` as
/// two-character escapes, other control characters and `<`, `>`, `&` as `\u00XX`
/// (lower-case hex), everything else as is; numbers as `String(n)` / `String(d)`.
struct JSONWriterTests {
    static func reference(_ s: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in s.utf8 {
            switch b {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20, 0x3C, 0x3E, 0x26:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    static let strings: [String] = {
        var list = ["", "a", "plain ascii text", "12345678", "1234567\"", "\"1234567", "template <class T> & co",
                    "line\nbreak\r\ttab\u{1}\u{1f}\u{7f}", "é😀 naïve — “quotes”", "</script><script>alert(1)</script>",
                    String(repeating: "x", count: 300), String(repeating: "<&>", count: 40), "\\\\\\"]
        // every byte that needs an escape at every offset of a 17-byte string
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1b}", "<", ">", "&"] {
            for at in 0..<17 { list.append(String(repeating: "a", count: at) + special + String(repeating: "b", count: 16 - at)) }
        }
        return list
    }()

    @Test func stringsEqualReference() {
        for s in Self.strings {
            var w = JSONWriter(capacity: 1)  // grows on every string
            w.string(s)
            #expect(w.bytes == Self.reference(s), "\(s.debugDescription)")
        }
    }

    @Test func numbersAsStringsSpellThem() {
        let ints = [0, 1, -1, 9, 10, 99, 100, -100, 1_234_567_890, Int.max, Int.min, Int.min + 1]
        let doubles = [0.0, -0.0, 1.5, 3.405618504992245, 1e-7, 1.0e21, -2.5e-300, Double.greatestFiniteMagnitude]
        var w = JSONWriter()
        w.array { a in
            for n in ints { a.number(n) }
            for d in doubles { a.number(d) }
            a.number(Double.nan); a.number(Double.infinity)
        }
        let want = "[" + (ints.map { String($0) } + doubles.map { String($0) } + ["null", "null"]).joined(separator: ",") + "]"
        #expect(String(decoding: w.bytes, as: UTF8.self) == want)
    }

    /// Commas at every level, past the 64 levels kept in one word.
    @Test func deepNestingKeepsCommas() throws {
        var w = JSONWriter()
        func nest(_ w: inout JSONWriter, _ depth: Int) {
            w.object { o in
                o.key("a"); o.number(depth)
                o.key("b")
                if depth < 70 { nest(&o, depth + 1) } else { o.null() }
                o.key("c"); o.array { $0.bool(true); $0.bool(false); $0.string("x") }
            }
        }
        w.array { a in nest(&a, 0); a.number(1) }
        var want = ""
        for d in 0...70 { want += "{\"a\":\(d),\"b\":" }
        want += "null"
        for _ in 0...70 { want += ",\"c\":[true,false,\"x\"]}" }
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[" + want + ",1]")
        #expect(try JSONSerialization.jsonObject(with: Data(w.bytes)) is [Any])
    }
}

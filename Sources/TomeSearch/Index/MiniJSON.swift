/// A small strict JSON reader for the manifest and analyzer files (no Foundation).
enum JSONValue: Equatable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var double: Double? { if case .number(let d) = self { return d }; return nil }
    var int: Int? {
        if case .number(let d) = self, d.rounded() == d, abs(d) < 9.0e15 { return Int(d) }
        return nil
    }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }

    struct ParseError: Error { var offset: Int; var message: String }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var p = Parser(b: bytes)
        let v = try p.value(depth: 0)
        p.ws()
        guard p.i == bytes.count else { throw ParseError(offset: p.i, message: "trailing data") }
        return v
    }

    private struct Parser {
        let b: [UInt8]
        var i = 0

        mutating func ws() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        func err(_ m: String) -> ParseError { ParseError(offset: i, message: m) }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 64 else { throw err("nesting too deep") }
            ws()
            guard i < b.count else { throw err("unexpected end") }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1
                var o: [String: JSONValue] = [:]
                ws()
                if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                while true {
                    ws()
                    guard case .string(let k) = try value(depth: depth + 1) else { throw err("expected key") }
                    ws()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { throw err("expected ':'") }
                    i += 1
                    o[k] = try value(depth: depth + 1)
                    ws()
                    guard i < b.count else { throw err("unexpected end") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                    throw err("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                i += 1
                var a: [JSONValue] = []
                ws()
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    a.append(try value(depth: depth + 1))
                    ws()
                    guard i < b.count else { throw err("unexpected end") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                    throw err("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                i += 1
                var out: [UInt8] = []
                while true {
                    guard i < b.count else { throw err("unterminated string") }
                    let c = b[i]
                    i += 1
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\") {
                        guard i < b.count else { throw err("bad escape") }
                        let e = b[i]
                        i += 1
                        switch e {
                        case UInt8(ascii: "n"): out.append(0x0A)
                        case UInt8(ascii: "r"): out.append(0x0D)
                        case UInt8(ascii: "t"): out.append(0x09)
                        case UInt8(ascii: "b"): out.append(0x08)
                        case UInt8(ascii: "f"): out.append(0x0C)
                        case UInt8(ascii: "u"):
                            guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                                throw err("bad \\u escape")
                            }
                            i += 4
                            var scalarValue = v
                            if v >= 0xD800 && v < 0xDC00, i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                               let lo = UInt32(String(decoding: b[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), lo >= 0xDC00, lo < 0xE000 {
                                scalarValue = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                                i += 6
                            }
                            let s = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                            out.append(contentsOf: Array(String(s).utf8))
                        default: out.append(e)
                        }
                    } else {
                        out.append(c)
                    }
                }
                return .string(String(decoding: out, as: UTF8.self))
            case UInt8(ascii: "t"):
                guard i + 4 <= b.count, Array(b[i..<(i + 4)]) == Array("true".utf8) else { throw err("bad literal") }
                i += 4
                return .bool(true)
            case UInt8(ascii: "f"):
                guard i + 5 <= b.count, Array(b[i..<(i + 5)]) == Array("false".utf8) else { throw err("bad literal") }
                i += 5
                return .bool(false)
            case UInt8(ascii: "n"):
                guard i + 4 <= b.count, Array(b[i..<(i + 4)]) == Array("null".utf8) else { throw err("bad literal") }
                i += 4
                return .null
            default:
                let start = i
                while i < b.count, let c = Optional(b[i]),
                      (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    i += 1
                }
                guard i > start, let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else { throw err("bad value") }
                return .number(d)
            }
        }
    }
}

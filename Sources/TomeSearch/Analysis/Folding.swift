/// Case and diacritic folding, a small stdlib-only approximation of NFKC + case folding
/// + accent stripping. What is covered (and written into every index's analyzer file,
/// so the browser engine applies exactly the same table):
///
/// - ASCII: `A`–`Z` lower-cased (the fast path; no table lookup).
/// - Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional
///   (U+00C0–U+024F, U+1E00–U+1EFF): letters map to their base letter, lower-cased
///   (`É`→`e`, `ł`→`l`, `ø`→`o`), plus `ß`→`ss`, `æ`→`ae`, `œ`→`oe`, `þ`→`th`,
///   `ð`→`d`, `ĳ`→`ij`.
/// - Fullwidth ASCII (U+FF01–U+FF5E) to ASCII, Latin ligatures U+FB00–U+FB06
///   (`ﬁ`→`fi`), superscript/subscript digits to digits.
/// - Combining marks (general category Mn/Me) are dropped.
/// - Every other scalar is lower-cased with its Unicode lowercase mapping.
public enum Folding {
    /// Folded UTF-8 bytes for one non-ASCII scalar; empty means "drop the scalar".
    public static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let mapped = table[scalar.value] { return mapped }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return []
        default: break
        }
        var out: [UInt8] = []
        for s in scalar.properties.lowercaseMapping.unicodeScalars { out.append(contentsOf: Array(String(s).utf8)) }
        return out
    }

    /// The explicit part of the folding: scalar value -> folded string. Sorted by scalar
    /// when serialised; built deterministically from Unicode scalar names.
    public static let table: [UInt32: [UInt8]] = buildTable()

    private static let specials: [UInt32: String] = [
        0x00DF: "ss", 0x1E9E: "ss", 0x00C6: "ae", 0x00E6: "ae", 0x0152: "oe", 0x0153: "oe",
        0x00DE: "th", 0x00FE: "th", 0x00D0: "d", 0x00F0: "d", 0x0132: "ij", 0x0133: "ij",
        0x0131: "i", 0x0138: "q", 0x0149: "n", 0x017F: "s", 0x01C4: "dz", 0x01C5: "dz", 0x01C6: "dz",
        0x01C7: "lj", 0x01C8: "lj", 0x01C9: "lj", 0x01CA: "nj", 0x01CB: "nj", 0x01CC: "nj",
        0x01F1: "dz", 0x01F2: "dz", 0x01F3: "dz", 0x00AA: "a", 0x00BA: "o",
        0x00B2: "2", 0x00B3: "3", 0x00B9: "1",
        0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
    ]

    private static func buildTable() -> [UInt32: [UInt8]] {
        var t: [UInt32: [UInt8]] = [:]
        for (k, v) in specials { t[k] = Array(v.utf8) }
        let ranges: [ClosedRange<UInt32>] = [0x00C0...0x024F, 0x1E00...0x1EFF]
        for r in ranges {
            for v in r where t[v] == nil {
                guard let s = Unicode.Scalar(v), let name = s.properties.name else { continue }
                // "LATIN CAPITAL LETTER E WITH ACUTE", "LATIN SMALL LETTER O WITH STROKE"
                let words = name.split(separator: " ")
                guard words.count >= 4, words[0] == "LATIN", words[2] == "LETTER",
                      words[1] == "CAPITAL" || words[1] == "SMALL" else { continue }
                let letter = words[3]
                guard letter.count == 1, let c = letter.unicodeScalars.first, c.isASCII,
                      (65...90).contains(c.value) else { continue }
                if words.count > 4 && words[4] != "WITH" { continue }
                t[v] = [UInt8(c.value + 32)]
            }
        }
        for v in UInt32(0xFF01)...0xFF5E {
            var b = UInt8(v - 0xFEE0)
            if b >= 65 && b <= 90 { b += 32 }
            t[v] = [b]
        }
        let supers: [UInt32: UInt8] = [0x2070: 48, 0x2074: 52, 0x2075: 53, 0x2076: 54, 0x2077: 55, 0x2078: 56, 0x2079: 57]
        for (k, d) in supers { t[k] = [d] }
        for i in UInt32(0)...9 { t[0x2080 + i] = [UInt8(48 + i)] }
        return t
    }

    /// Whether a (non-ASCII) scalar belongs inside a word.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if table[s.value] != nil { return true }
        let p = s.properties
        if p.isAlphabetic { return true }
        switch p.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}

/// Characters XML 1.0 can carry, and escaping for the HTML we serialise ourselves.
enum XMLText {
    /// Whether XML 1.0 allows `scalar` in a document (`Char` production).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `string` without the characters XML cannot carry (control characters, U+FFFE,
    /// U+FFFF). They are dropped rather than being fatal.
    static func clean(_ string: String) -> String {
        guard string.unicodeScalars.contains(where: { !isAllowed($0) }) else { return string }
        var out = String.UnicodeScalarView()
        for scalar in string.unicodeScalars where isAllowed(scalar) { out.append(scalar) }
        return String(out)
    }

    /// Appends `string` escaped for HTML/XML character data (`&`, `<`, `>`) or, with
    /// `attribute`, for a double-quoted attribute value (also `"`). Characters XML
    /// cannot carry are dropped.
    static func appendEscaped(_ string: String, attribute: Bool, to out: inout String) {
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            default:
                if isAllowed(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
    }
}

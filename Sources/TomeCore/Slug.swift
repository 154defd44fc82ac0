/// GitHub-style slugs for heading anchors and URL segments.
///
/// Lower-cases letters, keeps letters, digits, `-` and `_`, turns spaces into `-`, and
/// drops everything else (punctuation, symbols). Non-ASCII letters are kept, as GitHub
/// does, so `Übersicht` becomes `übersicht`.
public enum Slug {
    public static func make(_ text: some StringProtocol) -> String {
        if let slug = asciiSlug(text) { return slug }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "A"..."Z":
                out.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
            case "a"..."z", "0"..."9", "-", "_":
                out.unicodeScalars.append(scalar)
            case " ", "\t", "\n":
                out.append("-")
            default:
                if scalar.value >= 0x80, scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    out.append(contentsOf: String(scalar).lowercased())
                }
            }
        }
        return out
    }

    /// A slug for a URL path segment: like `make`, but runs of `-` collapse and the
    /// ends are trimmed, so `"  A -- B "` becomes `a-b`.
    public static func segment(_ text: some StringProtocol) -> String {
        let slug = make(text)
        if let segment = asciiSegment(slug) { return segment }
        var out = ""
        var lastWasDash = false
        for ch in slug {
            if ch == "-" {
                if !lastWasDash, !out.isEmpty { out.append("-") }
                lastWasDash = true
            } else {
                out.append(ch)
                lastWasDash = false
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}

extension Slug {
    /// `make` for ASCII text, over its bytes (scalar by scalar, a heading's slug cost
    /// more than rendering the heading); nil for other text.
    static func asciiSlug(_ text: some StringProtocol) -> String? {
        let slug = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): out[count] = byte + 32
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): out[count] = byte
                    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"): out[count] = UInt8(ascii: "-")
                    default: continue
                    }
                    count += 1
                }
                return count
            }
        }
        return slug ?? nil
    }

    /// `segment`'s collapsing and trimming of `-` for an ASCII slug, over its bytes.
    static func asciiSegment(_ slug: String) -> String? {
        var slug = slug
        return slug.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                var lastWasDash = false
                for byte in bytes {
                    if byte == UInt8(ascii: "-") {
                        if !lastWasDash, count > 0 { out[count] = byte; count += 1 }
                        lastWasDash = true
                    } else {
                        out[count] = byte
                        count += 1
                        lastWasDash = false
                    }
                }
                while count > 0, out[count - 1] == UInt8(ascii: "-") { count -= 1 }
                return count
            }
        }
    }
}

/// Hands out unique anchors within one page: `faq`, `faq-1`, `faq-2`, as GitHub does.
public struct AnchorAllocator: Sendable {
    private var used: [String: Int] = [:]

    public init(reserved: some Sequence<String> = []) {
        for id in reserved { used[id] = 0 }
    }

    public mutating func unique(for text: String) -> String {
        unique(slug: Slug.make(text))
    }

    public mutating func unique(slug base: String) -> String {
        let base = base.isEmpty ? "section" : base
        guard let count = used[base] else {
            used[base] = 0
            return base
        }
        var n = count + 1
        while used["\(base)-\(n)"] != nil { n += 1 }
        used[base] = n
        used["\(base)-\(n)"] = 0
        return "\(base)-\(n)"
    }
}

/// GitHub-style slugs for heading anchors and URL segments.
///
/// Lower-cases letters, keeps letters, digits, `-` and `_`, turns spaces into `-`, and
/// drops everything else (punctuation, symbols). Non-ASCII letters are kept, as GitHub
/// does, so `Übersicht` becomes `übersicht`.
public enum Slug {
    public static func make(_ text: some StringProtocol) -> String {
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
        var out = ""
        var lastWasDash = false
        for ch in make(text) {
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

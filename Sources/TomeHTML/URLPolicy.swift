/// Which URLs raw HTML may point at.
///
/// Browsers strip leading and trailing control characters and spaces from a URL and
/// remove tabs and newlines anywhere in it before they look for a scheme, and schemes
/// are case-insensitive; so does this check, after the HTML parser has decoded
/// character references. A scheme that is not plain ASCII letters, digits, `+`, `-`
/// and `.` is refused outright, which catches the remaining obfuscations.
enum URLPolicy {
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]
    static let allowedDataImageTypes = ["image/png", "image/gif", "image/jpeg", "image/webp"]

    /// The URL as a browser would look at it: trimmed, tabs and newlines removed.
    static func normalized(_ value: String) -> String {
        // Most URLs have nothing to trim or remove: a first and last byte above space
        // (a byte of a multi-byte character is above it too) and no tab or newline.
        let utf8 = value.utf8
        if let first = utf8.first, let last = utf8.last, first > 0x20, last > 0x20,
           !utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return value
        }
        var scalars = Array(value.unicodeScalars)
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        var out = String.UnicodeScalarView()
        for scalar in scalars where scalar != "\t" && scalar != "\n" && scalar != "\r" {
            out.append(scalar)
        }
        return String(out)
    }

    /// The lower-cased scheme, `""` for a relative URL (no `:` before the first `/`,
    /// `?` or `#`), or nil when the text before the colon cannot be a scheme, or holds
    /// an `&`, and so might be an obfuscated one.
    static func scheme(of normalized: String) -> String? {
        // Bytes, not scalars: every character that matters is ASCII, and a byte of a
        // multi-byte character matches none of them.
        let bytes = normalized.utf8
        for i in bytes.indices {
            switch bytes[i] {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                return ""
            case UInt8(ascii: "&"):
                // A character reference the parser did not know (`&colon;`, `&Tab;`):
                // browsers may decode it, so the scheme cannot be trusted.
                return nil
            case UInt8(ascii: ":"):
                guard i != bytes.startIndex else { return nil }
                var scheme: [UInt8] = []
                for c in bytes[..<i] {
                    switch c {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                         UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."): scheme.append(c)
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): scheme.append(c + 32)
                    default: return nil
                    }
                }
                return String(decoding: scheme, as: UTF8.self)
            default:
                continue
            }
        }
        return ""
    }

    /// Whether `value` is a safe link or resource URL: http, https, mailto, tel,
    /// relative, or a fragment; with `allowDataImage`, also a `data:` PNG, GIF, JPEG or
    /// WebP image (never SVG, which can carry script).
    static func isSafe(_ value: String, allowDataImage: Bool = false) -> Bool {
        let url = normalized(value)
        guard let scheme = scheme(of: url) else { return false }
        if scheme.isEmpty || allowedSchemes.contains(scheme) { return true }
        guard scheme == "data", allowDataImage else { return false }
        let rest = url.dropFirst(5).lowercased()
        return allowedDataImageTypes.contains { type in
            rest.hasPrefix(type + ";") || rest.hasPrefix(type + ",")
        }
    }

    /// Every URL of a `srcset` list is safe (data URLs are not allowed there).
    static func isSafeSourceSet(_ value: String) -> Bool {
        for candidate in value.split(separator: ",") {
            let url = candidate.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first ?? ""
            if !isSafe(String(url)) { return false }
        }
        return true
    }

    /// The host of an absolute `https://` URL, lower-cased, or nil when the URL is not
    /// https, names a user or a port, or has no host.
    static func httpsHost(of value: String) -> String? {
        let url = normalized(value)
        guard url.lowercased().hasPrefix("https://") else { return nil }
        let afterScheme = url.dropFirst("https://".count)
        let host = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        guard !host.isEmpty, !host.contains("@"), !host.contains(":") else { return nil }
        return host.lowercased()
    }
}

/// The rule for URLs written in Markdown (`[x](javascript:alert(1))`, `![](data:text/html,…)`),
/// which reach the page without passing through the sanitiser: the build asks here.
/// Schemes that can run script are refused, and so is text that hides its scheme;
/// other schemes (`ftp:`, `xref:`, app links) are left alone, unlike in raw HTML.
public enum MarkdownURLPolicy {
    static let scriptSchemes: Set<String> = ["javascript", "vbscript", "livescript", "data"]

    /// False for a URL that could run script when followed or loaded.
    public static func isSafe(_ url: String, image: Bool) -> Bool {
        let normalized = URLPolicy.normalized(url)
        guard let scheme = URLPolicy.scheme(of: normalized) else {
            // `&` before the colon in a Markdown destination is literal text, not an
            // entity (cmark decoded those already): only refuse it when a colon follows.
            let end = normalized.firstIndex { "/?#".contains($0) } ?? normalized.endIndex
            return !normalized[..<end].contains(":")
        }
        guard scriptSchemes.contains(scheme) else { return true }
        return scheme == "data" && image && URLPolicy.isSafe(normalized, allowDataImage: true)
    }
}

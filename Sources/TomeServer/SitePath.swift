/// Turns a request path into path segments below the site folder, refusing anything
/// that could leave it: `..` and `.` segments (also percent-encoded), encoded slashes or
/// backslashes, NUL, invalid percent-encoding, hidden files. Symlinks are checked
/// afterwards against the real path of the site folder (`StaticFiles`).
enum SitePath {
    enum Problem: Error, Equatable {
        case malformed
        case forbidden
    }

    /// `/support/faq/` → `["support", "faq"]` and whether it ended with a slash.
    static func segments(_ rawPath: String) throws(Problem) -> (segments: [String], trailingSlash: Bool) {
        let bytes = Array(rawPath.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .malformed }
        var segments: [String] = []
        var current: [UInt8] = []
        var i = 1
        func finish() throws(Problem) {
            defer { current.removeAll(keepingCapacity: true) }
            if current.isEmpty { return }
            guard let s = String(validating: current, as: UTF8.self) else { throw .malformed }
            if s == "." || s == ".." { throw .forbidden }
            if s.hasPrefix(".") && s != ".well-known" { throw .forbidden }
            segments.append(s)
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "/"):
                try finish()
                i += 1
            case UInt8(ascii: "%"):
                guard i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) else { throw .malformed }
                let decoded = hi << 4 | lo
                if decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") || decoded == 0 { throw .forbidden }
                current.append(decoded)
                i += 3
            case 0, UInt8(ascii: "\\"):
                throw .forbidden
            case UInt8(ascii: "?"), UInt8(ascii: "#"):
                i = bytes.count
            default:
                current.append(b)
                i += 1
            }
        }
        try finish()
        let trailing = bytes.count > 1 && bytes.last == UInt8(ascii: "/")
        return (segments, trailing)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

import TomeSearch

/// `Content-Encoding: gzip` for the server's responses, through TomeSearch's `Gzip`.
///
/// What is compressed: text-like types (HTML, CSS, JavaScript, JSON, XML, SVG, Markdown,
/// plain text) of at least `minimumBytes`, and only when the result is smaller. Not the
/// search index's `.bin` files (already gzip, `application/octet-stream`), not images,
/// fonts or video (already compressed).
enum HTTPCompression {
    /// Below this a gzip header and trailer (18 bytes) and a round of deflate win little.
    static let minimumBytes = 512

    static func isCompressible(contentType: String) -> Bool {
        let type = contentType.prefix { $0 != ";" }
        if type.hasPrefix("text/") { return true }
        switch type {
        case "application/json", "application/xml", "application/atom+xml", "application/manifest+json", "image/svg+xml":
            return true
        default:
            return false
        }
    }

    /// Whether `Accept-Encoding` admits gzip: `gzip` (or `x-gzip`) with a non-zero q, or
    /// `*` with a non-zero q when gzip is not named. Absent header: no.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Double?
        var star: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let first = parts.first else { continue }
            let coding = first.trimmingSpaces.lowercased()
            var q = 1.0
            for parameter in parts.dropFirst() {
                let p = parameter.trimmingSpaces
                if p.lowercased().hasPrefix("q=") { q = Double(p.dropFirst(2)) ?? 0 }
            }
            switch coding {
            case "gzip", "x-gzip": gzip = max(gzip ?? 0, q)
            case "*": star = q
            default: continue
            }
        }
        if let gzip { return gzip > 0 }
        return (star ?? 0) > 0
    }

    /// `input` gzipped (TomeSearch's `Gzip`, the project's one zlib wrapper); nil when
    /// the result would not be smaller than the input.
    static func gzip(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8]? {
        let output = Gzip.compress(Array(input), level: level)
        return output.count < input.count ? output : nil
    }
}

import CZlib

/// `Content-Encoding: gzip` for the server's responses: the one file of TomeServer that
/// touches zlib (the search index's own gzip lives in TomeSearch and is not public).
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

    /// One gzip member (RFC 1952) of `input`, deflated in 64 KB steps; nil when zlib
    /// fails or the result would not be smaller than the input.
    static func gzip(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 3 + 64)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = uInt(input.count)
        var status = Z_OK
        repeat {
            chunk.withUnsafeMutableBufferPointer { c in
                stream.next_out = c.baseAddress
                stream.avail_out = uInt(c.count)
                status = deflate(&stream, Z_FINISH)
                output.append(contentsOf: c.prefix(c.count - Int(stream.avail_out)))
            }
            if output.count >= input.count { return nil }
        } while status == Z_OK  // Z_OK with Z_FINISH: the output chunk was full
        return status == Z_STREAM_END ? output : nil
    }
}

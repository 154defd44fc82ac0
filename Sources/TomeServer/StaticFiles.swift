import Hummingbird

/// Serves files below the site folder: pretty URLs (`/a/b/` → `a/b/index.html`),
/// content types, ETag and Last-Modified with conditional requests, the site's
/// `404.html`, and (when live reload is on) the reload script in every HTML page.
package struct StaticFiles: Sendable {
    let site: PublishedSite
    let liveReload: Bool

    enum Outcome: Equatable {
        case file(path: String, info: FileSystem.Info)
        case redirect(String)
        case notFound
        case badRequest
    }

    /// Where a request path leads. Never a file outside the site folder's real path.
    func resolve(_ rawPath: String, query: String?) -> Outcome {
        let parsed: (segments: [String], trailingSlash: Bool)
        do {
            parsed = try SitePath.segments(rawPath)
        } catch {
            return error == .malformed ? .badRequest : .notFound
        }
        guard let root = site.realRoot() else { return .notFound }
        var candidate = root
        for s in parsed.segments { candidate += "/" + s }
        if let info = FileSystem.info(candidate), info.isDirectory {
            if !parsed.segments.isEmpty && !parsed.trailingSlash {
                let location = "/" + parsed.segments.map(Self.encodeSegment).joined(separator: "/") + "/"
                return .redirect(query.map { location + "?" + $0 } ?? location)
            }
            candidate += "/index.html"
        } else if FileSystem.info(candidate) == nil, !parsed.segments.isEmpty, !parsed.trailingSlash,
                  FileSystem.info(candidate + ".html")?.isRegular == true {
            candidate += ".html"
        }
        return Self.contained(candidate, in: root)
    }

    /// The candidate's real path, if it is a regular file strictly inside `root`.
    static func contained(_ candidate: String, in root: String) -> Outcome {
        guard let real = FileSystem.realPath(candidate), real.hasPrefix(root + "/"),
              let info = FileSystem.info(real), info.isRegular else { return .notFound }
        return .file(path: real, info: info)
    }

    package static func encodeSegment(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }

    func respond(to request: Request) -> Response {
        switch resolve(request.uri.path, query: request.uri.query) {
        case .badRequest:
            return APIError(.badRequest, "malformed path").response
        case .redirect(let location):
            return Response(status: .movedPermanently, headers: [.location: location, .contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Moved to \(location)\n")))
        case .notFound:
            return notFound(request)
        case .file(let path, let info):
            return serve(path: path, info: info, status: .ok, request: request)
        }
    }

    func notFound(_ request: Request) -> Response {
        if let root = site.realRoot(), case .file(let path, let info) = Self.contained(root + "/404.html", in: root) {
            return serve(path: path, info: info, status: .notFound, request: request, conditional: false)
        }
        return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
    }

    func serve(path: String, info: FileSystem.Info, status: HTTPResponse.Status, request: Request, conditional: Bool = true) -> Response {
        let type = ContentTypes.type(forPath: path)
        let inject = liveReload && type.hasPrefix("text/html")
        // The same URL may answer in two encodings: caches must key on Accept-Encoding.
        let negotiable = HTTPCompression.isCompressible(contentType: type) && info.size >= HTTPCompression.minimumBytes
        let wantsGzip = negotiable && HTTPCompression.acceptsGzip(request.headers[.acceptEncoding])
        guard let file = site.files.representation(of: path, info: info, reloadScript: inject, gzip: wantsGzip) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
        }
        var body = file.gzip ?? file.body, status = status
        // A validator per representation (RFC 9110 8.8.3): the gzip form has its own ETag.
        let etag = "\"\(String(info.size, radix: 16))-\(String(info.modifiedNanoseconds, radix: 16))\(inject ? "-lr" : "")\(file.gzip != nil ? "-gz" : "")\""
        let lastModified = FileSystem.httpDate(info.modifiedSeconds)
        var headers: HTTPFields = [
            .contentType: type,
            .eTag: etag,
            .lastModified: lastModified,
            .cacheControl: !liveReload && ContentTypes.isImmutable(path) ? "public, max-age=31536000, immutable" : "no-cache",
            .xContentTypeOptions: "nosniff",
        ]
        if negotiable { headers[.vary] = "Accept-Encoding" }
        if file.gzip != nil { headers[.contentEncoding] = "gzip" }
        if conditional && status == .ok {
            if let match = request.headers[.ifNoneMatch] {
                if match.split(separator: ",").contains(where: { let t = $0.trimmingSpaces; return t == etag || t == "W/" + etag || t == "*" }) {
                    return Response(status: .notModified, headers: headers)
                }
            } else if let since = request.headers[.ifModifiedSince], since == lastModified {
                return Response(status: .notModified, headers: headers)
            }
        }
        // Byte ranges of the identity form (the browser engine reads doc store records
        // with `Range`); an If-Range that does not match asks for the whole file.
        if file.gzip == nil && status == .ok {
            headers[.acceptRanges] = "bytes"
            if let spec = request.headers[.range], request.headers[.ifRange].map({ $0 == etag }) ?? true {
                switch Self.byteRange(spec, size: body.readableBytes) {
                case .whole:
                    break
                case .part(let r):
                    headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound - 1)/\(body.readableBytes)"
                    body = body.getSlice(at: body.readerIndex + r.lowerBound, length: r.count) ?? body
                    status = .partialContent
                case .unsatisfiable:
                    headers[.contentRange] = "bytes */\(body.readableBytes)"
                    headers[.contentLength] = "0"
                    return Response(status: .rangeNotSatisfiable, headers: headers, body: .init())
                }
            }
        }
        headers[.contentLength] = String(body.readableBytes)
        if request.method == .head {
            return Response(status: status, headers: headers, body: .init())
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    enum ByteRange: Equatable {
        /// no usable range (malformed, another unit, several ranges): the whole file, 200
        case whole
        case part(Range<Int>)
        case unsatisfiable
    }

    /// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range of a file of `size` bytes
    /// (RFC 9110 14.1.2), `b` clamped to the end.
    static func byteRange(_ spec: String, size: Int) -> ByteRange {
        guard spec.hasPrefix("bytes="), !spec.contains(",") else { return .whole }
        let parts = spec.dropFirst(6).trimmingSpaces.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII) else { return .whole }
        let first = parts[0].isEmpty ? nil : Int(parts[0]), last = parts[1].isEmpty ? nil : Int(parts[1])
        switch (first, last) {
        case (let a?, nil) where parts[1].isEmpty:
            return a < size ? .part(a..<size) : .unsatisfiable
        case (let a?, let b?) where a <= b:
            return a < size ? .part(a..<min(b + 1, size)) : .unsatisfiable
        case (nil, let n?) where parts[0].isEmpty:
            return n > 0 && size > 0 ? .part(max(0, size - n)..<size) : .unsatisfiable
        default:
            return .whole
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

enum ContentTypes {
    static func type(forPath path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "application/octet-stream" }
        switch path[path.index(after: dot)...].lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "xml": return "application/xml; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "ico": return "image/x-icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "pdf": return "application/pdf"
        case "mp4": return "video/mp4"
        case "webm": return "video/webm"
        case "bin": return "application/octet-stream"
        case "atom": return "application/atom+xml"
        case "webmanifest": return "application/manifest+json"
        default: return "application/octet-stream"
        }
    }

    /// Search index files are named by their content's hash (`t-0123456789abcdef.bin`),
    /// so they never change under the same name.
    static func isImmutable(_ path: String) -> Bool {
        guard let slash = path.lastIndex(of: "/") else { return false }
        let name = path[path.index(after: slash)...].utf8
        guard name.count >= 18, let second = name.dropFirst().first, second == UInt8(ascii: "-") else { return false }
        let hash = name.dropFirst(2).prefix(16)
        guard hash.count == 16, hash.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return false }
        return name.dropFirst(18).first == UInt8(ascii: ".")
    }
}

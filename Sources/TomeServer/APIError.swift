import Hummingbird

/// A JSON error body: `{"error":{"status":400,"message":"..."}}`.
package struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    package var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var response: Response {
        var w = JSONWriter(capacity: 128)
        w.object { o in
            o.key("error")
            o.object { e in
                e.key("status"); e.number(status.code)
                e.key("message"); e.string(message)
            }
        }
        return Response.json(w.bytes, status: status)
    }
}

extension Response {
    /// A JSON body, never cached by the client. `nosniff` keeps a browser from reading
    /// it as anything else (an HTML page, a script) whatever text it carries.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        json(ByteBuffer(bytes: bytes), status: status)
    }

    /// A JSON body in the encoding the client accepts: `gzip` when given (made by the
    /// caller, possibly cached); `negotiable` adds `Vary: Accept-Encoding`.
    static func json(_ body: ByteBuffer, gzip: ByteBuffer? = nil, negotiable: Bool = false, status: HTTPResponse.Status = .ok) -> Response {
        let served = gzip ?? body
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .contentLength: String(served.readableBytes),
            .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        ]
        if negotiable { headers[.vary] = "Accept-Encoding" }
        if gzip != nil { headers[.contentEncoding] = "gzip" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: served))
    }

    /// A JSON body compressed now when the request accepts gzip and it is worth it.
    static func json(_ bytes: [UInt8], for request: Request) -> Response {
        let negotiable = bytes.count >= HTTPCompression.minimumBytes
        guard negotiable, HTTPCompression.acceptsGzip(request.headers[.acceptEncoding]),
              let gzip = bytes.withUnsafeBytes({ HTTPCompression.gzip($0) }) else {
            return json(ByteBuffer(bytes: bytes), negotiable: negotiable)
        }
        return json(ByteBuffer(bytes: bytes), gzip: ByteBuffer(bytes: gzip), negotiable: true)
    }
}

extension HTTPFields.Element.Name {
    static let xRequestID = Self("X-Request-Id")!
}

/// Query string parsing with `+` as space and strict percent-decoding.
enum QueryString {
    static func parse(_ query: String?) -> [(key: String, value: String)]? {
        guard let query, !query.isEmpty else { return [] }
        var out: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(kv[0]) else { return nil }
            let value = kv.count > 1 ? decode(kv[1]) : ""
            guard let value else { return nil }
            out.append((key, value))
        }
        return out
    }

    static func decode(_ s: Substring) -> String? {
        let utf8 = s.utf8
        // Most parameters need no decoding: no copy through a byte array.
        if !utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(s) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let b = utf8[i]
            i = utf8.index(after: i)
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%") {
                guard i != utf8.endIndex, let hi = hex(utf8[i]) else { return nil }
                i = utf8.index(after: i)
                guard i != utf8.endIndex, let lo = hex(utf8[i]) else { return nil }
                i = utf8.index(after: i)
                bytes.append(hi << 4 | lo)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 97...102: return b - 87
        case 65...70: return b - 55
        default: return nil
        }
    }
}

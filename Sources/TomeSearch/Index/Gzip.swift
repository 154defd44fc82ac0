import CZlib

/// gzip (RFC 1952) through zlib: the one file of TomeSearch that touches C. Index files
/// are stored gzipped so that any static host serves them small without configuration;
/// the browser inflates them with `DecompressionStream("gzip")`. Public for the one
/// other user, `tome serve`'s `Content-Encoding: gzip`, so zlib stays behind this file.
public enum Gzip {
    /// Deterministic gzip: no file name, mtime 0, OS byte fixed by zlib's build (we
    /// overwrite it with 255 "unknown" so bytes never depend on the build machine).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                let rc = deflate(&stream, Z_FINISH)
                precondition(rc == Z_STREAM_END, "zlib deflate did not finish")
                return o.count - Int(stream.avail_out)
            }
        }
        out.removeSubrange(produced...)
        if out.count > 9 { out[9] = 255 }
        return out
    }

    /// Inflates one gzip member; nil when the bytes are not valid gzip or would inflate
    /// past `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        guard input.count >= 18, input[0] == 0x1F, input[1] == 0x8B else { return nil }
        // ISIZE (last 4 bytes) is the inflated size mod 2^32: a good first guess.
        let n = input.count
        let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        guard isize <= limit else { return nil }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        // ISIZE is only a claim: a corrupt or hostile file can say 1 GB in 20 bytes
        // (found by fuzzing: a 5 KB file made every read zero a gigabyte). Deflate
        // cannot expand more than 1032:1, so never reserve more than that up front;
        // the loop below still grows the buffer if the data really is larger.
        var out = [UInt8](repeating: 0, count: max(min(isize, input.count * 1032), 64))
        var input = input
        var total = 0
        let ok: Bool = input.withUnsafeMutableBufferPointer { inp in
            stream.next_in = inp.baseAddress
            stream.avail_in = uInt(inp.count)
            while true {
                if total == out.count {
                    guard out.count < limit else { return false }
                    out.append(contentsOf: [UInt8](repeating: 0, count: min(out.count, limit - out.count)))
                }
                let rc: Int32 = out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress! + total
                    stream.avail_out = uInt(o.count - total)
                    let rc = inflate(&stream, Z_NO_FLUSH)
                    total = o.count - Int(stream.avail_out)
                    return rc
                }
                if rc == Z_STREAM_END { return stream.avail_in == 0 }
                if rc != Z_OK && rc != Z_BUF_ERROR { return false }
                if rc == Z_BUF_ERROR && stream.avail_in == 0 { return false }
            }
        }
        guard ok else { return nil }
        out.removeSubrange(total...)
        return out
    }
}

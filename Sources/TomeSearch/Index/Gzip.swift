import CLibDeflate
import CZlib

/// gzip (RFC 1952) and raw deflate: the one file of TomeSearch that touches C. Index files
/// are stored gzipped so that any static host serves them small without configuration;
/// the browser inflates them with `DecompressionStream("gzip")`. Public for the one
/// other user, `tome serve`'s `Content-Encoding: gzip`, so the C libraries stay behind
/// this file. gzip members are made by libdeflate (about 2.6 times faster than zlib at
/// level 6 on the C++ corpus's term shards, and a little smaller); doc store records by
/// zlib, the one of the two that can preset a dictionary.
public enum Gzip {
    /// Deterministic gzip: no file name, mtime 0, OS byte 255 "unknown" (set here, so
    /// the bytes never depend on the library's build). `level`: 1 (fast) to 12 (small).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        guard let compressor = libdeflate_alloc_compressor(level) else {
            preconditionFailure("libdeflate cannot make a compressor for level \(level)")
        }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, input.count)
        var out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = input.withUnsafeBytes { source in
                libdeflate_gzip_compress(compressor, source.baseAddress, source.count, buffer.baseAddress, bound)
            }
        }
        precondition(out.count >= 18, "libdeflate gzip output does not fit its own bound")
        out[9] = 255
        return out
    }

    /// The whole of `input` deflated in one call (gzip, zlib or raw by `windowBits`),
    /// `dictionary` (raw streams only) preset as the window.
    private static func deflateStream(_ input: [UInt8], level: Int32, windowBits: Int32, dictionary: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var dictionary = dictionary, input = input
        if !dictionary.isEmpty {
            let rc = dictionary.withUnsafeMutableBufferPointer { deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count)) }
            precondition(rc == Z_OK, "zlib deflateSetDictionary failed")
        }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
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
        return out
    }

    /// CRC-32 (IEEE 802.3: reflected 0xEDB88320, init and final xor 0xFFFFFFFF), zlib's.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var rest = b.count, p = b.baseAddress
            while rest > 0 {
                // uInt lengths: a chunk at a time
                let n = min(rest, 1 << 30)
                crc = CZlib.crc32(crc, p, uInt(n))
                p = p.map { $0 + n }
                rest -= n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// Inflates one gzip member; nil when the bytes are not valid gzip or would inflate
    /// past `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        guard input.count >= 18, input[0] == 0x1F, input[1] == 0x8B else { return nil }
        // ISIZE (last 4 bytes) is the inflated size mod 2^32: a good first guess.
        let n = input.count
        let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return inflateStream(input, windowBits: 15 + 16, sizeGuess: isize, limit: limit)
    }

    /// A doc store record: `input` deflated (raw, RFC 1951) with `dictionary` as its
    /// preset window, then the big-endian Adler-32 of dictionary + input. Behind a zlib
    /// header and a stored block holding the dictionary (`recordStream`) it is a whole
    /// zlib stream (RFC 1950), which inflates to dictionary + input with its checksum
    /// verified: how a browser's `DecompressionStream("deflate")`, which takes no preset
    /// dictionary, inflates it. `dictionary` is at most 32 KB (the deflate window).
    static func deflateRecord(_ input: [UInt8], dictionary: [UInt8]) -> [UInt8] {
        precondition(dictionary.count <= 32 * 1024, "a preset dictionary fits the 32 KB window")
        var out = deflateStream(input, level: 5, windowBits: -15, dictionary: dictionary)
        let sum = input.withUnsafeBufferPointer { i in
            dictionary.withUnsafeBufferPointer { d in
                adler32(adler32(1, d.baseAddress, uInt(d.count)), i.baseAddress, uInt(i.count))
            }
        }
        out += [UInt8(sum >> 24 & 255), UInt8(sum >> 16 & 255), UInt8(sum >> 8 & 255), UInt8(sum & 255)]
        return out
    }

    /// The zlib stream of a record (see `deflateRecord`): header 78 01, a stored block
    /// holding the dictionary, the record.
    static func recordStream(_ record: ArraySlice<UInt8>, dictionary: [UInt8]) -> [UInt8] {
        let n = dictionary.count
        var s: [UInt8] = [0x78, 0x01, 0x00, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8(~n >> 8 & 255)]
        s.reserveCapacity(s.count + n + record.count)
        s += dictionary
        s += record
        return s
    }

    /// Inflates a record; nil when it is not valid (bad deflate data, wrong checksum,
    /// trailing bytes) or would inflate past `limit` bytes.
    static func inflateRecord(_ record: ArraySlice<UInt8>, dictionary: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        guard var out = inflateStream(recordStream(record, dictionary: dictionary), windowBits: 15,
                                      sizeGuess: dictionary.count + record.count * 4, limit: limit + dictionary.count),
              out.count >= dictionary.count else { return nil }
        out.removeSubrange(0..<dictionary.count)
        return out
    }

    /// Inflates a whole zlib (windowBits 15) or gzip (15 + 16) stream; nil on any error,
    /// on bytes after its end, or past `limit` bytes.
    private static func inflateStream(_ input: [UInt8], windowBits: Int32, sizeGuess: Int, limit: Int) -> [UInt8]? {
        guard sizeGuess <= limit else { return nil }
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        // A size in the data is only a claim: a corrupt or hostile file can say 1 GB in
        // 20 bytes (found by fuzzing: a 5 KB file made every read zero a gigabyte).
        // Deflate cannot expand more than 1032:1, so never reserve more than that up
        // front; the loop below still grows the buffer if the data really is larger.
        var out = [UInt8](repeating: 0, count: max(min(sizeGuess, input.count * 1032), 64))
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

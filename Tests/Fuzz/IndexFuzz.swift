// libFuzzer target: the index reader fed mutated index files. The first input byte
// picks a file of a small valid index; the rest replaces that file's bytes. Unless the
// manifest itself was picked, the manifest's byte count and CRC-32 are patched to match,
// so mutations reach the binary decoders instead of stopping at the checksum.
// The reader must throw IndexFormatError, never trap, hang or over-read.
// Compiled into the TomeSearch module by Tests/Fuzz/build.sh.
// With TOME_FUZZ_WRITE_SEEDS=DIR set, the target first writes one seed per index file
// (the file unchanged) into DIR: that is how corpus/index/ was made.
#if canImport(Glibc)
import Glibc
#endif

private let fuzzFiles: [(name: String, bytes: [UInt8])] = {
    let files = IndexBuilder(synonyms: [["lpr", "licence plate recognition"]]).build(FuzzCorpus.documents).files
        .sorted { $0.name < $1.name }
    if let dir = getenv("TOME_FUZZ_WRITE_SEEDS") {
        for (i, file) in files.enumerated() {
            let path = String(cString: dir) + "/seed-\(file.name.prefix(1))-\(i)"
            guard let handle = fopen(path, "wb") else { continue }
            let bytes = [UInt8(i)] + file.bytes
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
            fclose(handle)
        }
    }
    return files
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let pick = Int(data[0]) % fuzzFiles.count
    let replacement = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var files: [String: [UInt8]] = [:]
    for f in fuzzFiles { files[f.name] = f.bytes }
    let name = fuzzFiles[pick].name
    files[name] = replacement
    if name != IndexFormat.manifestName, var manifest = files[IndexFormat.manifestName] {
        let old = fuzzFiles[pick].bytes
        let from = "\"name\":\"\(name)\",\"bytes\":\(old.count),\"crc32\":\(Checksum.crc32(old))"
        let to = "\"name\":\"\(name)\",\"bytes\":\(replacement.count),\"crc32\":\(Checksum.crc32(replacement))"
        manifest = Array(String(decoding: manifest, as: UTF8.self).replacingAll(from, with: to).utf8)
        files[IndexFormat.manifestName] = manifest
    }
    do {
        let index = try SearchIndex(read: { n in
            guard let b = files[n] else { throw IndexFormatError.missing(file: n) }
            return b
        })
        try index.loadAll()
        for query in ["permit", "parking permit", "\"after hours\"", "lp", "tag:billing refund", "-x y"] {
            _ = try index.search(query, options: SearchOptions(limit: 3, explain: true))
        }
        for doc in 0..<min(index.manifest.docCount, 64) { _ = try index.section(doc) }
    } catch is IndexFormatError {
        // Expected: a corrupt file is reported, named.
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

extension String {
    /// Plain replace-all without Foundation (TomeSearch has none in its hot paths).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let s = Array(utf8), t = Array(target.utf8)
        guard !t.isEmpty, s.count >= t.count else { return self }
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if i + t.count <= s.count, s[i] == t[0], Array(s[i..<(i + t.count)]) == t {
                out += replacement.utf8
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

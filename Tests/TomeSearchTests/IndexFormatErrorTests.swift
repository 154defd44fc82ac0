import Testing
@testable import TomeSearch

/// A corrupt, truncated, foreign or version-skewed index gives a clear error naming the
/// file; never a crash.
struct IndexFormatErrorTests {
    func open(_ files: [(name: String, bytes: [UInt8])]) throws -> SearchIndex {
        let index = try SearchIndex(files: IndexFiles(files: files))
        try index.loadAll()
        _ = try index.search("support after hours")
        return index
    }

    func mutate(_ prefix: String, _ change: ([UInt8]) -> [UInt8]) -> (files: [(name: String, bytes: [UInt8])], name: String) {
        var files = Sample.files().files
        let i = files.firstIndex { $0.name.hasPrefix(prefix) }!
        files[i].bytes = change(files[i].bytes)
        return (files, files[i].name)
    }

    func manifestText() -> String { String(decoding: Sample.files()["manifest.json"]!, as: UTF8.self) }

    func withManifest(_ text: String) -> [(name: String, bytes: [UInt8])] {
        var files = Sample.files().files
        let i = files.firstIndex { $0.name == "manifest.json" }!
        files[i].bytes = Array(text.utf8)
        return files
    }

    @Test(arguments: ["t-", "p-", "d-", "m-", "n-", "f-", "a-"])
    func truncated(_ prefix: String) {
        let (files, name) = mutate(prefix) { Array($0.prefix($0.count / 2)) }
        #expect(throws: IndexFormatError.checksumMismatch(file: name)) { try open(files) }
    }

    @Test(arguments: ["t-", "d-", "m-", "n-"])
    func flippedBytes(_ prefix: String) {
        let (files, name) = mutate(prefix) { b in var b = b; b[b.count / 2] ^= 0xFF; return b }
        #expect(throws: IndexFormatError.checksumMismatch(file: name)) { try open(files) }
    }

    @Test func wrongVersion() {
        let files = withManifest(manifestText().replacingFirst("\"version\":\(IndexFormat.version)", with: "\"version\":1"))
        #expect(throws: IndexFormatError.versionMismatch(file: "manifest.json", found: "1", expected: "\(IndexFormat.version)")) {
            try open(files)
        }
    }

    /// A v4 index (the format before the norms moved into the postings) names its version.
    @Test func formatFourIndex() {
        let files = withManifest(manifestText().replacingFirst("\"version\":\(IndexFormat.version)", with: "\"version\":4"))
        #expect(throws: IndexFormatError.versionMismatch(file: "manifest.json", found: "4", expected: "5")) { try open(files) }
    }

    @Test func wrongAnalyzer() {
        let files = withManifest(manifestText().replacingFirst(Analyzer.identifier, with: "other-analyzer"))
        #expect(throws: IndexFormatError.analyzerMismatch(file: "manifest.json", found: "other-analyzer", expected: Analyzer.identifier)) {
            try open(files)
        }
    }

    @Test func foreignAndGarbage() {
        #expect(throws: IndexFormatError.foreign(file: "manifest.json")) { try open(withManifest("{\"name\":\"something else\"}")) }
        #expect(throws: IndexFormatError.self) { try open(withManifest("{\"format\":\"tome-search\",")) }
        #expect(throws: IndexFormatError.self) { try open(withManifest("")) }
    }

    @Test func missingFile() {
        var files = Sample.files().files
        let i = files.firstIndex { $0.name.hasPrefix("t-") }!
        let name = files.remove(at: i).name
        #expect(throws: IndexFormatError.missing(file: name)) { try open(files) }
    }

    /// Garbage with a matching checksum must still fail cleanly in the decoder: garbage
    /// gzip bytes (`inside` false) and valid gzip of garbage (`inside` true; doc store
    /// files are records, not one gzip member: `storeRecordOfGarbage`).
    @Test(arguments: ["t-", "p-", "d-", "m-", "n-", "f-"], [UInt8(0x00), 0xFF, 0x7F])
    func garbageWithValidChecksum(_ prefix: String, _ fill: UInt8) {
        garbage(prefix, fill, inside: false)
        if prefix != "d-" { garbage(prefix, fill, inside: true) }
    }

    /// A doc store record that inflates (checksum included) to garbage is corrupt too.
    @Test func storeRecordOfGarbage() throws {
        let files = Sample.files().files
        let index = try open(files)
        let meta = try index.docMeta()
        let b = meta.blocks[0]
        let name = index.manifest.docChunks[b.chunk].file.name
        var store = files.first { $0.name == name }!.bytes
        let garbage = Gzip.deflateRecord([UInt8](repeating: 0xFF, count: 40), dictionary: meta.dictionary)
        #expect(garbage.count <= b.bytes)
        store.replaceSubrange(b.offset..<(b.offset + garbage.count), with: garbage)
        let old = files.first { $0.name == name }!.bytes
        let manifest = String(decoding: files.first { $0.name == "manifest.json" }!.bytes, as: UTF8.self)
            .replacingFirst("\"crc32\":\(Checksum.crc32(old))", with: "\"crc32\":\(Checksum.crc32(store))")
        let broken = try SearchIndex(read: { n in
            n == name ? store : n == "manifest.json" ? Array(manifest.utf8) : files.first { $0.name == n }!.bytes
        })
        #expect(throws: IndexFormatError.corrupt(file: name, detail: "doc store block at byte 0 is not valid deflate data")) {
            _ = try broken.section(0)
        }
    }

    func garbage(_ prefix: String, _ fill: UInt8, inside: Bool) {
        var files = Sample.files().files
        let i = files.firstIndex { $0.name.hasPrefix(prefix) }!
        let old = files[i].bytes
        var new = inside ? Gzip.decompress(old)! : old
        for k in 5..<new.count where k % 3 != 0 { new[k] = fill }
        if inside { new = Gzip.compress(new) }
        files[i].bytes = new
        var manifest = String(decoding: files.first { $0.name == "manifest.json" }!.bytes, as: UTF8.self)
        manifest = manifest.replacingFirst("\"crc32\":\(Checksum.crc32(old))", with: "\"crc32\":\(Checksum.crc32(new))")
        let m = files.firstIndex { $0.name == "manifest.json" }!
        files[m].bytes = Array(manifest.utf8)
        do {
            _ = try open(files)
        } catch let e as IndexFormatError {
            #expect(e.file == files[i].name)
            #expect(e.description.contains("tome build"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}

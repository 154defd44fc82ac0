import Testing
@testable import TomeSearch

/// A tiny knowledge base used by several tests.
enum Sample {
    static let docs: [SearchDocument] = [
        SearchDocument(url: "/support/faq/", pageURL: "/support/faq/", pageTitle: "Support FAQ",
                       text: "Answers to common support questions.", tags: ["support"], book: "support",
                       bookTitle: "Support", type: "faq"),
        SearchDocument(url: "/support/faq/#after-hours", pageURL: "/support/faq/", pageTitle: "Support FAQ",
                       heading: "Is there after-hours support for critical issues?",
                       text: "Yes. Critical incidents are handled after hours by the on-call engineer; call the hotline.",
                       tags: ["support"], book: "support", bookTitle: "Support", type: "faq"),
        SearchDocument(url: "/billing/refunds/", pageURL: "/billing/refunds/", pageTitle: "Refunds",
                       text: "Refunds are paid to the original card within 5 days. Email billing@ops-com.com.",
                       tags: ["billing", "payments"], book: "billing", bookTitle: "Billing", type: "page"),
        SearchDocument(url: "/cameras/lpr/", pageURL: "/cameras/lpr/", pageTitle: "LPR-200 camera",
                       text: "The LPR-200 reads plates. Firmware 2.4.1 fixes night mode.",
                       tags: ["cameras"], book: "hardware", bookTitle: "Hardware", type: "page", boost: 1.5),
        SearchDocument(url: "/cameras/lpr/#setup", pageURL: "/cameras/lpr/", pageTitle: "LPR-200 camera",
                       heading: "Setup", headingPath: [], text: "Mount the licence plate recognition camera at 3 metres.",
                       tags: ["cameras"], book: "hardware", bookTitle: "Hardware", type: "page", boost: 1.5),
    ]
    static let synonyms = [["lpr", "licence plate recognition"]]
    static func files() -> IndexFiles { IndexBuilder(synonyms: synonyms).build(docs) }
    static func index() throws -> SearchIndex { try SearchIndex(files: files()) }
}

struct IndexBuilderTests {
    /// A few hundred sections over a few dozen pages: compounds, numbers, accents,
    /// synonyms (one- and multi-word), repeated words, tags, boosts, sections of one page
    /// given apart (the builder groups them), long and empty texts.
    static func variedDocs(count: Int = 420) -> [SearchDocument] {
        let words = ["licence", "plate", "recognition", "camera", "LPR-200", "firmware", "2.4.1", "café", "Ærø",
                     "support@ops-com.com", "after", "hours", "the", "of", "running", "runs", "ran", "night", "mode",
                     "ﬁle", "Straße", "x_y_z", "a.b-c", "über", "naïve", "ΣΊΣΥΦΟΣ", "日本語", "lpr", "out", "on-call"]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(seed % UInt64(n))
        }
        func text(_ n: Int) -> String { (0..<n).map { _ in words[next(words.count)] }.joined(separator: next(4) == 0 ? ", " : " ") }
        return (0..<count).map { i in
            // mostly grouped by page, with a few pages' sections given out of order
            let page = i % 17 == 0 ? (i * 7) % 40 : i / 10
            return SearchDocument(
                url: "/p\(page)/#s\(i)", pageURL: "/p\(page)/", pageTitle: "Page \(page) " + text(next(4)),
                heading: i % 10 == 0 ? "" : text(1 + next(5)), headingPath: i % 3 == 0 ? [text(2)] : [],
                text: i % 29 == 0 ? "" : text(next(i % 11 == 0 ? 400 : 40)), tags: page % 4 == 0 ? ["Tag \(page % 3)", "cameras"] : [],
                book: "b\(page % 5)", bookTitle: page % 5 == 0 ? "" : "Book \(page % 5)", type: page % 6 == 0 ? "faq" : "page",
                boost: page % 9 == 0 ? 1.5 : 1)
        }
    }

    /// The builder analyses runs of documents on all cores and merges their postings;
    /// whatever the runs and the width, the files are byte for byte the ones of the
    /// one-document-at-a-time builder it replaced (`referenceBuild`).
    @Test(arguments: [(1, 8192), (4, 7), (4, 64), (2, 1)])
    func equalsReferenceBuilder(_ width: Int, _ chunkDocs: Int) {
        let synonyms = [["lpr", "licence plate recognition"], ["after hours", "out of hours"], ["camera", "cam"]]
        for docs in [IndexBuilderTests.variedDocs(), Sample.docs] {
            var builder = IndexBuilder(synonyms: synonyms)
            builder.width = width
            builder.analysisChunkDocs = chunkDocs
            builder.termShardTargetBytes = 256
            let built = builder.build(docs), reference = builder.referenceBuild(docs)
            #expect(built.files.map(\.name) == reference.files.map(\.name))
            #expect(built == reference)
            var plain = IndexBuilder()
            plain.width = width
            plain.analysisChunkDocs = chunkDocs
            #expect(plain.build(docs) == plain.referenceBuild(docs))
        }
    }

    /// Parallel equals serial: a build on several threads writes exactly the files of a
    /// one-thread build.
    @Test func parallelEqualsSerial() {
        let docs = IndexBuilderTests.variedDocs(count: 600)
        var serial = IndexBuilder(synonyms: Sample.synonyms)
        serial.width = 1
        var parallel = serial
        parallel.width = 4
        parallel.analysisChunkDocs = 50
        #expect(serial.build(docs) == parallel.build(docs))
    }

    /// With an `IndexMemory`, a build after an edit takes unchanged runs and records
    /// from the last build and writes exactly what a build from nothing writes.
    @Test func memoryKeepsUnchangedRunsAndRecords() {
        var docs = IndexBuilderTests.variedDocs(count: 600)
        var builder = IndexBuilder(synonyms: Sample.synonyms)
        builder.analysisChunkDocs = 64
        builder.docBlockTargetBytes = 256
        let fresh = builder
        builder.memory = IndexMemory()
        #expect(builder.build(docs) == fresh.build(docs))
        #expect(builder.memory?.reusedInLastBuild.runs == 0)
        // the same documents again: everything kept
        #expect(builder.build(docs) == fresh.build(docs))
        #expect(builder.memory!.reusedInLastBuild.runs > 0 && builder.memory!.reusedInLastBuild.records > 0)
        // a page's last section edited (same length: the doc store dictionary, cut from
        // pages' first bytes and sized by the store, stays): other runs and records are kept
        docs[309].text = String(docs[309].text.reversed())
        #expect(builder.build(docs) == fresh.build(docs))
        let reused = builder.memory!.reusedInLastBuild
        #expect(reused.runs > 0 && reused.records > 0)
        // one section added, one page dropped (doc ids and the doc store dictionary move)
        docs.insert(SearchDocument(url: "/p31/#new", pageURL: "/p31/", pageTitle: "Page 31", text: "a new section"), at: 315)
        docs.removeAll { $0.pageURL == "/p7/" }
        #expect(builder.build(docs) == fresh.build(docs))
        #expect(builder.memory!.reusedInLastBuild.runs > 0)
        // other synonyms: no run is kept
        builder.synonyms = []
        var plain = fresh
        plain.synonyms = []
        #expect(builder.build(docs) == plain.build(docs))
        #expect(builder.memory?.reusedInLastBuild.runs == 0)
    }

    @Test func crc32IsZlibs() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        for n in [0, 1, 7, 8, 9, 1000, 100_000] {
            #expect(Checksum.crc32(Array(bytes.prefix(n))) == Checksum.crc32Bytewise(Array(bytes.prefix(n))))
        }
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test(arguments: [0, 1, 5, 159, 160, 161, 319, 320, 321, 1000])
    func cutKeepsWholeWords(_ n: Int) {
        let text = String((0..<n).map { i in i % 7 == 6 ? " " : i % 13 == 0 ? "é" : "a" }.joined().prefix(n))
        let cut = IndexBuilder.cut(text, 320)
        #expect(cut.utf8.count <= 320)
        #expect(text.hasPrefix(cut))
        if text.utf8.count <= 320 { #expect(cut == text) }
    }

    @Test func deterministic() {
        let a = Sample.files(), b = Sample.files()
        #expect(a == b)
        #expect(a.files.map(\.name) == a.files.map(\.name).sorted())
        #expect(a.files.contains { $0.name == "manifest.json" })
    }

    @Test func unchangedShardsKeepNames() {
        var docs = Sample.docs
        docs[2].text += " zebra"
        let a = Set(Sample.files().files.map(\.name)), b = Set(IndexBuilder(synonyms: Sample.synonyms).build(docs).files.map(\.name))
        #expect(a != b)
        #expect(!a.intersection(b).isEmpty)
    }

    @Test func roundTrip() throws {
        let index = try Sample.index()
        #expect(index.manifest.docCount == 5)
        #expect(index.manifest.pageCount == 3)
        try index.loadAll()
        let s = try #require(try index.section(1))
        #expect(s.url == "/support/faq/#after-hours")
        #expect(s.pageTitle == "Support FAQ")
        #expect(try index.section(4)?.heading == "Setup")
        #expect(try index.docMeta().boosts[3] == 1.5)
        #expect(try index.facets()["type"]?["faq"] == [0])
    }

    /// However large the site, `search/` (index + engine) stays within `maxFiles`: term
    /// shards up to `maxTermShards`, doc chunks take what is left.
    @Test(arguments: [(40, 10), (60, 25), (300, 100)])
    func fileBudget(_ maxFiles: Int, _ maxShards: Int) throws {
        var words: [String] = []
        var x: UInt64 = 12345
        for _ in 0..<3000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            words.append(String((0..<(3 + Int(x >> 61))).map { letters[Int((x >> UInt64(8 + $0 * 5)) % 26)] }))
        }
        let docs = (0..<1500).map { i in
            SearchDocument(url: "/p\(i / 3)/#s\(i)", pageURL: "/p\(i / 3)/", pageTitle: "Page \(i / 3)", heading: words[i % 3000],
                           text: (0..<40).map { words[(i * 7 + $0 * 13) % 3000] }.joined(separator: " "))
        }
        var builder = IndexBuilder()
        builder.maxFiles = maxFiles
        builder.maxTermShards = maxShards
        builder.termShardTargetBytes = 1
        builder.docChunkTargetBytes = 1
        let files = builder.build(docs)
        let index = try SearchIndex(files: files)
        #expect(files.files.count + 1 <= maxFiles, "\(files.files.count) index files + the engine")
        #expect(index.manifest.shards.count <= maxShards)
        #expect(index.manifest.shards.count > 1 && index.manifest.docChunks.count > 1)
        try index.loadAll()
        #expect(try index.section(1499)?.url == "/p499/#s1499")
    }

    @Test func scriptTwinsWrapBase64() {
        let twins = Sample.files().scriptTwins()
        let m = twins.first { $0.name == "manifest.json.js" }
        let text = String(decoding: m?.bytes ?? [], as: UTF8.self)
        #expect(text.hasPrefix("tomeSearchLoad(\"manifest.json\",\""))
        #expect(text.hasSuffix("\");\n"))
        #expect(Base64.encode(Array("hello".utf8)) == Array("aGVsbG8=".utf8))
    }

    @Test(arguments: [0, 1, 31, 32, 33, 47, 48, 100, 1000, 123_456])
    func fieldNormRoundsDown(_ n: Int) {
        let q = FieldNorm.encode(n)
        let d = FieldNorm.decodeTable[Int(q)]
        #expect(d <= n)
        #expect(Double(n - d) <= Double(n) / 16)
    }
}

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
    /// Analysis runs on all cores in batches; what comes out must be exactly the one-core
    /// analysis, in document order, across batch boundaries.
    @Test func parallelAnalysisEqualsSerial() {
        let docs = (0..<2_600).map { i in
            var d = Sample.docs[i % Sample.docs.count]
            d.text += " item \(i) of many"
            return d
        }
        let builder = IndexBuilder(synonyms: Sample.synonyms)
        let table = SynonymTable(Sample.synonyms, analyzer: builder.analyzer)
        let parallel = Array(builder.analyzedInOrder(docs, synonymTable: table))
        #expect(parallel.map(\.0) == Array(0..<docs.count))
        for (i, d) in docs.enumerated() {
            let serial = builder.analyzeFields(d, synonymTable: table)
            let fields = parallel[i].1
            #expect(fields.map(\.1) == serial.map(\.1))
            #expect(fields.map(\.0) == serial.map(\.0), "document \(i)")
        }
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

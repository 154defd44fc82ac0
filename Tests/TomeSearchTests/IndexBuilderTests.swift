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

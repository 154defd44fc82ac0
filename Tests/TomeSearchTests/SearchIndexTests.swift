import Foundation
import Testing
@testable import TomeSearch

struct SearchIndexTests {
    @Test func afterHoursFindsTheFAQAnswerFirst() throws {
        let r = try Sample.index().search("after hours")
        let first = try #require(r.pages.first?.sections.first)
        #expect(first.url == "/support/faq/#after-hours")
        #expect(first.snippet.highlights.count >= 2)
    }

    @Test(arguments: [
        ("refunds", "/billing/refunds/"),
        ("refund", "/billing/refunds/"),          // stem
        ("refu", "/billing/refunds/"),            // prefix of the word being typed
        ("refunsd ", "/billing/refunds/"),        // typo (1 edit, 7 letters)
        ("billing@ops-com.com", "/billing/refunds/"),
        ("2.4.1", "/cameras/lpr/"),
        ("lpr-200 setup", "/cameras/lpr/#setup"),
        ("licence plate recognition", "/cameras/lpr/#setup"),
        ("\"plate recognition\"", "/cameras/lpr/#setup"),
        ("type:faq critical", "/support/faq/#after-hours"),
    ])
    func findsFirst(_ q: String, _ url: String) throws {
        let r = try Sample.index().search(q)
        #expect(r.pages.first?.sections.first?.url == url)
    }

    @Test func synonymMatchesOtherMember() throws {
        let r = try Sample.index().search("lpr ")
        let urls = r.pages.flatMap(\.sections).map(\.url)
        #expect(urls.contains("/cameras/lpr/#setup"))
    }

    @Test func exclusionsAndFilters() throws {
        let idx = try Sample.index()
        #expect(try idx.search("camera -firmware").pages.flatMap(\.sections).map(\.url) == ["/cameras/lpr/#setup"])
        #expect(try idx.search("book:billing support").pages.isEmpty)
        #expect(try idx.search("tag:nothing refunds").pages.isEmpty)
        #expect(try idx.search("\"hours after\"").pages.isEmpty)
        #expect(try idx.search("zzzzzz").pages.isEmpty)
        #expect(try idx.search("").pages.isEmpty)
        #expect(try idx.search(String(repeating: "support ", count: 500)).pages.count >= 1)
    }

    @Test func typoCorrectionIsReported() throws {
        let r = try Sample.index().search("refunsd ")
        #expect(r.corrections == [.init(typed: "refunsd", suggestion: "refunds")])
    }

    /// Plain BM25 on a tiny corpus, computed by hand:
    /// N = 3, body lengths 2, 3, 1 (avg 2); "apple" in d0 (tf 1) and d1 (tf 2), df 2.
    @Test func bm25ByHand() throws {
        let docs = ["apple banana", "apple apple cherry", "cherry"].enumerated().map {
            SearchDocument(url: "/\($0.offset)/", pageURL: "/\($0.offset)/", pageTitle: "", text: $0.element)
        }
        let index = try SearchIndex(files: IndexBuilder(ranking: .plainBM25).build(docs))
        let r = try index.rankDocuments("apple ", limit: 10)
        let idf = 0.47000362924573558            // ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6
        let d0 = idf * (1.0 * 2.2 / (1.0 + 1.2))  // tf 1, len 2: 1 / (0.25 + 0.75 * 2/2) = 1
        let w1 = 2.0 / 1.375                      // tf 2, len 3: 0.25 + 0.75 * 3/2 = 1.375
        let d1 = idf * (w1 * 2.2 / (w1 + 1.2))
        #expect(r.map(\.docID) == [1, 0])
        #expect(abs(r[0].score - d1) < 1e-12)
        #expect(abs(r[1].score - d0) < 1e-12)
    }

    @Test func explainGolden() throws {
        let r = try Sample.index().search("after hours support", options: SearchOptions(explain: true))
        var text = ""
        for p in r.pages { for h in p.sections { text += "\(h.url)\n" + (h.explanation?.rendered() ?? "") } }
        try Golden.check(text, name: "explain-after-hours.txt")
    }
}

enum Golden {
    static let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data")

    /// Compares with the golden file; `TOME_RECORD_GOLDEN=1` rewrites it. A missing
    /// golden file fails.
    static func check(_ actual: String, name: String) throws {
        let url = dataDir.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TOME_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let bundled = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Data")
        guard let file = bundled ?? (FileManager.default.fileExists(atPath: url.path) ? url : nil),
              let data = FileManager.default.contents(atPath: file.path) else {
            Issue.record("golden file \(name) is missing; run with TOME_RECORD_GOLDEN=1 to record it")
            return
        }
        #expect(String(decoding: data, as: UTF8.self) == actual)
    }
}

import Testing
@testable import TomeBuild

/// The memo key of a rendered page is the digest of its view: it must be the same in
/// every run and differ whenever anything a template could show differs.
@Suite struct ViewDigestTests {
    struct Sample: Encodable {
        var title: String
        var other: String
        var count: Int
        var flag: Bool
        var note: String?
        var list: [String]
        var meta: [String: String]
        var nested: [Sample] = []
    }

    let base = Sample(title: "Parking FAQ", other: "", count: 3, flag: true, note: nil, list: ["a", "bc"],
                      meta: (0..<40).reduce(into: [:]) { $0["key\($1)"] = "value \($1)" })

    @Test func sameInEveryRun() {
        // Dictionary order changes from process to process (Swift seeds its hashing per
        // run): a digest that followed it would not match this recorded value every time.
        #expect(ViewDigest.of(base) == 0x0594_7EAA_1404_68D5)
    }

    @Test func independentOfDictionaryOrder() {
        var reordered = base
        reordered.meta = Dictionary(minimumCapacity: 1000)
        for key in base.meta.keys.sorted().reversed() { reordered.meta[key] = base.meta[key] }
        #expect(Array(reordered.meta.keys) != Array(base.meta.keys), "the two dictionaries iterate in different orders")
        #expect(ViewDigest.of(reordered) == ViewDigest.of(base))
    }

    @Test func everyDifferenceChangesIt() {
        var changes: [(String, (inout Sample) -> Void)] = [
            ("title", { $0.title += "!" }),
            ("values swapped between fields", { $0.other = $0.title; $0.title = "" }),
            ("count", { $0.count += 1 }),
            ("flag", { $0.flag.toggle() }),
            ("optional present", { $0.note = "" }),
            ("list split elsewhere", { $0.list = ["ab", "c"] }),
            ("list order", { $0.list.reverse() }),
            ("dictionary value", { $0.meta["key7"] = "value 8" }),
            ("dictionary key", { $0.meta["key40"] = $0.meta.removeValue(forKey: "key39") }),
            ("nested value", { $0.nested = [Sample(title: "x", other: "", count: 0, flag: false, list: [], meta: [:])] }),
        ]
        changes.append(("nested deeper", { sample in
            var inner = sample
            inner.nested = []
            sample.nested = [inner]
        }))
        var seen: Set<UInt64> = [ViewDigest.of(base)]
        for (name, change) in changes {
            var changed = base
            change(&changed)
            #expect(seen.insert(ViewDigest.of(changed)).inserted, "\(name) changes the digest")
        }
    }

    @Test func pageViewFieldsReachTheDigest() throws {
        let site = SiteView(title: "KB", description: "", language: "en", footer: "", homeURL: "/", assetsURL: "/assets/",
                            books: [LinkView(title: "Support", url: "/support/")], searchIndexURL: "/search/", feedURL: "")
        let view = PageView(site: site, title: "FAQ", documentTitle: "FAQ · KB", description: "", url: "/support/faq/",
                            canonicalURL: "https://kb/support/faq/", kind: "page", type: "faq", content: "<p>Hi</p>", revision: "",
                            tags: [], breadcrumbs: [LinkView(title: "Support", url: "/support/")],
                            toc: [TOCEntry(text: "A", id: "a", level: 2, children: [TOCEntry(text: "B", id: "b", level: 3, children: [])])],
                            nav: [], book: nil, previous: nil, next: nil, children: [], recent: [], meta: ["owner": "ops"], metaList: [],
                            isHome: false, redirectURL: "")
        let changes: [(String, (inout PageView) -> Void)] = [
            ("site title", { $0.site.title = "Other" }),
            ("book link in site", { $0.site.books[0].description = "d" }),
            ("content", { $0.content += " " }),
            ("breadcrumb", { $0.breadcrumbs[0].current = true }),
            ("toc child", { $0.toc[0].children[0].id = "c" }),
            ("meta", { $0.meta["owner"] = "support" }),
            ("sidebar", { $0.sidebar = "<nav></nav>" }),
            ("next", { $0.next = LinkView(title: "Next", url: "/n/") }),
            ("release", { $0.release = ReleaseView(version: "1", date: "", isoDate: "", status: "", upcoming: false) }),
        ]
        var seen: Set<UInt64> = [ViewDigest.of(view)]
        for (name, change) in changes {
            var changed = view
            change(&changed)
            #expect(seen.insert(ViewDigest.of(changed)).inserted, "\(name) changes the page's key")
        }
    }
}

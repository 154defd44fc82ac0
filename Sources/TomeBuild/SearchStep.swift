import TomeCore
import TomeSearch
import TomeSite

/// Step 7: the search index. Every heading section (and FAQ question) of every page
/// not excluded with `search: {exclude: true}` becomes one search document.
struct SearchStep: Sendable {
    let context: SiteContext
    let sink: any OutputSink
    /// Also write the `NAME.js` twins that let the engine load the index from `file://`
    /// (on with `--links file`, the build for opening the site from disk; a hosted site
    /// never downloads them, so they would only double its file count).
    var scriptTwins = false
    /// The last build's runs and records (tome serve), so a save re-analyses only the
    /// pages around the edit and deflates only the doc store blocks that changed.
    var memory: IndexMemory?

    static let folder = "search/"

    struct Result {
        var fileCount: Int
        var sectionCount: Int
    }

    func documents() -> [SearchDocument] {
        let site = context.site
        var documents: [SearchDocument] = []
        for id in site.order {
            guard let page = site.pages[id], !page.metadata.searchExclude, let rendered = context.rendered[page.id] else { continue }
            // what every section of the page shares, worked out once per page
            let pageURL = context.href(page.url)
            let bookTitle = page.book.flatMap { site.pages[$0 + "/_index.md"]?.title } ?? ""
            let book = page.book ?? "", type = page.type, tags = page.metadata.tags
            let boost = page.metadata.searchBoost, isPage = page.kind == .page
            for section in rendered.markdown.sections {
                // A heading with nothing under it still finds its page by its words,
                // but a folder page with no text of its own adds nothing.
                if section.anchor.isEmpty, section.text.isEmpty, !isPage { continue }
                documents.append(SearchDocument(
                    url: section.anchor.isEmpty ? pageURL : pageURL + "#" + section.anchor,
                    pageURL: pageURL,
                    pageTitle: page.title,
                    heading: section.heading,
                    headingPath: section.headingPath,
                    text: section.text,
                    tags: tags,
                    book: book,
                    bookTitle: bookTitle,
                    type: type,
                    boost: boost
                ))
            }
        }
        return documents
    }

    func run() throws -> Result {
        let documents = documents()
        // The index is a function of the documents alone (with the synonyms, the twins
        // option and this binary): when they are what the last build indexed, as after a
        // template change or a date-only edit, its files are kept as they are.
        let key = SearchStep.key(documents, synonyms: context.site.configuration.synonyms, scriptTwins: scriptTwins)
        if let kept = sink.reuse(step: "search", key: key) {
            return Result(fileCount: kept.count, sectionCount: documents.count)
        }
        var builder = IndexBuilder(synonyms: context.site.configuration.synonyms)
        builder.width = ConcurrencyLimit.width
        builder.memory = memory
        let index = builder.build(documents)
        var files = index.files.map { (SearchStep.folder + $0.name, $0.bytes) }
        // The browser engine that reads these files, versioned with the format.
        files.append((SearchStep.folder + BrowserEngine.fileName, Array(BrowserEngine.source.utf8)))
        if scriptTwins { files += index.scriptTwins().map { (SearchStep.folder + $0.name, $0.bytes) } }
        for (path, bytes) in files { try sink.write(path, bytes) }
        sink.remember(step: "search", key: key, paths: files.map(\.0))
        return Result(fileCount: files.count, sectionCount: documents.count)
    }

    /// A digest of everything the index is made from. Every field of `SearchDocument`
    /// goes in (a test fails when one is added and not listed here), and the binary's
    /// size and time stand for the analyzer, the format and the engine.
    static func key(_ documents: [SearchDocument], synonyms: [[String]], scriptTwins: Bool) -> String {
        var digest = Digest()
        digest.add("search 1 twins:\(scriptTwins)")
        digest.add(InputFingerprint.binary)
        digest.add(synonyms.count)
        for group in synonyms { addList(group, to: &digest) }
        digest.add(documents.count)
        for i in documents.indices {
            // field by field (no copy of each document)
            digest.add(documents[i].url); digest.add(documents[i].pageURL); digest.add(documents[i].pageTitle)
            digest.add(documents[i].heading); digest.add(documents[i].text); digest.add(documents[i].book)
            digest.add(documents[i].bookTitle); digest.add(documents[i].type)
            addList(documents[i].headingPath, to: &digest)
            addList(documents[i].tags, to: &digest)
            digest.add(Int(bitPattern: UInt(documents[i].boost.bitPattern)))
        }
        return String(digest.value, radix: 16) + "-" + String(documents.count)
    }

    /// The number of fields `key` covers, checked against `SearchDocument` by a test.
    static let keyedFieldCount = 11

    private static func addList(_ list: [String], to digest: inout Digest) {
        digest.add(list.count)
        for item in list { digest.add(item) }
    }
}

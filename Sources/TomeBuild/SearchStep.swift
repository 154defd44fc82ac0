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

    static let folder = "search/"

    struct Result {
        var fileCount: Int
        var sectionCount: Int
    }

    func documents() -> [SearchDocument] {
        let site = context.site
        var documents: [SearchDocument] = []
        for page in site.orderedPages where !page.metadata.searchExclude {
            guard let rendered = context.rendered[page.id] else { continue }
            let book = page.book.flatMap { site.pages[$0 + "/_index.md"] }
            for section in rendered.markdown.sections {
                // A heading with nothing under it still finds its page by its words,
                // but a folder page with no text of its own adds nothing.
                if section.anchor.isEmpty, section.text.isEmpty, page.kind != .page { continue }
                let pageURL = context.href(page.url)
                documents.append(SearchDocument(
                    url: section.anchor.isEmpty ? pageURL : pageURL + "#" + section.anchor,
                    pageURL: pageURL,
                    pageTitle: page.title,
                    heading: section.heading,
                    headingPath: section.headingPath,
                    text: section.text,
                    tags: page.metadata.tags,
                    book: page.book ?? "",
                    bookTitle: book?.title ?? "",
                    type: page.type,
                    boost: page.metadata.searchBoost
                ))
            }
        }
        return documents
    }

    func run() throws -> Result {
        let documents = documents()
        let index = IndexBuilder(synonyms: context.site.configuration.synonyms).build(documents)
        for file in index.files {
            try sink.write(SearchStep.folder + file.name, file.bytes)
        }
        // The browser engine that reads these files, versioned with the format.
        try sink.write(SearchStep.folder + BrowserEngine.fileName, BrowserEngine.source)
        let twins = scriptTwins ? index.scriptTwins() : []
        for file in twins {
            try sink.write(SearchStep.folder + file.name, file.bytes)
        }
        return Result(fileCount: index.files.count + twins.count + 1, sectionCount: documents.count)
    }
}

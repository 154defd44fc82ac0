import TomeCore

/// The content model: every page, the tree of books > chapters > pages, the files to
/// copy, and the configuration. Built by `ContentLoader`; read by the build.
public struct Site: Sendable {
    public var configuration: SiteConfiguration
    /// Pages by id, and all ids in tree order (home first, then depth-first).
    public var pages: [String: Page]
    public var order: [String]
    /// Non-Markdown files to copy, relative to the content folder, sorted.
    public var assets: [String]
    /// The content folder as the user named it (for messages) and as an absolute path.
    public var contentDisplayPath: String
    public var contentDirectory: String

    public init(configuration: SiteConfiguration, pages: [String: Page], order: [String], assets: [String],
                contentDisplayPath: String, contentDirectory: String) {
        self.configuration = configuration
        self.pages = pages
        self.order = order
        self.assets = assets
        self.contentDisplayPath = contentDisplayPath
        self.contentDirectory = contentDirectory
    }

    public static let homeID = "_index.md"

    public var home: Page { pages[Site.homeID]! }

    /// Pages in tree order.
    public var orderedPages: [Page] { order.compactMap { pages[$0] } }

    public var books: [Page] { home.children.compactMap { pages[$0] }.filter { $0.kind == .book } }

    /// Ancestors from the home page down to the page's parent.
    public func ancestors(of page: Page) -> [Page] {
        var chain: [Page] = []
        var current = page.parent
        while let id = current, let p = pages[id] {
            chain.append(p)
            current = p.parent
        }
        return chain.reversed()
    }

    /// Tags with their pages (in tree order), tags sorted by name.
    public var tags: [(tag: String, pages: [Page])] {
        var byTag: [String: [Page]] = [:]
        for page in orderedPages {
            for tag in page.metadata.tags { byTag[tag, default: []].append(page) }
        }
        return byTag.keys.sorted { $0.lowercased() < $1.lowercased() }.map { ($0, byTag[$0]!) }
    }

    /// Leaf pages in reading order, for previous/next links.
    public var readingOrder: [Page] { orderedPages.filter { $0.kind != .home } }
}

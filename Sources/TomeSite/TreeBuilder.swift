import TomeCore

/// Gives every page its URL, parent and ordered children: top-level folders are books,
/// deeper folders chapters, files pages. Folders without `_index.md` get a page made
/// up from the folder name, so navigation never has a hole.
struct TreeBuilder {
    var pages: [String: Page]
    let configuration: SiteConfiguration
    let displayPath: String
    var order: [String] = []
    var diagnostics: [Diagnostic] = []

    init(pages: [String: Page], configuration: SiteConfiguration, displayPath: String) {
        self.pages = pages
        self.configuration = configuration
        self.displayPath = displayPath
    }

    static func folderID(_ folder: String) -> String { folder.isEmpty ? Site.homeID : folder + "/_index.md" }

    static func folder(of id: String) -> String {
        // In ASCII text every byte is a Character: the last slash found over the bytes
        // (searching Characters cost more than the rest of placing a page in the tree).
        if id.utf8.allSatisfy({ $0 < 0x80 }) {
            guard let slash = id.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
            return String(id[..<slash])
        }
        guard let slash = id.lastIndex(of: "/") else { return "" }
        return String(id[..<slash])
    }

    /// The last `/`-separated segment of `path` (as `split(separator: "/").last`).
    static func lastSegment(of path: String) -> String {
        if path.utf8.allSatisfy({ $0 < 0x80 }), path.utf8.last != UInt8(ascii: "/") {
            guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
            return String(path[path.utf8.index(after: slash)...])
        }
        return String(path.split(separator: "/").last ?? "")
    }

    mutating func build() {
        ensureFolderPages()
        assignURLs()
        linkParents()
        order = []
        appendInOrder(Site.homeID)
        checkDuplicateURLs()
    }

    /// Every folder that holds pages has a page of its own.
    private mutating func ensureFolderPages() {
        var folders = Set<String>([""])
        for id in pages.keys {
            var folder = TreeBuilder.folder(of: id)
            while !folder.isEmpty {
                folders.insert(folder)
                folder = TreeBuilder.folder(of: folder)
            }
        }
        for folder in folders where pages[TreeBuilder.folderID(folder)] == nil {
            let segments = folder.split(separator: "/").map(String.init)
            let name = segments.last ?? ""
            let kind: Page.Kind = segments.isEmpty ? .home : segments.count == 1 ? .book : .chapter
            let title = kind == .home ? configuration.title : ContentLoader.humanize(name)
            pages[TreeBuilder.folderID(folder)] = Page(
                id: TreeBuilder.folderID(folder), file: displayPath + (folder.isEmpty ? "" : "/" + folder), kind: kind, url: "",
                title: title, metadata: PageMetadata(), body: "", bodyFirstLine: 1, book: segments.first, parent: nil, revision: Revision()
            )
        }
    }

    /// The folder a page's id lives in, for `_index.md` the folder it describes.
    static func ownFolder(of page: Page) -> String {
        page.id == Site.homeID ? "" : page.id.hasSuffix("/_index.md") ? String(page.id.dropLast("/_index.md".count)) : folder(of: page.id)
    }

    private mutating func assignURLs() {
        // Folders first (shortest ids first) so a page's folder URL is known.
        var folderURL: [String: String] = ["": "/"]
        let folderPages = pages.values.filter { $0.kind != .page }.sorted { ($0.id.count, $0.id) < ($1.id.count, $1.id) }
        for page in folderPages {
            let folder = TreeBuilder.ownFolder(of: page)
            guard !folder.isEmpty else { pages[page.id]?.url = "/"; continue }
            let parentURL = folderURL[TreeBuilder.folder(of: folder)] ?? "/"
            let name = TreeBuilder.lastSegment(of: folder)
            let segment = validSegment(page.metadata.slug, for: page) ?? Slug.segment(name)
            let url = parentURL + (segment.isEmpty ? "section" : segment) + "/"
            folderURL[folder] = url
            pages[page.id]?.url = url
        }
        // Worked out first and set after: a page changed while the loop still holds the
        // dictionary (and so every page) copied the dictionary and each page's fields.
        var urls: [(id: String, url: String)] = []
        urls.reserveCapacity(pages.count)
        for page in pages.values where page.kind == .page {
            let folder = TreeBuilder.folder(of: page.id)
            let parentURL = folderURL[folder] ?? "/"
            var name = TreeBuilder.lastSegment(of: page.id)
            for ext in [".md", ".markdown"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
            let segment = validSegment(page.metadata.slug, for: page) ?? Slug.segment(name)
            urls.append((page.id, parentURL + (segment.isEmpty ? "page" : segment) + "/"))
        }
        for (id, url) in urls { pages[id]?.url = url }
    }

    /// A slug from front matter, if it is one safe URL segment; otherwise a diagnostic.
    private mutating func validSegment(_ slug: String?, for page: Page) -> String? {
        guard let slug else { return nil }
        let clean = Slug.segment(slug)
        let unsafe = slug.contains("/") || slug.contains("\\") || slug.contains("..") || slug.contains("\0")
        if unsafe || clean.isEmpty {
            diagnostics.append(.error("frontmatter.slug", "slug '\(slug.replacingOccurrences(of: "\0", with: "\\0"))' is not a single URL segment",
                                      at: page.metadata.locations["slug"] ?? SourceLocation(file: page.file),
                                      hint: "use letters, digits and '-' only, such as 'billing-faq'"))
            return nil
        }
        return clean
    }

    private mutating func linkParents() {
        var children: [String: [String]] = [:]
        var parents: [(id: String, parent: String)] = []
        parents.reserveCapacity(pages.count)
        for page in pages.values where page.id != Site.homeID {
            let folder = TreeBuilder.ownFolder(of: page)
            let parentFolder = page.kind == .page ? folder : TreeBuilder.folder(of: folder)
            let parentID = TreeBuilder.folderID(parentFolder)
            parents.append((page.id, parentID))
            children[parentID, default: []].append(page.id)
        }
        // Set after the loop, as in `assignURLs`.
        for (id, parent) in parents { pages[id]?.parent = parent }
        for (parent, ids) in children {
            let sorted = sortChildren(ids, ofHome: parent == Site.homeID)
            pages[parent]?.children = sorted
        }
    }

    private func sortChildren(_ ids: [String], ofHome: Bool) -> [String] {
        let bookRank = Dictionary(configuration.books.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // each child's sort key worked out once, not once per comparison
        let keys = ids.map { id -> (rank: Int, order: Int, title: String, id: String) in
            let page = pages[id]!
            let rank = ofHome && page.kind == .book ? bookRank[page.book ?? ""] ?? Int.max : Int.max
            return (rank, page.metadata.order ?? Int.max, page.title.lowercased(), id)
        }
        return keys.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.order != b.order { return a.order < b.order }
            if a.title != b.title { return a.title < b.title }
            return a.id < b.id
        }.map(\.id)
    }

    private mutating func appendInOrder(_ id: String) {
        guard let page = pages[id] else { return }
        order.append(id)
        for child in page.children { appendInOrder(child) }
    }

    private mutating func checkDuplicateURLs() {
        var byURL: [String: [Page]] = [:]
        for id in order { if let p = pages[id] { byURL[p.url.lowercased(), default: []].append(p) } }
        for (_, group) in byURL where group.count > 1 {
            let files = group.map(\.file)
            for page in group {
                diagnostics.append(.error("url.duplicate", "pages \(files.joined(separator: " and ")) all publish to \(page.url)",
                                          at: SourceLocation(file: page.file), hint: "rename one of them or give it a different 'slug'"))
            }
        }
    }
}

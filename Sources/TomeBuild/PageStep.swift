import TomeCore
import TomeMarkdown
import TomeSite

/// Step 5: every page through its template, written to the sink. A page whose view
/// model, template set and binary are what the last build rendered it from is kept as
/// it is (`OutputSink.keep`): an edit re-renders the pages that show what changed. A page
/// whose dependencies (`PageKeys.dependencies`: its own rendered Markdown and what the
/// views read of every page) are as recorded is kept without building its view at all.
struct PageStep {
    let context: SiteContext
    let theme: Theme
    let sink: any OutputSink
    let progress: ProgressHandler?
    /// Keeps each page's facts between the builds of one process (`tome serve`).
    var memory: BuildMemory?

    func run() async throws -> [Diagnostic] {
        let views = ViewBuilder(context: context)
        let theme = self.theme
        let sink = self.sink
        let pages = context.site.orderedPages
        let templates = pages.map { PageStep.templateName(for: $0, theme: theme) }
        let diagnostics = templates.compactMap(\.1)
        // Every page shows the same site view and what the views read of all pages: that
        // part of the keys is worked out once. Dependencies only where a memo may be kept.
        let keys = sink.memoizes ? await PageKeys(theme: theme, views: views, memory: memory, dependencies: sink.hasMemos) : nil
        // The pages to make, with their dependencies where they were worked out.
        let made: [(index: Int, dependencies: UInt64?)]
        if let keys, keys.hasDependencies {
            let unkept = await concurrentMap(Array(zip(pages, templates))) { page, template -> UInt64? in
                let dependencies = keys.dependencies(of: page, template: template.0)
                return sink.keep(page.outputPath, dependingOn: dependencies) ? nil : dependencies
            }
            made = zip(pages.indices, unkept).compactMap { i, dependencies in dependencies.map { (i, $0) } }
        } else {
            made = pages.indices.map { ($0, nil) }
        }
        guard !made.isEmpty else { return diagnostics }
        let sidebars = try await SidebarCache.render(pages: pages, views: views, theme: theme)
        let results = await concurrentMap(made) { i, dependencies -> BuildError? in
            let page = pages[i], name = templates[i].0
            do {
                var view = views.pageView(for: page)
                let path = page.outputPath
                // A large folder's sidebar is most of a page's bytes: it goes into the key
                // as its folder's digest and this page's URL, and is only copied to render.
                let key = keys?.key(view, template: name, sidebar: sidebars.identity(for: page, url: view.url))
                if let key, sink.keep(path, madeFrom: key, dependingOn: dependencies) { return nil }
                view.sidebar = sidebars.html(for: page, url: view.url)
                let bytes = try theme.renderBytes(view, template: name)
                if let key { try sink.write(path, bytes, madeFrom: key, dependingOn: dependencies) } else { try sink.write(path, bytes) }
                return nil
            } catch let error as BuildError {
                return error
            } catch {
                return .io(path: page.outputPath, reason: "\(error)")
            }
        }
        if let error = results.lazy.compactMap({ $0 }).first { throw error }
        return diagnostics
    }

    /// `layout:` from front matter, else the page type's template (`faq`), else the
    /// kind's (`book`, `chapter`, `home`), else `page`.
    static func templateName(for page: Page, theme: Theme) -> (String, Diagnostic?) {
        if case .string(let layout)? = page.metadata.extra["layout"] {
            if theme.has(layout) { return (layout, nil) }
            return ("page", .error("template.missing", "template '\(layout)' named by 'layout' does not exist",
                                   at: page.metadata.locations["layout"], hint: "create \(layout).mustache in the templates folder, or remove 'layout'"))
        }
        for candidate in [page.type, page.kind.rawValue, page.kind == .chapter ? "book" : "page", "page"] where theme.has(candidate) {
            return (candidate, nil)
        }
        return ("page", nil)
    }
}

/// Builds the view models: navigation, breadcrumbs, table of contents, listings.
struct ViewBuilder: Sendable {
    let context: SiteContext
    let siteView: SiteView
    /// Previous/next neighbours within each book, in reading order.
    let neighbours: [String: (previous: String?, next: String?)]

    init(context: SiteContext) {
        self.context = context
        let site = context.site
        let config = site.configuration
        siteView = SiteView(
            title: config.title, description: config.description, language: config.language, footer: config.footer,
            homeURL: context.href("/"), assetsURL: context.href("/assets/"),
            books: site.books.map { LinkView(title: $0.title, url: context.href($0.url), description: $0.metadata.description ?? "") },
            searchIndexURL: context.href("/search/"),
            feedURL: site.pages.values.contains { $0.type == "release" } ? context.href("/" + ExtrasStep.feedPath) : ""
        )
        var neighbours: [String: (String?, String?)] = [:]
        var byBook: [String: [String]] = [:]
        for page in site.orderedPages where page.kind != .home {
            byBook[page.book ?? "", default: []].append(page.id)
        }
        for ids in byBook.values {
            for (i, id) in ids.enumerated() {
                neighbours[id] = (i > 0 ? ids[i - 1] : nil, i + 1 < ids.count ? ids[i + 1] : nil)
            }
        }
        self.neighbours = neighbours
    }

    func link(_ page: Page) -> LinkView {
        LinkView(title: page.title, url: context.href(page.url), description: page.metadata.description ?? context.rendered[page.id]?.markdown.summary ?? "",
                 revision: page.revision.line, kind: page.type)
    }

    func pageView(for page: Page) -> PageView {
        let site = context.site
        let rendered = context.rendered[page.id]
        let ancestors = site.ancestors(of: page)
        let bookPage = page.book.flatMap { site.pages[$0 + "/_index.md"] }
        let description = page.metadata.description ?? rendered?.markdown.summary ?? site.configuration.description
        var meta: [String: String] = [:]
        for (key, value) in page.metadata.extra { meta[key] = value.displayText }
        let n = neighbours[page.id]
        var view = PageView(
            site: siteView,
            title: page.title,
            documentTitle: page.kind == .home ? site.configuration.title : "\(page.title) · \(site.configuration.title)",
            description: String(description.prefix(300)),
            url: context.href(page.url),
            canonicalURL: context.absoluteURL(page.url),
            kind: page.kind.rawValue,
            type: page.type,
            content: rendered?.markdown.html ?? "",
            revision: page.revision.line,
            tags: page.metadata.tags.map { LinkView(title: $0, url: context.href(ViewBuilder.tagURL($0))) },
            breadcrumbs: ancestors.map(link),
            toc: ViewBuilder.toc(rendered?.markdown.headings ?? []),
            // Pages show the book's tree through `sidebar`, rendered once per folder.
            nav: page.kind == .home ? siteView.books : [],
            book: bookPage.map(link),
            previous: n?.previous.flatMap { site.pages[$0] }.map(link),
            next: n?.next.flatMap { site.pages[$0] }.map(link),
            children: page.children.compactMap { site.pages[$0] }.map(link),
            recent: page.kind == .home ? recentlyUpdated() : [],
            meta: meta,
            metaList: meta.keys.sorted().map { MetaEntry(key: $0, value: meta[$0]!) },
            isHome: page.kind == .home,
            redirectURL: ""
        )
        addTypeViews(to: &view, page: page, rendered: rendered)
        return view
    }

    /// What the knowledge-base page types add: FAQ questions, lesson and agenda,
    /// release version and status, release history newest first.
    func addTypeViews(to view: inout PageView, page: Page, rendered: RenderedPage?) {
        let site = context.site
        if page.type == "faq", let sections = rendered?.markdown.sections {
            let groups = FAQ.groups(from: sections)
            view.faq = groups.map { group in
                FAQGroupView(title: group.title, id: group.id, questions: group.items.map { LinkView(title: $0.question, url: "#" + $0.id) })
            }
            view.faqJSONLD = FAQ.jsonLD(groups)
        }
        if page.type == "lesson" { view.lesson = lessonView(page) }
        if page.type == "lesson" || page.type == "agenda", let agendaPage = agendaPage(for: page) {
            let agenda = agendaView(agendaPage)
            view.agenda = agenda
            if page.type == "lesson" {
                let (previous, next) = lessonNeighbours(page, in: agenda)
                view.previous = previous
                view.next = next
            }
        }
        if page.type == "release" { view.release = releaseView(page) }
        let children = page.children.compactMap { site.pages[$0] }
        if !children.isEmpty, children.allSatisfy({ $0.type == "release" }) {
            view.children = ViewBuilder.newestFirst(children).map { child in
                var link = link(child)
                if let release = releaseView(child) { link.kind = release.upcoming ? "upcoming" : "released"; link.revision = release.date }
                return link
            }
        }
    }

    /// The book's tree, opened along the path to `current` only, so a page in a book of
    /// 2,000 pages carries its neighbours, not the whole book. No link is marked current:
    /// the tree is shared by the pages of a block (see `SidebarCache`).
    ///
    /// Each level shows at most `sidebarBlock` links: the block holding the page on the
    /// path (or `focus`, a page whose block is wanted but which is not opened), and a link
    /// to the folder for the siblings before and after it (the folder's page lists them
    /// all). Without the cap every page of a folder of 1,000 pages would carry 1,000 links,
    /// and the site would grow with the square of it.
    func navigation(in book: Page, current: Page, focus: String? = nil) -> [LinkView] {
        let site = context.site
        var path = Set(site.ancestors(of: current).map(\.id))
        path.insert(current.id)
        func items(of parent: Page) -> [LinkView] {
            let children = parent.children
            let pivot = children.firstIndex { path.contains($0) || $0 == focus } ?? 0
            let block = ViewBuilder.block(of: pivot, count: children.count)
            var views: [LinkView] = []
            if block.lowerBound > 0 { views.append(more(block.lowerBound, in: parent)) }
            for id in children[block] {
                guard let child = site.pages[id] else { continue }
                var view = LinkView(title: child.title, url: context.href(child.url))
                view.open = path.contains(child.id)
                if view.open, !child.children.isEmpty { view.children = items(of: child) }
                views.append(view)
            }
            if block.upperBound < children.count { views.append(more(children.count - block.upperBound, in: parent)) }
            return views
        }
        return items(of: book)
    }

    static let sidebarBlock = 50

    /// The block of `sidebarBlock` siblings that holds position `index`.
    static func block(of index: Int, count: Int) -> Range<Int> {
        let start = index / sidebarBlock * sidebarBlock
        return start..<min(count, start + sidebarBlock)
    }

    /// The link that stands for `count` siblings outside the shown block: to their folder.
    private func more(_ count: Int, in parent: Page) -> LinkView {
        LinkView(title: "\(count) more", url: context.href(parent.url), kind: "more", count: count)
    }

    func recentlyUpdated(limit: Int = 8) -> [LinkView] {
        // Sorts (date, id) pairs, not whole pages (10,000 page values are slow to move).
        let site = context.site
        let dated = site.order.compactMap { id -> (updated: Timestamp, id: String)? in
            guard let page = site.pages[id], page.kind == .page, let updated = page.revision.updated else { return nil }
            return (updated, id)
        }
        let sorted = dated.sorted { a, b in
            if a.updated != b.updated { return a.updated > b.updated }
            return a.id < b.id
        }
        return sorted.prefix(limit).compactMap { site.pages[$0.id] }.map(link)
    }

    static func tagURL(_ tag: String) -> String {
        let slug = Slug.segment(tag)
        return "/tags/\(slug.isEmpty ? "tag" : slug)/"
    }

    /// Headings of level 2 and 3 as a two-level list.
    static func toc(_ headings: [Heading]) -> [TOCEntry] {
        var entries: [TOCEntry] = []
        for heading in headings where heading.level <= 3 {
            let entry = TOCEntry(text: heading.text, id: heading.id, level: heading.level, children: [])
            if heading.level == 3, !entries.isEmpty {
                entries[entries.count - 1].children.append(entry)
            } else {
                entries.append(entry)
            }
        }
        return entries
    }
}

/// The sidebar is the same for every page of a block of siblings (up to
/// `ViewBuilder.sidebarBlock` pages of one folder) except for which link is the current
/// page. So it is rendered once per block through `partials/sidebar`, without a current
/// link, and each page marks its own link with `aria-current` in the cached HTML.
struct SidebarCache: Sendable {
    /// A folder's sidebar and where each link in it starts (the first `<a href="URL">`
    /// of each URL, by its escaped URL), so a page finds its own link without a search.
    struct Entry: Sendable {
        var html: String
        var links: [String: Int]
        /// The digest of `html`, for page keys.
        var digest: UInt64 = 0
    }

    private let byKey: [String: Entry]

    private let blocks: [String: Int]

    /// Pages share a sidebar when they are leaves of the same folder and in the same
    /// block of siblings (`ViewBuilder.block`); a folder page has its own.
    private func key(for page: Page) -> String? { SidebarCache.key(for: page, blocks: blocks) }

    private static func key(for page: Page, blocks: [String: Int]) -> String? {
        guard page.book != nil, page.kind != .home else { return nil }
        guard page.kind == .page, let parent = page.parent else { return page.id }
        return parent + "\u{0}\(blocks[page.id] ?? 0)"
    }

    static func render(pages: [Page], views: ViewBuilder, theme: Theme) async throws(BuildError) -> SidebarCache {
        let site = views.context.site
        var blocks: [String: Int] = [:]
        for page in pages where !page.children.isEmpty {
            for (i, child) in page.children.enumerated() { blocks[child] = i / ViewBuilder.sidebarBlock }
        }
        // Each sidebar is rendered from its folder page, opened at one page of the block.
        var representatives: [String: (anchor: Page, focus: String?)] = [:]
        for page in pages {
            guard let key = key(for: page, blocks: blocks), representatives[key] == nil else { continue }
            if page.kind == .page, let parent = page.parent.flatMap({ site.pages[$0] }) {
                representatives[key] = (parent, page.id)
            } else {
                representatives[key] = (page, nil)
            }
        }
        let keys = representatives.keys.sorted()
        let anchors = representatives
        let rendered = await concurrentMap(keys) { key -> Result<Entry, BuildError> in
            let (anchor, focus) = anchors[key]!
            guard let bookPage = anchor.book.flatMap({ site.pages[$0 + "/_index.md"] }) else { return .success(Entry(html: "", links: [:])) }
            let view = SidebarView(site: views.siteView, book: views.link(bookPage),
                                   nav: views.navigation(in: bookPage, current: anchor, focus: focus))
            return Result { () throws(BuildError) -> Entry in
                let html = try theme.render(view, template: "partials/sidebar")
                var digest = Digest()
                digest.add(html)
                return Entry(html: html, links: links(in: html), digest: digest.value)
            }
        }
        return SidebarCache(byKey: Dictionary(uniqueKeysWithValues: zip(keys, try rendered.map { r throws(BuildError) in try r.get() })),
                            blocks: blocks)
    }

    /// Stands for `html(for:url:)` in a page's key: its folder's sidebar and the page's
    /// URL, which is all the marked copy is made from.
    func identity(for page: Page, url: String) -> UInt64 {
        guard let key = key(for: page), let entry = byKey[key] else { return 0 }
        var digest = Digest()
        digest.add(Int(bitPattern: UInt(entry.digest)))
        digest.add(url)
        return digest.value
    }

    func html(for page: Page, url: String) -> String {
        guard let key = key(for: page), let entry = byKey[key] else { return "" }
        let escaped = HTMLEscaping.escape(url)
        guard let start = entry.links[escaped] else { return entry.html }
        // `<a href="URL"` + ` aria-current="page">` + what follows the link's `>`.
        let html = entry.html.utf8
        let close = html.index(html.startIndex, offsetBy: start + SidebarCache.linkStart.count + escaped.utf8.count + 1)
        var marked = ""
        marked.reserveCapacity(html.count + 24)
        marked += entry.html[..<close]
        marked += " aria-current=\"page\">"
        marked += entry.html[html.index(after: close)...]
        return marked
    }

    private static let linkStart = Array("<a href=\"".utf8)

    /// Byte offset of the first `<a href="X">` for each X in `html`. X (escaped) has no
    /// `"`, so `<a href="X">` starts at an offset exactly when X is the attribute there.
    static func links(in html: String) -> [String: Int] {
        var links: [String: Int] = [:]
        let bytes = Array(html.utf8)
        let start = linkStart
        var i = 0
        while i + start.count < bytes.count {
            guard bytes[i] == start[0], bytes[i..<(i + start.count)].elementsEqual(start) else { i += 1; continue }
            let valueStart = i + start.count
            var j = valueStart
            while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += 1 }
            if j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: ">") {
                let value = String(decoding: bytes[valueStart..<j], as: UTF8.self)
                if links[value] == nil { links[value] = i }
            }
            i = valueStart
        }
        return links
    }
}

/// What a page is made from, as its memo key: its view, its template, the theme and this
/// binary. The site view is digested once: every page view of a build carries the one
/// `ViewBuilder.siteView` that these keys are made with.
///
/// A view is costly to build, so a page also has *dependencies*, a digest of everything
/// its view is made from, worked out without it: the theme, the binary and the site view
/// as above; the page's template; its rendered Markdown, through the key it was rendered
/// from (`RenderedPage.source`); what any view may read of any page, its *facts*: each
/// page's fields but its body, revision and front matter locations (title, URL, front
/// matter, place in the tree:
/// through the compiler-made `Encodable` conformance of `Page`, so a field added later is
/// covered) and its summary, the site's order and address; and the revisions of the pages
/// whose links (`ViewBuilder.link`) the view shows: its own, its ancestors', its book's,
/// its neighbours' and its children's, and every page's on the home page (recently
/// updated). Revisions are kept apart because a page dated by its file changes its
/// revision with every save: in the site's facts, every save would change every page's
/// dependencies. Equal dependencies mean an equal view; otherwise the view is built and
/// its key compared.
struct PageKeys: Sendable {
    private let common: Digest
    /// `common` and the facts of every page; nil when dependencies are not worked out.
    private let site: Digest?
    /// Each page's revision, digested, by id; and all of them, for the home page.
    private let revisions: [String: UInt64]
    private let allRevisions: UInt64
    private let views: ViewBuilder
    private let blankSite: SiteView

    /// `memory`: the facts of the last build, taken for a page equal to the one they were
    /// worked out from (in `tome serve`, an unchanged page shares its strings with the last
    /// build's, so comparing is cheap; digesting every page was about half of a save's page
    /// step in `perf` samples on the C++ corpus).
    init(theme: Theme, views: ViewBuilder, memory: BuildMemory? = nil, dependencies: Bool = true) async {
        var common = Digest()
        common.add(InputFingerprint.binary)
        common.add(Int(bitPattern: UInt(theme.identity)))
        common.add(Int(bitPattern: UInt(ViewDigest.of(views.siteView))))
        self.common = common
        self.views = views
        blankSite = SiteView(title: "", description: "", language: "", footer: "", homeURL: "", assetsURL: "",
                             books: [], searchIndexURL: "", feedURL: "")
        guard dependencies else {
            (site, revisions, allRevisions) = (nil, [:], 0)
            return
        }
        let context = views.context
        let ids = context.site.pages.keys.sorted()
        let pages = context.site.pages
        let digested = await concurrentMap(ids) { id -> (facts: UInt64, revision: UInt64) in
            var page = pages[id]!
            let revision = ViewDigest.of(page.revision)
            let summary = context.rendered[id]?.markdown.summary
            if let kept = memory?.facts(of: page, summary: summary) { return (kept, revision) }
            page.body = ""
            page.revision = Revision()
            // Where each front matter value stands is for diagnostics, which no view shows.
            page.metadata.locations = [:]
            var facts = Digest()
            facts.add(Int(bitPattern: UInt(ViewDigest.of(page))))
            facts.add(summary ?? "-")
            return (facts.value, revision)
        }
        memory?.remember(facts: Dictionary(uniqueKeysWithValues: zip(ids, digested).map { id, digest in
            (id, (pages[id]!, context.rendered[id]?.markdown.summary, digest.facts))
        }))
        var site = common
        site.add(context.absoluteURL(""))
        for id in context.site.order { site.add(id) }
        site.add(context.site.order.count)
        var all = Digest()
        for (id, digest) in zip(ids, digested) {
            site.add(id)
            site.add(Int(bitPattern: UInt(digest.facts)))
            all.add(Int(bitPattern: UInt(digest.revision)))
        }
        site.add(ids.count)
        self.site = site
        revisions = Dictionary(uniqueKeysWithValues: zip(ids, digested.map(\.revision)))
        allRevisions = all.value
    }

    var hasDependencies: Bool { site != nil }

    /// Only when `hasDependencies`.
    func dependencies(of page: Page, template: String) -> UInt64 {
        let site = views.context.site
        var digest = self.site!
        digest.add(template)
        digest.add(page.id)
        digest.add(Int(bitPattern: UInt(views.context.rendered[page.id]?.source ?? 0)))
        func revision(_ id: String?) {
            digest.add(Int(bitPattern: UInt(id.flatMap { revisions[$0] } ?? 0)))
        }
        revision(page.id)
        for ancestor in site.ancestors(of: page) { revision(ancestor.id) }
        revision(page.book.map { $0 + "/_index.md" })
        let neighbours = views.neighbours[page.id]
        revision(neighbours?.previous)
        revision(neighbours?.next)
        for child in page.children { revision(child) }
        if page.kind == .home { digest.add(Int(bitPattern: UInt(allRevisions))) }
        return digest.value
    }

    /// `sidebar`: `SidebarCache.identity`, standing for the view's sidebar (left empty).
    func key(_ view: PageView, template: String, sidebar: UInt64) -> UInt64 {
        var digest = common
        digest.add(template)
        digest.add(Int(bitPattern: UInt(sidebar)))
        var rest = view
        rest.site = blankSite
        rest.sidebar = ""
        digest.add(Int(bitPattern: UInt(ViewDigest.of(rest))))
        return digest.value
    }
}

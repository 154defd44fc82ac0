import TomeCore
import TomeHTML
import TomeSite

/// Step 6: everything that is not a content page: tag pages, alias redirects, the
/// 404 page, sitemap.xml, robots.txt, theme assets and files next to the content.
struct ExtrasStep {
    let context: SiteContext
    let theme: Theme
    let sink: any OutputSink

    struct Result {
        var fileCount = 0
        var diagnostics: [Diagnostic] = []
    }

    func run() throws -> Result {
        var result = Result()
        let views = ViewBuilder(context: context)
        let site = context.site

        // Tags: an index with counts, and a page per tag.
        let tags = site.tags
        var tagsView = basicView(views, title: "Tags", url: "/tags/")
        tagsView.children = tags.map { LinkView(title: $0.tag, url: context.href(ViewBuilder.tagURL($0.tag)), count: $0.pages.count) }
        try write("tags/index.html", theme.render(tagsView, template: "tags"), &result)
        for (tag, pages) in tags {
            var view = basicView(views, title: tag, url: ViewBuilder.tagURL(tag))
            view.children = pages.map(views.link)
            try write(String(ViewBuilder.tagURL(tag).dropFirst()) + "index.html", theme.render(view, template: "tag"), &result)
        }

        // The full search page (the browser engine fills it in).
        let search = basicView(views, title: "Search", url: "/search/")
        try write("search/index.html", theme.render(search, template: "search"), &result)

        // Release notes feed, linked from every page's head.
        if let feed = releaseFeed(views) {
            try sink.write(ExtrasStep.feedPath, feed)
            result.fileCount += 1
        }

        // 404.
        let notFound = basicView(views, title: "Page not found", url: "/404.html")
        try write("404.html", theme.render(notFound, template: "404"), &result)

        // Aliases: old URLs that redirect to the page.
        let published = Set(site.pages.values.map { $0.url.lowercased() })
        var claimed: [String: Page] = [:]
        for page in site.orderedPages {
            for alias in page.metadata.aliases {
                let location = page.metadata.locations["aliases"] ?? SourceLocation(file: page.file)
                guard let path = ExtrasStep.aliasPath(alias) else {
                    result.diagnostics.append(.error("alias.invalid", "alias '\(alias.replacingOccurrences(of: "\0", with: "\\0"))' is not a site path",
                                                     at: location, hint: "write aliases as site paths such as /old-wiki/page-name/"))
                    continue
                }
                let url = "/" + path + "/"
                if published.contains(url.lowercased()) {
                    result.diagnostics.append(.error("alias.collision", "alias '\(alias)' is the URL of an existing page", at: location))
                    continue
                }
                if let other = claimed[url] {
                    result.diagnostics.append(.error("alias.collision", "alias '\(alias)' is also an alias of \(other.file)", at: location))
                    continue
                }
                claimed[url] = page
                var view = basicView(views, title: page.title, url: url)
                view.redirectURL = context.href(page.url)
                view.canonicalURL = context.absoluteURL(page.url)
                try write(path + "/index.html", theme.render(view, template: "redirect"), &result)
            }
        }

        // sitemap.xml and robots.txt.
        try sink.write("sitemap.xml", sitemap())
        result.fileCount += 1
        var robots = "User-agent: *\nAllow: /\n"
        if !site.configuration.origin.isEmpty { robots += "Sitemap: \(context.absoluteURL("/sitemap.xml"))\n" }
        try write("robots.txt", robots, &result)

        // Theme assets, then files that sit next to the content.
        for path in theme.assets.keys.sorted() where path.hasPrefix("assets/") {
            try sink.write(path, theme.assets[path]!)
            result.fileCount += 1
        }
        for asset in site.assets {
            try sink.copy(from: site.contentDirectory + "/" + asset, to: asset)
            result.fileCount += 1
        }
        return result
    }

    private func write(_ path: String, _ text: String, _ result: inout Result) throws {
        try sink.write(path, text)
        result.fileCount += 1
    }

    private func basicView(_ views: ViewBuilder, title: String, url: String) -> PageView {
        var view = views.pageView(for: context.site.home)
        view.title = title
        view.documentTitle = "\(title) · \(context.site.configuration.title)"
        view.url = context.href(url)
        view.canonicalURL = context.absoluteURL(url)
        view.kind = "list"
        view.type = "list"
        view.content = ""
        view.revision = ""
        view.toc = []
        view.recent = []
        view.isHome = false
        view.breadcrumbs = [views.link(context.site.home)]
        return view
    }

    /// `/old-wiki/page/` → `old-wiki/page`; nil for anything that is not a plain site path.
    static func aliasPath(_ alias: String) -> String? {
        let segments = alias.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.isEmpty, !alias.contains("\0"), !alias.contains("\\"), !alias.contains("://"),
              !segments.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        var path = segments.joined(separator: "/")
        if path.hasSuffix(".html") { path = String(path.dropLast(5)) }
        return path
    }

    static let feedPath = "feed.xml"

    /// An Atom feed (RFC 4287) of the release-notes pages, newest first.
    func releaseFeed(_ views: ViewBuilder) -> [UInt8]? {
        let releases = ViewBuilder.newestFirst(context.site.orderedPages.filter { $0.type == "release" })
        guard !releases.isEmpty else { return nil }
        let entries = releases.map { page -> AtomEntry in
            let date = page.metadata.release?.date ?? page.revision.updated ?? page.revision.created
            let updated = page.revision.updated.map { max($0, date ?? $0) } ?? date
            return AtomEntry(
                id: context.absoluteURL(page.url), title: page.title,
                updated: (updated ?? Timestamp(year: 1970, month: 1, day: 1)).iso8601,
                published: date?.iso8601, link: context.absoluteURL(page.url),
                categories: page.metadata.tags, summary: page.metadata.description,
                contentHTML: context.rendered[page.id]?.markdown.html
            )
        }
        let config = context.site.configuration
        return AtomFeedWriter.write(AtomFeed(
            id: context.absoluteURL("/" + ExtrasStep.feedPath), title: "\(config.title): release notes",
            subtitle: config.description.isEmpty ? nil : config.description,
            updated: entries.map(\.updated).max() ?? "1970-01-01T00:00:00Z",
            selfLink: context.absoluteURL("/" + ExtrasStep.feedPath), alternateLink: context.absoluteURL("/"),
            authors: [AtomPerson(name: config.title)], generator: "Tome", entries: entries
        ))
    }

    func sitemap() -> [UInt8] {
        SitemapWriter.write(context.site.orderedPages.map { page in
            SitemapEntry(loc: context.absoluteURL(page.url), lastModified: page.revision.updated?.iso8601Date)
        })
    }
}

import Foundation
import TomeCore
import TomeMarkdown
import TomeSite

/// `tome check`'s own checks, on top of everything the build already reports (front
/// matter types, links and anchors, missing images, duplicate URLs including those that
/// differ only by case, FAQ questions without answers, template errors):
///
/// | id                       | what                                                      | severity |
/// |--------------------------|-----------------------------------------------------------|----------|
/// | `check.alt-text`         | an image without alt text (Markdown or raw `<img>`)       | warning  |
/// | `check.heading-skip`     | a heading more than one level below the previous one      | warning  |
/// | `check.duplicate-title`  | two pages with the same title (case-insensitive)          | warning  |
/// | `check.unreachable`      | a page neither in the navigation nor linked from a page that is | warning |
/// | `check.stale`            | `review_by` has passed, or not updated for `stale_after_months` | warning |
/// | `check.config`           | `stale_after_months` or `review_by` of the wrong type     | warning  |
///
/// The step is a pure function of the site, its rendered pages and `today`, which is
/// passed in (tests use a fixed date; the command passes the current UTC date).
struct CheckStep {
    let context: SiteContext
    let today: Timestamp

    func run() -> [Diagnostic] {
        var out: [Diagnostic] = []
        for page in context.site.orderedPages {
            guard let rendered = context.rendered[page.id] else { continue }
            out += altText(page)
            out += headingSkips(rendered)
        }
        out += duplicateTitles()
        out += unreachable()
        out += stale()
        return out
    }

    // MARK: Alt text

    /// Images whose alt text is empty: `![](x.png)` and raw `<img>` without `alt`.
    /// (`alt=""` in raw HTML is a deliberate choice for decorative images and is accepted.)
    func altText(_ page: Page) -> [Diagnostic] {
        guard !page.body.isEmpty else { return [] }
        let offset = page.bodyFirstLine - 1
        var out: [Diagnostic] = []
        func hint() -> String { "describe the image for readers who cannot see it: ![a short description](image.png)" }
        func inlines(_ items: [Inline], line: Int) {
            for item in items {
                switch item {
                case .image(let source, _, let alt, let l, let c):
                    if alt.plainText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        out.append(.warning("check.alt-text", "image '\(source)' has no alt text",
                                            at: SourceLocation(file: page.file, line: l + offset, column: c), hint: hint()))
                    }
                case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, _, let c, _, _):
                    inlines(c, line: line)
                case .html(let html):
                    if CheckStep.hasImageWithoutAlt(html) {
                        out.append(.warning("check.alt-text", "<img> has no alt attribute",
                                            at: SourceLocation(file: page.file, line: line + offset), hint: hint()))
                    }
                default: break
                }
            }
        }
        func blocks(_ items: [Block]) {
            for block in items {
                switch block {
                case .paragraph(let i, let line), .heading(_, let i, let line): inlines(i, line: line)
                case .blockQuote(let b, _), .footnoteDefinition(_, let b, _): blocks(b)
                case .list(let list, _): for item in list.items { blocks(item.blocks) }
                case .table(let table, let line):
                    for cell in table.header { inlines(cell, line: line) }
                    for row in table.rows { for cell in row { inlines(cell, line: line) } }
                case .htmlBlock(let html, let line):
                    if CheckStep.hasImageWithoutAlt(html) {
                        out.append(.warning("check.alt-text", "<img> has no alt attribute",
                                            at: SourceLocation(file: page.file, line: line + offset), hint: hint()))
                    }
                case .codeBlock, .thematicBreak: break
                }
            }
        }
        // The parser bounds nesting (MarkdownParser.maximumDepth), so this walk is bounded too.
        blocks(MarkdownParser.parse(page.body).blocks)
        return out
    }

    /// Whether `html` holds an `<img` tag without an `alt` attribute. A plain scan:
    /// good enough for a warning, and it never runs anything.
    static func hasImageWithoutAlt(_ html: String) -> Bool {
        let lower = html.lowercased()
        var rest = lower[...]
        while let open = rest.range(of: "<img") {
            let tagEnd = rest[open.upperBound...].firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[open.upperBound..<tagEnd]
            let hasAlt = tag.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "/" })
                .contains { $0 == "alt" || $0.hasPrefix("alt=") }
            if !hasAlt { return true }
            rest = rest[tagEnd...]
        }
        return false
    }

    // MARK: Headings

    /// The page title is the `h1`; each heading may go at most one level deeper than the
    /// one before it (`##` then `####` skips `###`, which screen-reader users navigate by).
    func headingSkips(_ rendered: RenderedPage) -> [Diagnostic] {
        let page = rendered.page
        var previous = 1
        var out: [Diagnostic] = []
        for heading in rendered.markdown.headings {
            if heading.level > previous + 1 {
                out.append(.warning("check.heading-skip",
                                    "heading '\(heading.text)' is level \(heading.level) after level \(previous); level \(previous + 1) is skipped",
                                    at: SourceLocation(file: page.file, line: heading.line + page.bodyFirstLine - 1, column: 1),
                                    hint: "use \(String(repeating: "#", count: previous + 1)) for this heading"))
            }
            previous = heading.level
        }
        return out
    }

    // MARK: Titles

    func duplicateTitles() -> [Diagnostic] {
        var byTitle: [String: [Page]] = [:]
        for page in context.site.orderedPages where page.kind != .home {
            let key = page.title.trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { continue }
            byTitle[key, default: []].append(page)
        }
        var out: [Diagnostic] = []
        for group in byTitle.values where group.count > 1 {
            for page in group {
                let others = group.filter { $0.id != page.id }.map(\.file).joined(separator: ", ")
                out.append(.warning("check.duplicate-title", "title '\(page.title)' is also used by \(others)",
                                    at: page.metadata.locations["title"] ?? SourceLocation(file: page.file),
                                    hint: "give each page a title that tells readers (and search results) which one they want"))
            }
        }
        return out
    }

    // MARK: Reachability

    /// Pages a reader cannot get to: not in the navigation (home → books → their tree)
    /// and not linked from any page that is. Loose pages at the root of the content
    /// folder are the usual case: they are in no book, so no sidebar shows them.
    func unreachable() -> [Diagnostic] {
        let site = context.site
        let resolver = LinkResolver(site: site)
        var reached: Set<String> = [Site.homeID]
        var queue: [String] = [Site.homeID]
        var next = 0
        func visit(_ id: String) {
            if site.pages[id] != nil, reached.insert(id).inserted { queue.append(id) }
        }
        while next < queue.count {
            let id = queue[next]
            next += 1
            guard let page = site.pages[id] else { continue }
            // Navigation: the home page lists the books; a book's sidebar shows its tree.
            if page.kind == .home {
                for book in site.books { visit(book.id) }
            } else if page.book != nil {
                for child in page.children { visit(child) }
            }
            // Links in the page's text.
            for link in context.rendered[id]?.markdown.links ?? [] where link.kind == .link {
                if case .page(_, let target, _) = resolver.resolve(link.destination, from: id, kind: .link) { visit(target) }
            }
        }
        return site.orderedPages.filter { !reached.contains($0.id) }.map { page in
            .warning("check.unreachable", "page is not in the navigation and no page links to it",
                     at: SourceLocation(file: page.file),
                     hint: "move it into a book folder, or link to it from a page readers can reach")
        }
    }

    // MARK: Staleness

    /// `review_by: 2026-01-31` in front matter, and `stale_after_months: N` in site.yml
    /// (against the page's updated date: git's last commit, or `updated:`).
    func stale() -> [Diagnostic] {
        let site = context.site
        var out: [Diagnostic] = []
        var months: Int?
        if let value = site.configuration.extra["stale_after_months"] {
            if case .int(let n) = value, n > 0 {
                months = n
            } else {
                out.append(.warning("check.config", "site configuration: 'stale_after_months' must be a positive integer, found \(value.kindDescription)",
                                    at: SourceLocation(file: site.contentDisplayPath + "/site.yml"),
                                    hint: "write it as a number of months, such as 'stale_after_months: 12'"))
            }
        }
        let cutoff = months.map { today.day(monthsBefore: $0) }
        let todayDate = today.dateOnly
        for page in site.orderedPages {
            if let value = page.metadata.extra["review_by"] {
                let location = page.metadata.locations["review_by"] ?? SourceLocation(file: page.file)
                if let text = value.string, let due = Timestamp(parsing: text) {
                    if due.dateOnly < todayDate {
                        out.append(.warning("check.stale", "review date \(due.isoDate) has passed",
                                            at: location, hint: "review the page, then move 'review_by' forward"))
                        continue
                    }
                } else {
                    out.append(.warning("check.config", "front matter: 'review_by' must be a date such as 2026-06-30, found \(value.kindDescription)",
                                        at: location))
                }
            }
            if let cutoff, page.metadata.extra["review_by"] == nil, let updated = page.revision.updated, updated.dateOnly < cutoff {
                out.append(.warning("check.stale", "not updated since \(updated.isoDate), more than \(months!) months ago",
                                    at: SourceLocation(file: page.file),
                                    hint: "review the page, or set 'review_by' in its front matter (site.yml sets 'stale_after_months')"))
            }
        }
        return out
    }
}

extension Timestamp {
    /// The same day without a time.
    var dateOnly: Timestamp { Timestamp(year: year, month: month, day: day) }

    var isoDate: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The calendar day `months` months earlier (the 31st becomes the month's last day).
    func day(monthsBefore months: Int) -> Timestamp {
        let total = year * 12 + (month - 1) - months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let lengths = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return Timestamp(year: y, month: m, day: min(day, lengths[m - 1]))
    }

    /// Today's date in UTC (what `tome check` uses unless told otherwise).
    public static var today: Timestamp { Timestamp(date: Date()).dateOnly }
}

/// What `tome check` found.
public struct CheckReport: Sendable {
    /// The build's diagnostics followed by the check step's.
    public var diagnostics: Diagnostics
    public var pageCount: Int
    /// False when there are errors (warnings count as errors with `strict`).
    public var succeeded: Bool { !diagnostics.hasErrors }
}

extension SiteBuilder {
    /// `tome check`: the whole build into a sink that keeps nothing (so template and
    /// output problems are found too, and no file is written), then `CheckStep`.
    ///
    /// - Parameter today: the date staleness is measured against; tests pass a fixed one.
    public func check(today: Timestamp) async throws -> CheckReport {
        var quiet = self
        quiet.options.strict = false
        let build = try await quiet.build(into: DiscardSink())

        // The build does not hand out its site model, so load and render again (cheap
        // beside templating and indexing, which the check step does not need).
        let loader = ContentLoader(options: .init(includeDrafts: options.includeDrafts, useGit: options.useGit, useFileDates: options.useFileDates))
        var (site, _) = await loader.load(directory: options.contentDirectory, displayPath: options.contentDisplayPath)
        if let baseURL = options.baseURL { site.configuration.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/" }
        let rendered = await RenderStep(site: site, progress: nil).run()
        let context = SiteContext(site: site, rendered: rendered)

        var diagnostics = build.diagnostics
        diagnostics.append(contentsOf: CheckStep(context: context, today: today).run())
        if options.strict { diagnostics = diagnostics.promotingWarnings() }
        return CheckReport(diagnostics: diagnostics, pageCount: site.pages.count)
    }
}

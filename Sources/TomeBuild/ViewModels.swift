import Mustache

// Typed view models for the templates. Each answers `value(forKey:)` with a switch
// and a `TemplateValue`, so rendering never casts or reflects over values at run time
// (`child(named:)`, for swift-mustache, is derived from it), and a test checks that every
// key a template names is a stored property of some view model (a misspelt key would
// otherwise render as an empty string). They are `Encodable` only for their digest,
// the memo key of the page rendered from them (`ViewDigest`).

struct SiteView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var description: String
    var language: String
    var footer: String
    /// The site's root URL path (`/` or `/docs/`).
    var homeURL: String
    /// Theme assets folder, e.g. `/assets/`.
    var assetsURL: String
    var books: [LinkView]
    var searchIndexURL: String
    var feedURL: String

    /// Mustache treats an empty string as true: templates test these flags instead.
    var hasFeed: Bool { !feedURL.isEmpty }

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "hasFeed": .bool(hasFeed)
        case "title": .string(title)
        case "description": .string(description)
        case "language": .string(language)
        case "footer": .string(footer)
        case "homeURL": .string(homeURL)
        case "assetsURL": .string(assetsURL)
        case "books": .list(books)
        case "searchIndexURL": .string(searchIndexURL)
        case "feedURL": .string(feedURL)
        default: nil
        }
    }
}

/// A link in navigation, breadcrumbs, listings or the sidebar tree.
struct LinkView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var url: String
    var description: String = ""
    /// This link is the page being rendered.
    var current: Bool = false
    /// The page being rendered is below this link.
    var open: Bool = false
    var children: [LinkView] = []
    var revision: String = ""
    var kind: String = ""
    var count: Int = 0

    var hasChildren: Bool { !children.isEmpty }

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "title": .string(title)
        case "url": .string(url)
        case "description": .string(description)
        case "current": .bool(current)
        case "open": .bool(open)
        case "children": .list(children)
        case "hasChildren": .bool(hasChildren)
        case "revision": .string(revision)
        case "kind": .string(kind)
        case "count": .int(count)
        default: nil
        }
    }
}

struct TOCEntry: TemplateObject, MustacheParent, Sendable, Encodable {
    var text: String
    var id: String
    var level: Int
    var children: [TOCEntry]

    var hasChildren: Bool { !children.isEmpty }

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "text": .string(text)
        case "id": .string(id)
        case "level": .int(level)
        case "children": .list(children)
        case "hasChildren": .bool(hasChildren)
        default: nil
        }
    }
}

struct MetaEntry: TemplateObject, MustacheParent, Sendable, Encodable {
    var key: String
    var value: String

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "key": .string(key)
        case "value": .string(value)
        default: nil
        }
    }
}

/// Everything one output page is rendered from.
struct PageView: TemplateObject, MustacheParent, Sendable, Encodable {
    var site: SiteView
    var title: String
    /// Shown in `<title>`: the page title and the site title.
    var documentTitle: String
    var description: String
    var url: String
    var canonicalURL: String
    var kind: String
    var type: String
    var content: String
    var revision: String
    var tags: [LinkView]
    var breadcrumbs: [LinkView]
    var toc: [TOCEntry]
    var nav: [LinkView]
    var book: LinkView?
    var previous: LinkView?
    var next: LinkView?
    var children: [LinkView]
    var recent: [LinkView]
    /// Every front matter key, including ones Tome does not know, as text.
    var meta: [String: String]
    var metaList: [MetaEntry]
    var isHome: Bool
    /// For alias pages: where the reader is sent.
    var redirectURL: String
    /// The book's navigation, rendered once per folder by `partials/sidebar`.
    var sidebar: String = ""
    /// FAQ pages: the questions, grouped, and their schema.org FAQPage JSON-LD.
    var faq: [FAQGroupView] = []
    var faqJSONLD: String = ""
    /// Lesson pages: the lesson; agenda and lesson pages: the agenda.
    var lesson: LessonView?
    var agenda: AgendaView?
    /// Release pages: version, date and status.
    var release: ReleaseView?

    var hasTOC: Bool { toc.count > 1 }
    var hasTags: Bool { !tags.isEmpty }
    var hasChildren: Bool { !children.isEmpty }
    var hasBreadcrumbs: Bool { !breadcrumbs.isEmpty }
    var hasRecent: Bool { !recent.isEmpty }

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "site": .object(site)
        case "hasBreadcrumbs": .bool(hasBreadcrumbs)
        case "hasRecent": .bool(hasRecent)
        case "title": .string(title)
        case "documentTitle": .string(documentTitle)
        case "description": .string(description)
        case "url": .string(url)
        case "canonicalURL": .string(canonicalURL)
        case "kind": .string(kind)
        case "type": .string(type)
        case "content": .string(content)
        case "revision": .string(revision)
        case "tags": .list(tags)
        case "hasTags": .bool(hasTags)
        case "breadcrumbs": .list(breadcrumbs)
        case "toc": .list(toc)
        case "hasTOC": .bool(hasTOC)
        case "nav": .list(nav)
        case "book": book.map { .object($0) }
        case "previous": previous.map { .object($0) }
        case "next": next.map { .object($0) }
        case "children": .list(children)
        case "hasChildren": .bool(hasChildren)
        case "recent": .list(recent)
        case "meta": .dictionary(meta)
        case "metaList": .list(metaList)
        case "isHome": .bool(isHome)
        case "redirectURL": .string(redirectURL)
        case "sidebar": .string(sidebar)
        case "faq": .list(faq)
        case "faqJSONLD": .string(faqJSONLD)
        case "hasFAQ": .bool(!faq.isEmpty)
        case "lesson": lesson.map { .object($0) }
        case "agenda": agenda.map { .object($0) }
        case "release": release.map { .object($0) }
        default: nil
        }
    }
}

/// What `partials/sidebar` is rendered with.
struct SidebarView: TemplateObject, MustacheParent, Sendable {
    var site: SiteView
    var book: LinkView?
    var nav: [LinkView]

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "site": .object(site)
        case "book": book.map { .object($0) }
        case "nav": .list(nav)
        default: nil
        }
    }
}

import Mustache

// Typed view models for the templates. Each answers `child(named:)` with a switch,
// so rendering never reflects over values at run time, and a test checks that every
// key a template names is a stored property of some view model (a misspelt key would
// otherwise render as an empty string). They are `Encodable` only for their digest,
// the memo key of the page rendered from them (`ViewDigest`).

struct SiteView: MustacheParent, Sendable, Encodable {
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

    func child(named name: String) -> Any? {
        switch name {
        case "hasFeed": hasFeed
        case "title": title
        case "description": description
        case "language": language
        case "footer": footer
        case "homeURL": homeURL
        case "assetsURL": assetsURL
        case "books": books
        case "searchIndexURL": searchIndexURL
        case "feedURL": feedURL
        default: nil
        }
    }
}

/// A link in navigation, breadcrumbs, listings or the sidebar tree.
struct LinkView: MustacheParent, Sendable, Encodable {
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

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "url": url
        case "description": description
        case "current": current
        case "open": open
        case "children": children
        case "hasChildren": hasChildren
        case "revision": revision
        case "kind": kind
        case "count": count
        default: nil
        }
    }
}

struct TOCEntry: MustacheParent, Sendable, Encodable {
    var text: String
    var id: String
    var level: Int
    var children: [TOCEntry]

    var hasChildren: Bool { !children.isEmpty }

    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "id": id
        case "level": level
        case "children": children
        case "hasChildren": hasChildren
        default: nil
        }
    }
}

struct MetaEntry: MustacheParent, Sendable, Encodable {
    var key: String
    var value: String

    func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "value": value
        default: nil
        }
    }
}

/// Everything one output page is rendered from.
struct PageView: MustacheParent, Sendable, Encodable {
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

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "hasBreadcrumbs": hasBreadcrumbs
        case "hasRecent": hasRecent
        case "title": title
        case "documentTitle": documentTitle
        case "description": description
        case "url": url
        case "canonicalURL": canonicalURL
        case "kind": kind
        case "type": type
        case "content": content
        case "revision": revision
        case "tags": tags
        case "hasTags": hasTags
        case "breadcrumbs": breadcrumbs
        case "toc": toc
        case "hasTOC": hasTOC
        case "nav": nav
        case "book": book
        case "previous": previous
        case "next": next
        case "children": children
        case "hasChildren": hasChildren
        case "recent": recent
        case "meta": meta
        case "metaList": metaList
        case "isHome": isHome
        case "redirectURL": redirectURL
        case "sidebar": sidebar
        case "faq": faq
        case "faqJSONLD": faqJSONLD
        case "hasFAQ": !faq.isEmpty
        case "lesson": lesson
        case "agenda": agenda
        case "release": release
        default: nil
        }
    }
}

/// What `partials/sidebar` is rendered with.
struct SidebarView: MustacheParent, Sendable {
    var site: SiteView
    var book: LinkView?
    var nav: [LinkView]

    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "book": book
        case "nav": nav
        default: nil
        }
    }
}

/// An empty string is false in a section (`{{#description}}…{{/description}}` shows
/// nothing for a page without a description), as in Mustache's JavaScript origins;
/// swift-mustache would otherwise treat every string as true.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { isEmpty }
}

/// A person in an Atom feed (RFC 4287 section 3.2).
public struct AtomPerson: Sendable, Hashable {
    public var name: String
    public var uri: String?
    public var email: String?

    public init(name: String, uri: String? = nil, email: String? = nil) {
        self.name = name
        self.uri = uri
        self.email = email
    }
}

/// One entry of an Atom feed. Dates are RFC 3339 strings (`2024-05-01T00:00:00Z`),
/// formatted by the caller so that output never depends on the clock or locale.
public struct AtomEntry: Sendable, Hashable {
    /// A permanent IRI, usually the entry's URL or a `tag:` URI.
    public var id: String
    public var title: String
    public var updated: String
    public var published: String?
    /// The page the entry is about (`rel="alternate"`).
    public var link: String?
    public var authors: [AtomPerson]
    public var categories: [String]
    /// Plain text.
    public var summary: String?
    /// HTML, written escaped as `<content type="html">`.
    public var contentHTML: String?

    public init(
        id: String, title: String, updated: String, published: String? = nil, link: String? = nil,
        authors: [AtomPerson] = [], categories: [String] = [], summary: String? = nil, contentHTML: String? = nil
    ) {
        self.id = id
        self.title = title
        self.updated = updated
        self.published = published
        self.link = link
        self.authors = authors
        self.categories = categories
        self.summary = summary
        self.contentHTML = contentHTML
    }
}

/// An Atom feed (RFC 4287).
public struct AtomFeed: Sendable, Hashable {
    public var id: String
    public var title: String
    public var subtitle: String?
    public var updated: String
    /// Where the feed itself is published (`rel="self"`).
    public var selfLink: String?
    /// The HTML page the feed mirrors (`rel="alternate"`).
    public var alternateLink: String?
    /// Required by RFC 4287 unless every entry names its authors.
    public var authors: [AtomPerson]
    public var generator: String?
    public var entries: [AtomEntry]

    public init(
        id: String, title: String, subtitle: String? = nil, updated: String, selfLink: String? = nil,
        alternateLink: String? = nil, authors: [AtomPerson] = [], generator: String? = nil, entries: [AtomEntry] = []
    ) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.updated = updated
        self.selfLink = selfLink
        self.alternateLink = alternateLink
        self.authors = authors
        self.generator = generator
        self.entries = entries
    }
}

/// Writes Atom feeds with libxml2's XML writer, so escaping is right.
public enum AtomFeedWriter {
    public static let namespace = "http://www.w3.org/2005/Atom"

    /// UTF-8 bytes with an XML declaration, indented by two spaces, entries in the
    /// order given. Characters XML cannot carry are dropped.
    public static func write(_ feed: AtomFeed) -> [UInt8] {
        guard let w = LibXML2.Writer() else { return [] }
        w.startDocument()
        w.startElement("feed", namespace: namespace)
        w.element("id", text: feed.id)
        w.element("title", text: feed.title)
        if let subtitle = feed.subtitle { w.element("subtitle", text: subtitle) }
        w.element("updated", text: feed.updated)
        if let selfLink = feed.selfLink {
            link(w, rel: "self", type: "application/atom+xml", href: selfLink)
        }
        if let alternate = feed.alternateLink {
            link(w, rel: "alternate", type: "text/html", href: alternate)
        }
        for author in feed.authors { person(w, author) }
        if let generator = feed.generator { w.element("generator", text: generator) }
        for entry in feed.entries {
            w.startElement("entry")
            w.element("id", text: entry.id)
            w.element("title", text: entry.title)
            w.element("updated", text: entry.updated)
            if let published = entry.published { w.element("published", text: published) }
            if let href = entry.link { link(w, rel: "alternate", type: "text/html", href: href) }
            for author in entry.authors { person(w, author) }
            for term in entry.categories {
                w.startElement("category")
                w.attribute("term", term)
                w.endElement()
            }
            if let summary = entry.summary { w.element("summary", text: summary) }
            if let html = entry.contentHTML {
                w.startElement("content")
                w.attribute("type", "html")
                w.text(html)
                w.endElement()
            }
            w.endElement()
        }
        w.endElement()
        return w.finish()
    }

    private static func link(_ w: LibXML2.Writer, rel: String, type: String, href: String) {
        w.startElement("link")
        w.attribute("rel", rel)
        w.attribute("type", type)
        w.attribute("href", href)
        w.endElement()
    }

    private static func person(_ w: LibXML2.Writer, _ person: AtomPerson) {
        w.startElement("author")
        w.element("name", text: person.name)
        if let uri = person.uri { w.element("uri", text: uri) }
        if let email = person.email { w.element("email", text: email) }
        w.endElement()
    }
}

/// One page in a sitemap.
public struct SitemapEntry: Sendable, Hashable {
    /// The absolute URL of the page.
    public var loc: String
    /// W3C date or date-time (`2024-05-01`), when known.
    public var lastModified: String?

    public init(loc: String, lastModified: String? = nil) {
        self.loc = loc
        self.lastModified = lastModified
    }
}

/// Writes a sitemaps.org `urlset` with libxml2's XML writer, so escaping is right.
public enum SitemapWriter {
    public static let namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"

    /// UTF-8 bytes with an XML declaration, indented by two spaces, entries in the
    /// order given. Characters XML cannot carry are dropped.
    public static func write(_ entries: [SitemapEntry]) -> [UInt8] {
        guard let writer = LibXML2.Writer() else { return [] }
        writer.startDocument()
        writer.startElement("urlset", namespace: namespace)
        for entry in entries {
            writer.startElement("url")
            writer.element("loc", text: entry.loc)
            if let lastModified = entry.lastModified {
                writer.element("lastmod", text: lastModified)
            }
            writer.endElement()
        }
        writer.endElement()
        return writer.finish()
    }
}

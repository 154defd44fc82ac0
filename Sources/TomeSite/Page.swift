import TomeCore

/// One page of the site: a Markdown file, or a folder without `_index.md` (a page
/// Tome makes up so every book and chapter has one).
public struct Page: Sendable, Hashable, Identifiable {
    public enum Kind: String, Sendable, Hashable {
        case home, book, chapter, page
    }

    /// The source path relative to the content folder (`support/faq.md`,
    /// `support/_index.md`); for a folder without `_index.md`, the folder plus `/`.
    public var id: String
    /// Where diagnostics point: the path as the user typed it plus the relative path.
    public var file: String
    public var kind: Kind
    /// Site-relative URL path with slashes at both ends: `/support/faq/`. The base
    /// path of the site is added when links are written.
    public var url: String
    public var title: String
    public var metadata: PageMetadata
    /// The Markdown after the front matter, and the file line it starts on.
    public var body: String
    public var bodyFirstLine: Int
    /// The top-level folder the page belongs to (`support`); nil for the home page and
    /// for loose pages at the root of the content folder.
    public var book: String?
    /// The id of the page whose child this is in the tree (its folder's page).
    public var parent: String?
    /// Ordered children ids (for the home page, books, chapters).
    public var children: [String] = []
    public var revision: Revision

    /// `page` unless front matter says otherwise (`faq`, `lesson`, `release`, `agenda`).
    public var type: String { metadata.type ?? (kind == .page ? "page" : kind.rawValue) }

    /// The output file, relative to the output folder: `support/faq/index.html`.
    public var outputPath: String { String(url.dropFirst()) + "index.html" }
}

/// "Revision #6 · Created 24 May 2024 14:45 · Updated 13 January 2026 09:26".
public struct Revision: Sendable, Hashable {
    /// Number of commits that touched the file; nil outside git.
    public var number: Int?
    public var created: Timestamp?
    public var updated: Timestamp?

    public init(number: Int? = nil, created: Timestamp? = nil, updated: Timestamp? = nil) {
        self.number = number
        self.created = created
        self.updated = updated
    }

    public var line: String {
        var parts: [String] = []
        if let number { parts.append("Revision #\(number)") }
        if let created { parts.append("Created \(created.display)") }
        if let updated { parts.append("Updated \(updated.display)") }
        return parts.joined(separator: " · ")
    }
}

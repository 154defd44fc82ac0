import TomeCore

/// One page of the site: a Markdown file, or a folder without `_index.md` (a page
/// Tome makes up so every book and chapter has one).
public struct Page: Sendable, Hashable, Identifiable, Encodable {
    public enum Kind: String, Sendable, Hashable, Encodable {
        case home, book, chapter, page
    }

    /// The fields, in one box shared by copies until one of them changes (copy on write):
    /// a page is handed around by value many times per page in a build, and a copy of a
    /// dozen strings, arrays and the front matter was a retain and a release for each.
    private final class Storage: @unchecked Sendable {
        // @unchecked: a shared box is never changed (`fields` is written only after
        // `Page.makeUnique`).
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    struct Fields: Hashable, Sendable, Encodable {
        var id: String
        var file: String
        var kind: Kind
        var url: String
        var title: String
        var metadata: PageMetadata
        var body: String
        var bodyFirstLine: Int
        var book: String?
        var parent: String?
        var children: [String]
        var revision: Revision
    }

    private var storage: Storage

    init(id: String, file: String, kind: Kind, url: String, title: String, metadata: PageMetadata, body: String,
         bodyFirstLine: Int, book: String?, parent: String?, children: [String] = [], revision: Revision) {
        storage = Storage(Fields(id: id, file: file, kind: kind, url: url, title: title, metadata: metadata, body: body,
                                 bodyFirstLine: bodyFirstLine, book: book, parent: parent, children: children, revision: revision))
    }

    /// Before a change: a box shared with another copy is copied first.
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
    }

    public static func == (a: Page, b: Page) -> Bool {
        a.storage === b.storage || a.storage.fields == b.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
    }

    /// Every field, through the compiler-made conformance of `Fields`: a digest of it
    /// (the build's page memo) covers a field added later without anyone remembering it.
    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
    }

    /// The source path relative to the content folder (`support/faq.md`,
    /// `support/_index.md`); for a folder without `_index.md`, the folder plus `/`.
    public var id: String { get { storage.fields.id } _modify { makeUnique(); yield &storage.fields.id } }
    /// Where diagnostics point: the path as the user typed it plus the relative path.
    public var file: String { get { storage.fields.file } _modify { makeUnique(); yield &storage.fields.file } }
    public var kind: Kind { get { storage.fields.kind } _modify { makeUnique(); yield &storage.fields.kind } }
    /// Site-relative URL path with slashes at both ends: `/support/faq/`. The base
    /// path of the site is added when links are written.
    public var url: String { get { storage.fields.url } _modify { makeUnique(); yield &storage.fields.url } }
    public var title: String { get { storage.fields.title } _modify { makeUnique(); yield &storage.fields.title } }
    public var metadata: PageMetadata { get { storage.fields.metadata } _modify { makeUnique(); yield &storage.fields.metadata } }
    /// The Markdown after the front matter, and the file line it starts on.
    public var body: String { get { storage.fields.body } _modify { makeUnique(); yield &storage.fields.body } }
    public var bodyFirstLine: Int { get { storage.fields.bodyFirstLine } _modify { makeUnique(); yield &storage.fields.bodyFirstLine } }
    /// The top-level folder the page belongs to (`support`); nil for the home page and
    /// for loose pages at the root of the content folder.
    public var book: String? { get { storage.fields.book } _modify { makeUnique(); yield &storage.fields.book } }
    /// The id of the page whose child this is in the tree (its folder's page).
    public var parent: String? { get { storage.fields.parent } _modify { makeUnique(); yield &storage.fields.parent } }
    /// Ordered children ids (for the home page, books, chapters).
    public var children: [String] { get { storage.fields.children } _modify { makeUnique(); yield &storage.fields.children } }
    public var revision: Revision { get { storage.fields.revision } _modify { makeUnique(); yield &storage.fields.revision } }

    /// `page` unless front matter says otherwise (`faq`, `lesson`, `release`, `agenda`).
    public var type: String { metadata.type ?? (kind == .page ? "page" : kind.rawValue) }

    /// The output file, relative to the output folder: `support/faq/index.html`.
    public var outputPath: String { String(url.dropFirst()) + "index.html" }
}

/// "Revision #6 · Created 24 May 2024 14:45 · Updated 13 January 2026 09:26".
public struct Revision: Sendable, Hashable, Encodable {
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

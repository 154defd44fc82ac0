/// What the renderer asks of the site while it walks a page: where links point, what
/// to do with raw HTML. The answers are pure functions so pages render in parallel.
public struct RenderOptions: Sendable {
    /// Maps a link or image destination as written to the URL to emit.
    public var resolveLink: @Sendable (LinkTarget) -> LinkResolution
    /// Filters raw HTML: blocks, and inline tags (which arrive one tag at a time, with
    /// the line of the block they stand in). The default drops it.
    public var filterHTML: @Sendable (_ html: String, _ line: Int, _ inline: Bool) -> HTMLFilterResult
    /// Treat a first `# Heading` as the page title: take its text and leave it out of
    /// the body (the theme renders the title), so a page has one `<h1>`.
    public var titleFromLeadingHeading: Bool
    /// The content's language, for caption tracks.
    public var language: String = "en"

    public init(
        resolveLink: @escaping @Sendable (LinkTarget) -> LinkResolution = { .keep($0.destination) },
        filterHTML: @escaping @Sendable (String, Int, Bool) -> HTMLFilterResult = { _, _, _ in HTMLFilterResult(html: "") },
        titleFromLeadingHeading: Bool = true
    ) {
        self.resolveLink = resolveLink
        self.filterHTML = filterHTML
        self.titleFromLeadingHeading = titleFromLeadingHeading
    }
}

public struct LinkTarget: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case link, image }
    public var destination: String
    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(destination: String, kind: Kind, line: Int, column: Int) {
        self.destination = destination
        self.kind = kind
        self.line = line
        self.column = column
    }
}

public enum LinkResolution: Hashable, Sendable {
    /// Emit this URL.
    case keep(String)
    /// Emit this URL, and report a problem at the link.
    case broken(String, RenderProblem)
}

public struct HTMLFilterResult: Hashable, Sendable {
    public var html: String
    /// Anchors (`id`, `<a name>`) the fragment defines, for link checking.
    public var anchors: [String]
    public var problems: [RenderProblem]

    public init(html: String, anchors: [String] = [], problems: [RenderProblem] = []) {
        self.html = html
        self.anchors = anchors
        self.problems = problems
    }
}

/// A problem found while rendering, with its place in the Markdown text. The site
/// layer turns it into a `Diagnostic` with the file and the front matter offset.
public struct RenderProblem: Hashable, Sendable {
    public enum Severity: Hashable, Sendable { case warning, error }
    public var severity: Severity
    public var id: String
    public var message: String
    public var hint: String?
    public var line: Int
    public var column: Int

    public init(_ severity: Severity = .warning, id: String, message: String, hint: String? = nil, line: Int = 0, column: Int = 0) {
        self.severity = severity
        self.id = id
        self.message = message
        self.hint = hint
        self.line = line
        self.column = column
    }
}

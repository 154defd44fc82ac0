/// One unit of retrieval: a heading section of a page, or one FAQ question with its
/// answer. The site build produces these; the engine knows nothing else about sites.
public struct SearchDocument: Hashable, Sendable {
    /// Deep link to the section, e.g. `/support/faq/#after-hours`; for the lead section
    /// (text before the first heading) the page URL itself.
    public var url: String
    /// The page's URL, e.g. `/support/faq/`; results are grouped by it.
    public var pageURL: String
    public var pageTitle: String
    /// The section's heading text; empty for the lead section.
    public var heading: String
    /// Headings above this one on the page (outermost first), without the page title.
    public var headingPath: [String]
    /// The section's body as plain text (no markup), in reading order.
    public var text: String
    public var tags: [String]
    /// The book's slug (`support`) and display title (`Support`).
    public var book: String
    public var bookTitle: String
    /// The page kind: `page`, `faq`, `lesson`, `release`, `book`, `chapter`, …
    public var type: String
    /// Front matter `search.boost`; 1 when absent.
    public var boost: Double

    public init(
        url: String, pageURL: String, pageTitle: String, heading: String = "",
        headingPath: [String] = [], text: String, tags: [String] = [], book: String = "",
        bookTitle: String = "", type: String = "page", boost: Double = 1
    ) {
        self.url = url
        self.pageURL = pageURL
        self.pageTitle = pageTitle
        self.heading = heading
        self.headingPath = headingPath
        self.text = text
        self.tags = tags
        self.book = book
        self.bookTitle = bookTitle
        self.type = type
        self.boost = boost
    }
}

/// One attribute as the HTML parser read it: name lower-cased, value with character
/// references decoded, `nil` for an attribute written without a value (`<details open>`).
struct HTMLAttribute: Hashable, Sendable {
    var name: String
    var value: String?
}

/// An element start as the HTML parser read it, with the 1-based line it starts on
/// within the fragment when libxml2 knows it.
struct HTMLElementToken: Hashable, Sendable {
    var name: String
    var attributes: [HTMLAttribute]
    var line: Int?

    func value(of attribute: String) -> String? {
        attributes.first { $0.name == attribute }?.value
    }
}

/// A parsed fragment as a flat, balanced stream in document order: every `.start` has
/// exactly one matching `.end`. Flat so that walking and freeing a 10,000-deep tree
/// never recurses.
enum HTMLToken: Hashable, Sendable {
    case start(HTMLElementToken)
    case end
    /// Character data, references decoded.
    case text(String)
    /// The raw content of `<script>` and `<style>`.
    case rawText(String)
    case comment(String)
}

/// A fragment as libxml2 read it.
struct ParsedFragment: Sendable {
    var tokens: [HTMLToken]
    /// Set when libxml2 stopped early at one of its limits: the 1-based line it had
    /// reached. Content after that point is missing from `tokens`.
    var stoppedAtLine: Int?
}

/// Reads the anchors a raw HTML fragment defines and the URLs it references, for link
/// checking (`<a name="create"></a>` in old wiki pages is a real link target).
public enum HTMLInspector {
    /// Inspects `html`. Fragments without a `<` define and reference nothing and are not
    /// parsed at all.
    public static func inspect(_ html: String) -> HTMLLinks {
        guard html.utf8.contains(UInt8(ascii: "<")) else { return HTMLLinks() }
        var links = HTMLLinks()
        for token in LibXML2.parseHTMLFragment(html).tokens {
            guard case .start(let element) = token else { continue }
            for attribute in element.attributes {
                guard let value = attribute.value else { continue }
                switch attribute.name {
                case "id":
                    links.anchors.append(HTMLAnchor(name: value, element: element.name, attribute: "id", line: element.line))
                case "name" where element.name == "a":
                    links.anchors.append(HTMLAnchor(name: value, element: "a", attribute: "name", line: element.line))
                case "href", "src", "poster":
                    links.references.append(
                        HTMLReference(url: value, element: element.name, attribute: attribute.name, line: element.line)
                    )
                default:
                    break
                }
            }
        }
        return links
    }
}

/// What a fragment defines and references, in document order.
public struct HTMLLinks: Sendable, Hashable {
    public var anchors: [HTMLAnchor]
    public var references: [HTMLReference]

    public init(anchors: [HTMLAnchor] = [], references: [HTMLReference] = []) {
        self.anchors = anchors
        self.references = references
    }

    /// The anchor names alone, for a set of link targets.
    public var anchorNames: [String] { anchors.map(\.name) }
}

/// A link target: an `id` on any element or a `name` on `<a>`.
public struct HTMLAnchor: Sendable, Hashable {
    public var name: String
    public var element: String
    /// `id` or `name`.
    public var attribute: String
    /// 1-based line within the fragment.
    public var line: Int?

    public init(name: String, element: String, attribute: String, line: Int?) {
        self.name = name
        self.element = element
        self.attribute = attribute
        self.line = line
    }
}

/// A URL in an `href`, `src` or `poster` attribute, as written (references decoded).
public struct HTMLReference: Sendable, Hashable {
    public var url: String
    public var element: String
    public var attribute: String
    /// 1-based line within the fragment.
    public var line: Int?

    public init(url: String, element: String, attribute: String, line: Int?) {
        self.url = url
        self.element = element
        self.attribute = attribute
        self.line = line
    }
}

public import TomeCore

/// Cleans raw HTML written inside Markdown against an allow-list, so that nothing an
/// author (or an attacker) writes can run script in a reader's browser.
///
/// The fragment is parsed with libxml2's HTML parser (which repairs unclosed and
/// mis-nested tags), then walked once: allowed elements are written back with their
/// allowed attributes in source order; `<script>`, `<style>`, `<svg>`, form controls
/// and the like are removed with their content; other unknown elements are unwrapped,
/// keeping their text. Comments are removed silently. Output is well-formed (void
/// elements are written `<br />`, every attribute is quoted) and the same input always
/// gives the same output.
///
/// Safe to call from many tasks at once.
public struct HTMLSanitizer: Sendable {
    public var policy: Policy

    public init(policy: Policy = .standard) {
        self.policy = policy
    }

    /// What the sanitiser lets through.
    public struct Policy: Sendable, Hashable {
        /// Hosts an `<iframe src="https://…">` may point at.
        public var iframeHosts: Set<String>
        /// Allowed elements nested deeper than this are unwrapped (their text is kept).
        public var maxDepth: Int

        public init(iframeHosts: Set<String>, maxDepth: Int = 256) {
            self.iframeHosts = iframeHosts
            self.maxDepth = maxDepth
        }

        /// YouTube (both domains) and Vimeo players; 256 levels of nesting.
        public static let standard = Policy(
            iframeHosts: ["www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com"]
        )
    }

    /// Sanitises `html` and reports what it removed.
    public func sanitize(_ html: String) -> SanitizedHTML {
        // Fast path: without markup there is nothing to remove; only escape.
        if !html.utf8.contains(UInt8(ascii: "<")) && !html.utf8.contains(UInt8(ascii: "&")) {
            var out = ""
            XMLText.appendEscaped(html, attribute: false, to: &out)
            return SanitizedHTML(html: out, removals: [])
        }
        let parsed = LibXML2.parseHTMLFragment(html)
        var run = Run(policy: policy)
        for token in parsed.tokens {
            run.consume(token)
        }
        if let line = parsed.stoppedAtLine {
            run.removals.append(HTMLRemoval(element: run.lastElement, reason: .parserLimit, line: line))
        }
        run.closeAll()
        return SanitizedHTML(html: run.out, removals: run.removals)
    }

    public func sanitize(_ bytes: some Sequence<UInt8>) -> SanitizedHTML {
        sanitize(String(decoding: Array(bytes), as: UTF8.self))
    }
}

/// Clean HTML and the list of what was taken out of it.
public struct SanitizedHTML: Sendable, Hashable {
    public var html: String
    /// In document order.
    public var removals: [HTMLRemoval]

    public init(html: String, removals: [HTMLRemoval]) {
        self.html = html
        self.removals = removals
    }
}

/// One thing the sanitiser removed: an element (with or without its content) or an
/// attribute, why, and where.
public struct HTMLRemoval: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        case notAllowed = "not allowed"
        case eventHandler = "event handler"
        case inlineStyle = "inline style"
        case unsafeURL = "unsafe URL"
        case iframeHost = "not an allowed video host"
        case tooDeep = "nested too deeply"
        case parserLimit = "HTML parser limit reached"
    }

    /// The element removed, or the element the attribute was removed from.
    public var element: String
    /// The attribute removed; nil when the element itself was removed.
    public var attribute: String?
    public var reason: Reason
    /// For a removed element: whether its content was kept (unwrapped) or removed with it.
    public var keptContent: Bool
    /// 1-based line within the fragment, when the parser knows it.
    public var line: Int?

    public init(element: String, attribute: String? = nil, reason: Reason, keptContent: Bool = false, line: Int?) {
        self.element = element
        self.attribute = attribute
        self.reason = reason
        self.keptContent = keptContent
        self.line = line
    }

    /// `removed <script> (not allowed)`, `removed onerror from <img> (event handler)`.
    public var description: String {
        if let attribute {
            return "removed \(attribute) from <\(element)> (\(reason.rawValue))"
        }
        switch reason {
        case .tooDeep:
            return "removed <\(element)> and the elements inside it, kept their text (\(reason.rawValue))"
        case .parserLimit:
            return "removed the rest of the HTML after <\(element)> (\(reason.rawValue): "
                + "elements nested over 256 deep or a text over 10 MB)"
        default:
            break
        }
        return "removed <\(element)>\(keptContent ? ", kept its text" : "") (\(reason.rawValue))"
    }

    /// A warning `html.removed` at the removal's line, given the file and the line the
    /// fragment starts on in it.
    public func diagnostic(file: String, fragmentLine: Int) -> Diagnostic {
        let location = SourceLocation(file: file, line: fragmentLine + (line ?? 1) - 1)
        return .warning(
            "html.removed", description, at: location,
            hint: "raw HTML is sanitised; write it without this, or set unsafe_html: true in site.yml"
        )
    }
}

// MARK: - The walk

private enum Frame {
    /// An element written to the output; its end tag is due.
    case written(String)
    /// An element not written (unwrapped, void, html/body): its content belongs to the parent.
    case transparent
}

private struct Run {
    let policy: HTMLSanitizer.Policy
    var out = ""
    var removals: [HTMLRemoval] = []
    var stack: [Frame] = []
    var writtenDepth = 0
    /// > 0 while inside an element removed with its content.
    var dropDepth = 0
    var reportedDepth = false
    /// The most recent element seen, for reporting where parsing stopped.
    var lastElement = "html"

    init(policy: HTMLSanitizer.Policy) {
        self.policy = policy
    }

    mutating func consume(_ token: HTMLToken) {
        if dropDepth > 0 {
            switch token {
            case .start: dropDepth += 1
            case .end: dropDepth -= 1
            default: break
            }
            return
        }
        switch token {
        case .start(let element):
            start(element)
        case .end:
            if case .written(let name)? = stack.popLast() {
                out += "</" + name + ">"
                writtenDepth -= 1
            }
        case .text(let text), .rawText(let text):
            XMLText.appendEscaped(text, attribute: false, to: &out)
        case .comment:
            break
        }
    }

    /// Writes the end tags still due (the token stream is balanced unless the parser
    /// stopped early).
    mutating func closeAll() {
        while let frame = stack.popLast() {
            if case .written(let name) = frame { out += "</" + name + ">" }
        }
    }

    private mutating func start(_ element: HTMLElementToken) {
        let name = element.name
        lastElement = name
        if SanitizerTables.transparent.contains(name) {
            stack.append(.transparent)
            return
        }
        if SanitizerTables.removedWithContent.contains(name) {
            removals.append(HTMLRemoval(element: name, reason: .notAllowed, line: element.line))
            dropDepth = 1
            return
        }
        guard SanitizerTables.allowed.contains(name) else {
            removals.append(HTMLRemoval(element: name, reason: .notAllowed, keptContent: true, line: element.line))
            stack.append(.transparent)
            return
        }
        if name == "iframe" {
            let host = element.value(of: "src").flatMap(URLPolicy.httpsHost(of:))
            guard let host, policy.iframeHosts.contains(host) else {
                removals.append(HTMLRemoval(element: name, reason: .iframeHost, line: element.line))
                dropDepth = 1
                return
            }
        }
        if writtenDepth >= policy.maxDepth {
            if !reportedDepth {
                reportedDepth = true
                removals.append(HTMLRemoval(element: name, reason: .tooDeep, keptContent: true, line: element.line))
            }
            stack.append(.transparent)
            return
        }
        out += "<" + name
        writeAttributes(of: element)
        if SanitizerTables.void.contains(name) {
            // Void elements libxml2 does not know (`<source>`, `<track>`) may have been
            // given children: they are written after the element, as siblings.
            out += " />"
            stack.append(.transparent)
        } else if name == "iframe" {
            // Browsers treat an iframe's content as text that is never shown.
            out += "></iframe>"
            dropDepth = 1
        } else {
            out += ">"
            stack.append(.written(name))
            writtenDepth += 1
        }
    }

    private mutating func writeAttributes(of element: HTMLElementToken) {
        let name = element.name
        for attribute in element.attributes {
            let attr = attribute.name
            let reason: HTMLRemoval.Reason?
            if attr.hasPrefix("on") {
                reason = .eventHandler
            } else if attr == "style" {
                reason = .inlineStyle
            } else if !SanitizerTables.isAllowed(attribute: attr, on: name) {
                reason = .notAllowed
            } else if SanitizerTables.urlAttributes.contains(attr) {
                let value = attribute.value ?? ""
                let safe = attr == "srcset"
                    ? URLPolicy.isSafeSourceSet(value)
                    : URLPolicy.isSafe(value, allowDataImage: name == "img" && attr == "src")
                reason = safe ? nil : .unsafeURL
            } else {
                reason = nil
            }
            if let reason {
                removals.append(HTMLRemoval(element: name, attribute: attr, reason: reason, line: element.line))
                continue
            }
            out += " " + attr + "=\""
            XMLText.appendEscaped(attribute.value ?? "", attribute: true, to: &out)
            out += "\""
        }
    }
}

// MARK: - The allow-list

enum SanitizerTables {
    /// The document scaffolding the parser adds around a fragment: dropped silently.
    static let transparent: Set<String> = ["html", "head", "body"]

    /// Removed together with everything inside them.
    static let removedWithContent: Set<String> = [
        "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext",
        "object", "embed", "applet", "param", "frame", "frameset",
        "svg", "math", "canvas",
        "title", "meta", "link", "base",
        "input", "textarea", "select", "option", "optgroup", "datalist", "button", "keygen",
    ]

    static let allowed: Set<String> = [
        "p", "br", "hr", "div", "span", "a", "img", "wbr",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
        "kbd", "code", "samp", "var", "dfn", "pre", "blockquote", "abbr", "cite", "q", "time",
        "bdi", "ruby", "rt", "rp", "address",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "details", "summary", "figure", "figcaption",
        "video", "audio", "source", "track", "picture", "iframe",
        "section", "article", "aside", "nav", "header", "footer",
    ]

    /// Written as `<br />`; anything the parser nested inside them follows them.
    static let void: Set<String> = ["br", "hr", "img", "wbr", "col", "source", "track"]

    static let global: Set<String> = ["id", "class", "title", "lang", "dir", "role", "hidden"]

    static let perElement: [String: Set<String>] = {
        let cellAlign: Set<String> = ["align", "valign"]
        var table: [String: Set<String>] = [
            "a": ["href", "name", "target", "rel", "hreflang", "type"],
            "img": ["src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes", "align"],
            "video": ["src", "poster", "controls", "width", "height", "preload", "muted", "loop", "autoplay", "playsinline"],
            "audio": ["src", "controls", "preload", "muted", "loop"],
            "source": ["src", "type", "srcset", "sizes", "media"],
            "track": ["src", "kind", "srclang", "label", "default"],
            "iframe": ["src", "width", "height", "allow", "allowfullscreen", "loading", "frameborder", "referrerpolicy"],
            "ol": ["start", "reversed", "type"],
            "ul": ["type"],
            "li": ["value"],
            "table": ["align", "summary"],
            "tr": cellAlign,
            "td": cellAlign.union(["colspan", "rowspan", "headers"]),
            "th": cellAlign.union(["colspan", "rowspan", "headers", "scope", "abbr"]),
            "col": ["span", "width", "align"],
            "colgroup": ["span", "width", "align"],
            "thead": cellAlign, "tbody": cellAlign, "tfoot": cellAlign,
            "time": ["datetime"],
            "del": ["datetime", "cite"],
            "ins": ["datetime", "cite"],
            "blockquote": ["cite"],
            "q": ["cite"],
            "details": ["open", "name"],
            "p": ["align"], "div": ["align"],
        ]
        for level in 1...6 { table["h\(level)"] = ["align"] }
        return table
    }()

    /// Attributes whose value is a URL (or, for `srcset`, a list of them).
    static let urlAttributes: Set<String> = ["href", "src", "poster", "cite", "srcset"]

    static func isAllowed(attribute: String, on element: String) -> Bool {
        if global.contains(attribute) || attribute.hasPrefix("aria-") { return true }
        return perElement[element]?.contains(attribute) ?? false
    }
}

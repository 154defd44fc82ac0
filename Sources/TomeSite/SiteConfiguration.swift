import TomeCore

/// `Content/site.yml`. Every key is optional, so any folder of Markdown builds.
public struct SiteConfiguration: Sendable, Hashable {
    public var title = "Knowledge Base"
    public var description = ""
    /// Absolute base URL with a trailing slash, e.g. `https://support.example.com/`.
    public var baseURL = "/"
    public var language = "en"
    public var footer = ""
    /// Book folder names in the order they are shown; books not listed follow by title.
    public var books: [String] = []
    /// Pass raw HTML through without sanitising it.
    public var unsafeHTML = false
    /// Groups of equivalent search terms, from `synonyms.yml` or `site.yml`'s `synonyms`.
    public var synonyms: [[String]] = []
    /// Every key as written, for templates.
    public var extra: [String: Value] = [:]
    /// Bounds on abusive input (`limits:` in site.yml).
    public var limits = Limits()

    /// `limits:` in site.yml. Each diagnostic that hits a limit names its key here, so an
    /// author with a genuinely large page knows what to raise.
    public struct Limits: Sendable, Hashable {
        /// `page_size_mb`: largest Markdown file read. Real documentation pages stay far
        /// below a megabyte; a bigger file is almost always generated or pasted by mistake.
        public var pageSizeMB = 8
        /// `front_matter_kb`: largest YAML block at the top of a page.
        public var frontMatterKB = 256

        public init() {}

        public var pageBytes: Int { pageSizeMB * 1_048_576 }
        public var frontMatterBytes: Int { frontMatterKB * 1024 }
    }

    public init() {}

    /// The path part of `baseURL` without its trailing slash: `""` or `/docs`.
    public var basePath: String {
        var rest = Substring(baseURL)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
        }
        while rest.hasSuffix("/") { rest.removeLast() }
        return String(rest)
    }

    /// The scheme and host of `baseURL` (`https://support.example.com`), empty when the
    /// base URL is only a path. Canonical links and sitemaps need absolute URLs.
    public var origin: String {
        guard let scheme = baseURL.range(of: "://") else { return "" }
        let afterScheme = baseURL[scheme.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        return String(baseURL[..<hostEnd])
    }

    public static func parse(yaml: String, file: String, diagnostics: inout [Diagnostic]) -> SiteConfiguration {
        var config = SiteConfiguration()
        var reader = YAMLReader(firstLine: 1)
        let entries: [(key: String, value: YAMLReader.Located)]
        do {
            entries = try reader.readMapping(yaml)
        } catch {
            switch error {
            case .syntax(let message, let line, let column), .limit(let message, let line, let column):
                diagnostics.append(.error("config.yaml", "site configuration: \(message)", at: SourceLocation(file: file, line: line, column: column)))
            }
            return config
        }
        for (key, located) in entries {
            config.extra[key] = located.value
            let location = SourceLocation(file: file, line: located.line, column: located.column)
            func wrongType(_ expected: String) {
                diagnostics.append(.error("config.type", "site configuration: '\(key)' must be \(expected), found \(located.value.kindDescription)", at: location))
            }
            switch key {
            case "title", "description", "baseURL", "base_url", "language", "footer":
                guard let s = located.value.scalarText else { wrongType("a string"); continue }
                switch key {
                case "title": config.title = s
                case "description": config.description = s
                case "language": config.language = s
                case "footer": config.footer = s
                default: config.baseURL = s.hasSuffix("/") ? s : s + "/"
                }
            case "books":
                guard let list = located.value.stringList else { wrongType("a list of book folder names"); continue }
                config.books = list
            case "unsafe_html":
                guard case .bool(let b) = located.value else { wrongType("true or false"); continue }
                config.unsafeHTML = b
            case "synonyms":
                guard let groups = SiteConfiguration.synonymGroups(located.value) else { wrongType("a list of lists of terms"); continue }
                config.synonyms += groups
            case "limits":
                guard case .map(let map) = located.value else { wrongType("a mapping such as {page_size_mb: 16}"); continue }
                for (name, value) in map.sorted(by: { $0.key < $1.key }) {
                    guard case .int(let n) = value, n > 0, n <= 1 << 20 else {
                        diagnostics.append(.error("config.type", "site configuration: 'limits.\(name)' must be a positive integer, found \(value.kindDescription)", at: location))
                        continue
                    }
                    switch name {
                    case "page_size_mb": config.limits.pageSizeMB = n
                    case "front_matter_kb": config.limits.frontMatterKB = n
                    default:
                        diagnostics.append(.warning("config.unknown", "site configuration: unknown limit 'limits.\(name)'", at: location,
                                                    hint: "known limits: page_size_mb, front_matter_kb"))
                    }
                }
            default:
                break
            }
        }
        return config
    }

    /// `synonyms.yml`: a list of groups, each a list of equivalent terms or phrases.
    public static func parseSynonyms(yaml: String, file: String, diagnostics: inout [Diagnostic]) -> [[String]] {
        var reader = YAMLReader(firstLine: 1)
        do {
            guard let located = try reader.readValue(yaml) else { return [] }
            guard let groups = synonymGroups(located.value) else {
                diagnostics.append(.error("synonyms.type", "synonyms must be a list of groups such as [lpr, licence plate recognition]",
                                          at: SourceLocation(file: file, line: located.line, column: located.column)))
                return []
            }
            return groups
        } catch {
            switch error {
            case .syntax(let message, let line, let column), .limit(let message, let line, let column):
                diagnostics.append(.error("synonyms.yaml", "synonyms: \(message)", at: SourceLocation(file: file, line: line, column: column)))
            }
            return []
        }
    }

    static func synonymGroups(_ value: Value) -> [[String]]? {
        guard case .list(let groups) = value else { return nil }
        var out: [[String]] = []
        for group in groups {
            guard let terms = group.stringList, terms.count >= 2 else { return nil }
            out.append(terms)
        }
        return out
    }
}

import TomeCore

/// A Markdown file cut into its YAML front matter and its body.
public struct FrontMatterSplit: Sendable {
    /// The YAML text between the `---` lines; nil when the file has none.
    public var yaml: String?
    public var body: String
    /// Line of the file on which the body starts.
    public var bodyFirstLine: Int

    public enum Problem: Error, Equatable {
        /// Opened with `---` on line 1 but never closed.
        case unclosed
    }

    public static func split(_ text: String) -> Result<FrontMatterSplit, Problem> {
        guard text.hasPrefix("---\n") || text == "---" else {
            return .success(FrontMatterSplit(yaml: nil, body: text, bodyFirstLine: 1))
        }
        let utf8 = Array(text.utf8)
        var lineStart = 4
        var line = 2
        while lineStart <= utf8.count {
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.count
            let content = utf8[lineStart..<lineEnd]
            if content.elementsEqual("---".utf8) || content.elementsEqual("...".utf8) {
                let yaml = String(decoding: utf8[4..<lineStart], as: UTF8.self)
                let bodyStart = min(lineEnd + 1, utf8.count)
                let body = String(decoding: utf8[bodyStart...], as: UTF8.self)
                return .success(FrontMatterSplit(yaml: yaml, body: body, bodyFirstLine: line + 1))
            }
            lineStart = lineEnd + 1
            line += 1
        }
        return .failure(.unclosed)
    }
}

/// Front matter keys Tome understands, typed, with everything else kept in `extra`.
public struct PageMetadata: Sendable, Hashable, Encodable {
    public var title: String?
    public var description: String?
    public var slug: String?
    public var order: Int?
    public var tags: [String] = []
    public var draft = false
    public var aliases: [String] = []
    public var created: Timestamp?
    public var updated: Timestamp?
    /// `date`: when a release shipped or an article was published.
    public var date: Timestamp?
    public var revision: Int?
    public var type: String?
    public var searchBoost: Double = 1
    public var searchExclude = false
    /// Every key as written, known or not, for templates.
    public var extra: [String: Value] = [:]
    /// Where each key's value stands, for later diagnostics (e.g. a bad slug).
    public var locations: [String: SourceLocation] = [:]
    /// Keys of `type: lesson` and `type: release` pages.
    public var lesson: LessonMetadata?
    public var release: ReleaseMetadata?

    public init() {}

    /// Reads the front matter of `file`; problems are appended to `diagnostics`.
    /// A key with a wrong type is an error and is otherwise ignored.
    public static func parse(yaml: String, file: String, diagnostics: inout [Diagnostic]) -> PageMetadata {
        var meta = PageMetadata()
        var reader = YAMLReader(firstLine: 2)
        let entries: [(key: String, value: YAMLReader.Located)]
        do {
            entries = try reader.readMapping(yaml)
        } catch {
            switch error {
            case .syntax(let message, let line, let column):
                diagnostics.append(.error("frontmatter.yaml", "front matter: \(message)", at: SourceLocation(file: file, line: line, column: column),
                                          hint: "fix the YAML between the '---' lines at the top of the file"))
            case .limit(let message, let line, let column):
                diagnostics.append(.error("limit.yaml", "front matter: \(message)", at: SourceLocation(file: file, line: line, column: column),
                                          hint: "front matter is for short metadata; remove the aliases or nesting"))
            }
            return meta
        }
        for (key, located) in entries {
            let location = SourceLocation(file: file, line: located.line, column: located.column)
            meta.extra[key] = located.value
            meta.locations[key] = location
            func wrongType(_ expected: String) {
                diagnostics.append(.error("frontmatter.type", "front matter: '\(key)' must be \(expected), found \(located.value.kindDescription)",
                                          at: location, hint: "write '\(key)' as \(expected), or remove it"))
            }
            switch key {
            case "title", "description", "slug", "type":
                guard let s = located.value.scalarText else { wrongType("a string"); continue }
                switch key {
                case "title": meta.title = s
                case "description": meta.description = s
                case "slug": meta.slug = s
                default: meta.type = s
                }
            case "order", "weight":
                guard case .int(let i) = located.value else { wrongType("an integer"); continue }
                meta.order = i
            case "revision":
                guard case .int(let i) = located.value, i > 0 else { wrongType("a positive integer"); continue }
                meta.revision = i
            case "draft":
                guard case .bool(let b) = located.value else { wrongType("true or false"); continue }
                meta.draft = b
            case "tags", "aliases":
                guard let list = located.value.stringList else { wrongType("a list of strings"); continue }
                if key == "tags" { meta.tags = list } else { meta.aliases = list }
            case "created", "updated", "date":
                guard let text = located.value.scalarText, let t = Timestamp(parsing: text) else {
                    wrongType("a date such as 2024-05-24 or 2024-05-24T14:45")
                    continue
                }
                switch key {
                case "updated": meta.updated = t
                case "created": meta.created = t
                default: meta.date = t
                }
            case "search":
                guard case .map(let map) = located.value else { wrongType("a mapping such as {boost: 2} or {exclude: true}"); continue }
                if let boost = map["boost"] {
                    switch boost {
                    case .int(let i) where i > 0: meta.searchBoost = Double(i)
                    case .double(let d) where d > 0: meta.searchBoost = d
                    default: diagnostics.append(.error("frontmatter.type", "front matter: 'search.boost' must be a positive number, found \(boost.kindDescription)", at: location))
                    }
                }
                if let exclude = map["exclude"] {
                    if case .bool(let b) = exclude { meta.searchExclude = b } else {
                        diagnostics.append(.error("frontmatter.type", "front matter: 'search.exclude' must be true or false, found \(exclude.kindDescription)", at: location))
                    }
                }
            default:
                break
            }
        }
        meta.readTypeKeys(diagnostics: &diagnostics)
        return meta
    }
}

extension Value {
    /// Strings, and numbers or booleans written where text was meant (`title: 2024`).
    var scalarText: String? {
        switch self {
        case .string(let s): s
        case .int, .double, .bool: string
        default: nil
        }
    }

    /// A list of scalars, or a single scalar taken as a one-item list.
    var stringList: [String]? {
        switch self {
        case .list(let items):
            let strings = items.compactMap(\.scalarText)
            return strings.count == items.count ? strings : nil
        case .null: return []
        default: return scalarText.map { [$0] }
        }
    }
}

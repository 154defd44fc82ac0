/// A problem found in content, templates or configuration, reported like a compiler:
///
///     Content/faq/billing.md:12:5: error: link target 'x.md' does not exist [link.unresolved]
///       hint: check the file name, or remove the link
///
/// Diagnostics are values: steps collect them and the command decides how to print
/// them and which exit code they mean. Operational failures (I/O, a port in use) are
/// thrown errors instead.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Comparable, Codable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    /// A stable identifier such as `frontmatter.yaml` or `link.unresolved`; tools match on it.
    public var id: String
    public var message: String
    public var location: SourceLocation?
    /// What the author can do about it.
    public var hint: String?

    public init(_ severity: Severity, _ id: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.id = id
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ id: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, id, message, at: location, hint: hint)
    }

    public static func warning(_ id: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, id, message, at: location, hint: hint)
    }

    /// The compiler-style line, without the hint.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message) [\(id)]"
    }

    /// The compiler-style line followed by the hint, if any.
    public var rendered: String {
        guard let hint else { return description }
        return description + "\n  hint: " + hint
    }
}

extension Diagnostic: Comparable {
    /// Sorted by place, then severity (errors first), then id and message, so output never
    /// depends on the order in which parallel steps finished.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        let l = lhs.location ?? SourceLocation(file: "")
        let r = rhs.location ?? SourceLocation(file: "")
        if l != r { return l < r }
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.id != rhs.id { return lhs.id < rhs.id }
        return lhs.message < rhs.message
    }
}

/// Diagnostics collected by one step or a whole build.
public struct Diagnostics: Sendable, Hashable {
    public private(set) var all: [Diagnostic] = []

    public init(_ all: [Diagnostic] = []) { self.all = all }

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func append(contentsOf other: some Sequence<Diagnostic>) { all.append(contentsOf: other) }
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    public var errorCount: Int { all.count { $0.severity == .error } }
    public var warningCount: Int { all.count { $0.severity == .warning } }
    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// Warnings turned into errors, for `--strict`.
    public func promotingWarnings() -> Diagnostics {
        Diagnostics(all.map { d in
            var d = d
            if d.severity == .warning { d.severity = .error }
            return d
        })
    }

    public var sorted: [Diagnostic] { all.sorted() }
}

/// A front matter or configuration value, kept so templates can reach keys Tome does
/// not know (real corpora carry their own, such as `ms.date` or `helpviewer_keywords`).
public indirect enum Value: Hashable, Sendable, Encodable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([String: Value])

    public var string: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        default: nil
        }
    }

    /// A short name of the value's type for diagnostics: "a list", "a string".
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .list: "a list"
        case .map: "a mapping"
        }
    }

    /// The value as plain text for templates: lists joined with ", ".
    public var displayText: String {
        switch self {
        case .null: ""
        case .list(let items): items.map(\.displayText).joined(separator: ", ")
        case .map(let map): map.keys.sorted().map { "\($0): \(map[$0]!.displayText)" }.joined(separator: ", ")
        default: string ?? ""
        }
    }
}

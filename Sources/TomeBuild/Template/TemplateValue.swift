import Mustache

/// What a template key resolves to. View models answer `value(forKey:)` with one of
/// these, so the renderer never casts `Any`: each case renders, opens a section and
/// answers further keys the way swift-mustache treats the Swift value it stands for
/// (`anyValue`), which is what the theme's fallback renderer and the differential tests
/// hand to swift-mustache.
enum TemplateValue {
    /// Empty is false in a section (see the `MustacheCustomRenderable` conformance below).
    case string(String)
    case bool(Bool)
    /// Always true in a section, which pushes it; renders as its decimal digits.
    case int(Int)
    case object(any TemplateObject)
    case list(any TemplateList)
    /// Front matter as text (`meta`): answers keys, is one object in a section.
    case dictionary([String: String])

    /// The Swift value swift-mustache would be given for this key.
    var anyValue: Any {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag
        case .int(let number): number
        case .object(let object): object as Any
        case .list(let list): list.anyValue
        case .dictionary(let dictionary): dictionary
        }
    }
}

/// A view model: answers the keys its templates name with a switch.
protocol TemplateObject: TemplateRepresentable {
    func value(forKey key: String) -> TemplateValue?
}

extension TemplateObject {
    var templateValue: TemplateValue { .object(self) }

    /// swift-mustache's view of the same keys, for the fallback renderer (`Theme`).
    func child(named name: String) -> Any? { value(forKey: name)?.anyValue }
}

/// An element of a list a section iterates over.
protocol TemplateRepresentable {
    var templateValue: TemplateValue { get }
}

extension String: TemplateRepresentable {
    var templateValue: TemplateValue { .string(self) }
}

protocol TemplateList {
    var count: Int { get }
    func element(at index: Int) -> TemplateValue
    var anyValue: Any { get }
}

extension Array: TemplateList where Element: TemplateRepresentable {
    func element(at index: Int) -> TemplateValue { self[index].templateValue }
    var anyValue: Any { self }
}

/// An empty string is false in a section (`{{#description}}…{{/description}}` shows
/// nothing for a page without a description), as in Mustache's JavaScript origins;
/// swift-mustache would otherwise treat every string as true. Tome's renderer does the
/// same (`TemplateRenderer`); this keeps the fallback renderer in step.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { isEmpty }
}

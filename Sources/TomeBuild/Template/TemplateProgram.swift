/// A theme's templates compiled once: text as UTF-8 bytes, names split into key paths,
/// partials and parents resolved to template numbers. `render` walks it against a view
/// model into one byte buffer.
struct TemplateProgram: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(KeyPath, escaped: Bool)
        case section(KeyPath, [Node])
        case inverted(KeyPath, [Node])
        /// A template number (nil: no such template, renders nothing); the indentation of a
        /// standalone partial; the block overrides of a parent (`{{<name}}`).
        case partial(Int?, indentation: [UInt8]?, overrides: Overrides?)
        case block(String, [Node], indentation: [UInt8])
    }

    typealias Overrides = [String: [Node]]

    /// `{{.}}`, `{{.a.b}}` (the current object only) or `{{a.b}}` (`a` looked up from the
    /// innermost context outwards, then `b` in it).
    enum KeyPath: Sendable {
        case current
        case anchored([String])
        case climbing(String, [String])

        init(_ name: String) {
            let parts = name.split(separator: ".").map(String.init)
            if name == "." || parts.isEmpty {
                self = .current
            } else if name.first == "." {
                self = .anchored(parts)
            } else {
                self = .climbing(parts[0], Array(parts.dropFirst()))
            }
        }
    }

    private var templates: [[Node]] = []
    private var numbers: [String: Int] = [:]
    private var names: [String] = []

    /// Partials and blocks open at once, at most: a theme's own nesting is a few levels,
    /// and data-driven recursion (a tree of pages) a few dozen. Past it, a partial or block
    /// that brings itself back without end would exhaust the stack.
    static let maximumDepth = 100

    /// A rendering went deeper than `maximumDepth`: `template` is the partial or block
    /// being expanded when it did.
    struct TooDeep: Error, Sendable {
        var template: String
    }

    /// - Parameter parsed: every template of the theme by name.
    init(_ parsed: [String: [TemplateNode]]) {
        names = parsed.keys.sorted()
        for (number, name) in names.enumerated() { numbers[name] = number }
        templates = names.map { compile(parsed[$0]!) }
    }

    private func compile(_ nodes: [TemplateNode]) -> [Node] {
        var out: [Node] = []
        for node in nodes {
            switch node {
            case .text(let text):
                // Adjacent texts stay apart: inside an indented partial, where one node's
                // output ends decides where the indentation goes.
                if !text.isEmpty { out.append(.text(Array(text.utf8))) }
            case .variable(let name, let escaped):
                out.append(.variable(KeyPath(name), escaped: escaped))
            case .section(let name, let body, let inverted):
                out.append(inverted ? .inverted(KeyPath(name), compile(body)) : .section(KeyPath(name), compile(body)))
            case .partial(let name, let indentation, let overrides):
                out.append(.partial(numbers[name], indentation: indentation.map { Array($0.utf8) },
                                    overrides: overrides?.mapValues(compile)))
            case .block(let name, let body, let indentation):
                out.append(.block(name, compile(body), indentation: Array(indentation.utf8)))
            case .blockDefinition:
                break  // only inside a parent, where the parser turned it into an override
            }
        }
        return out
    }

    func has(_ name: String) -> Bool { numbers[name] != nil }

    /// The template `name` rendered with `view`; nil if there is no such template.
    func render(_ view: some TemplateObject, template name: String) throws(TooDeep) -> [UInt8]? {
        guard let number = numbers[name] else { return nil }
        var renderer = TemplateRenderer(templates: templates, root: .object(view))
        renderer.render(templates[number], indentation: nil)
        if let deepest = renderer.tooDeep { throw TooDeep(template: deepest.map { names[$0] } ?? name) }
        return renderer.out
    }
}

/// One rendering: the output bytes, the context stack and the block overrides in force.
private struct TemplateRenderer {
    typealias Node = TemplateProgram.Node

    let templates: [[Node]]
    var out: [UInt8] = []
    var stack: [TemplateValue]
    /// Outermost first: an outer parent's override wins over an inner one's.
    var overrides: [TemplateProgram.Overrides] = []
    /// Partials and blocks being expanded.
    var depth = 0
    /// Set when `depth` passed the maximum (the partial's number; nil for a block): the
    /// rendering stops there.
    var tooDeep: Int??

    init(templates: [[Node]], root: TemplateValue) {
        self.templates = templates
        self.stack = [root]
        out.reserveCapacity(16 * 1024)
    }

    /// Renders a list of nodes. Inside an indented partial, every piece of output that
    /// starts a line of this list's output gets the indentation first (what swift-mustache
    /// does: a piece is a node's whole output, and a line ends with `\n` but not `\r\n`).
    mutating func render(_ nodes: [Node], indentation: [UInt8]?) {
        guard let indentation, !indentation.isEmpty else {
            for node in nodes { render(node, indentation: nil) }
            return
        }
        let start = out.count
        for node in nodes {
            let before = out.count
            let atLineStart = before > start && out[before - 1] == UInt8(ascii: "\n")
                && !(before - 2 >= start && out[before - 2] == UInt8(ascii: "\r"))
            render(node, indentation: indentation)
            if atLineStart, out.count > before {
                out.insert(contentsOf: indentation, at: before)
            }
        }
    }

    private mutating func render(_ node: Node, indentation: [UInt8]?) {
        guard tooDeep == nil else { return }
        switch node {
        case .text(let bytes):
            out.append(contentsOf: bytes)
        case .variable(let path, let escaped):
            guard let value = resolve(path) else { return }
            write(value, escaped: escaped)
        case .section(let path, let body):
            guard let value = resolve(path) else { return }
            switch value {
            case .list(let list):
                for index in 0..<list.count {
                    stack.append(list.element(at: index))
                    render(body, indentation: indentation)
                    stack.removeLast()
                }
            case .bool(let flag):
                if flag { render(body, indentation: indentation) }
            case .string(let text) where text.isEmpty:
                return
            case .string, .int, .object, .dictionary:
                stack.append(value)
                render(body, indentation: indentation)
                stack.removeLast()
            }
        case .inverted(let path, let body):
            switch resolve(path) {
            case nil:
                render(body, indentation: indentation)
            case .list(let list)?:
                // swift-mustache renders an empty list's inverted section inside the list.
                guard list.count == 0 else { return }
                stack.append(.list(list))
                render(body, indentation: indentation)
                stack.removeLast()
            case .bool(let flag)?:
                if !flag { render(body, indentation: indentation) }
            case .string(let text)?:
                if text.isEmpty { render(body, indentation: indentation) }
            case .int?, .object?, .dictionary?:
                return
            }
        case .partial(let number, let own, let overrides):
            guard let number, enter(number) else { return }
            if let overrides { self.overrides.append(overrides) }
            render(templates[number], indentation: own.map { (indentation ?? []) + $0 } ?? indentation)
            if overrides != nil { self.overrides.removeLast() }
            depth -= 1
        case .block(let name, let body, let own):
            guard enter(nil) else { return }
            let chosen = overrides.lazy.compactMap { $0[name] }.first ?? body
            render(chosen, indentation: (indentation ?? []) + own)
            depth -= 1
        }
    }

    /// One level deeper; false (and `tooDeep` set) past the maximum.
    private mutating func enter(_ template: Int?) -> Bool {
        guard depth < TemplateProgram.maximumDepth else {
            tooDeep = .some(template)
            return false
        }
        depth += 1
        return true
    }

    /// The value a key path names, nil if nothing answers it.
    private func resolve(_ path: TemplateProgram.KeyPath) -> TemplateValue? {
        switch path {
        case .current:
            return stack.last
        case .anchored(let names):
            return descend(stack[stack.count - 1], names[...])
        case .climbing(let first, let rest):
            for value in stack.reversed() {
                if let found = Self.child(first, of: value) { return descend(found, rest[...]) }
            }
            return nil
        }
    }

    private func descend(_ value: TemplateValue, _ names: ArraySlice<String>) -> TemplateValue? {
        var value = value
        for name in names {
            guard let child = Self.child(name, of: value) else { return nil }
            value = child
        }
        return value
    }

    private static func child(_ name: String, of value: TemplateValue) -> TemplateValue? {
        switch value {
        case .object(let object): object.value(forKey: name)
        case .dictionary(let dictionary): dictionary[name].map(TemplateValue.string)
        case .string, .bool, .int, .list: nil
        }
    }

    private mutating func write(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .string(let text):
            if escaped { writeEscaped(text) } else { out.append(contentsOf: text.utf8) }
        case .int(let number):
            out.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .object, .list, .dictionary:
            // What swift-mustache prints for a value that is not text: Swift's description.
            let text = String(describing: value.anyValue)
            if escaped { writeEscaped(text) } else { out.append(contentsOf: text.utf8) }
        }
    }

    /// HTML escaping of `< > & " '` over the UTF-8 bytes. swift-mustache escapes whole
    /// characters (grapheme clusters), so a `<` that a neighbouring non-ASCII scalar could
    /// join into a larger character goes the slow way, character by character.
    private mutating func writeEscaped(_ text: String) {
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let start = out.count
            var run = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard HTMLEscape.special[Int(byte)] else { continue }
                if (i > 0 && bytes[i - 1] >= 0x80) || (i + 1 < bytes.count && bytes[i + 1] >= 0x80) {
                    out.removeSubrange(start...)
                    return false
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                out.append(contentsOf: HTMLEscape.replacement(byte))
                run = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            return true
        }
        guard fast != true else { return }
        for character in text {
            switch character {
            case "<": out.append(contentsOf: "&lt;".utf8)
            case ">": out.append(contentsOf: "&gt;".utf8)
            case "&": out.append(contentsOf: "&amp;".utf8)
            case "\"": out.append(contentsOf: "&quot;".utf8)
            case "'": out.append(contentsOf: "&#39;".utf8)
            default: out.append(contentsOf: character.utf8)
            }
        }
    }
}

private enum HTMLEscape {
    static let special: [Bool] = (0..<256).map { [0x3C, 0x3E, 0x26, 0x22, 0x27].contains($0) }

    static func replacement(_ byte: UInt8) -> StaticString {
        switch byte {
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "\""): "&quot;"
        default: "&#39;"
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func append(contentsOf string: StaticString) {
        string.withUTF8Buffer { append(contentsOf: $0) }
    }
}

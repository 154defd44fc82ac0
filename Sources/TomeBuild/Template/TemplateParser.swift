/// Reads a Mustache template into `TemplateNode`s with the exact text, whitespace and
/// standalone-line decisions swift-mustache (2.1) makes, so that Tome's renderer gives
/// the same bytes for any theme. It reads `Character`s (grapheme clusters, so `\r\n` is one
/// character) as swift-mustache does; templates are parsed once per build.
///
/// It does not report errors itself: the theme parses every template with swift-mustache
/// first and reports that parser's errors (`Theme.build`). A template swift-mustache
/// accepts but this parser does not (`unsupported`: transforms such as `{{lowercased(x)}}`,
/// dynamic partials `{{>*name}}`, `{{%CONTENT_TYPE:…}}`) makes the theme render through
/// swift-mustache instead.
struct TemplateParser {
    enum Failure: Error, Equatable {
        case unsupported(String)
        case malformed
    }

    private let chars: [Character]
    private var position = 0

    /// The parser's mode where a list of nodes starts.
    private struct State {
        /// The name the closing tag must carry (nil at the top level).
        var sectionName: String?
        /// At the start of a line (standalone tags are only possible there).
        var newLine = true
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]
        /// Inside `{{<parent}}…{{/parent}}`.
        var inParent = false
        /// Directly inside it, where `{{$name}}` defines a block rather than expanding one.
        var parentTopLevel = false
        /// Inside a block definition: how many characters of indentation the first line
        /// had; later lines lose that many.
        var definitionIndent: Int?

        func entering(section name: String, standalone: Bool) -> State {
            var state = self
            state.sectionName = name
            state.parentTopLevel = false
            if !standalone { state.newLine = false }
            return state
        }

        func entering(parent name: String) -> State {
            var state = self
            state.sectionName = name
            state.newLine = true
            state.inParent = true
            state.parentTopLevel = true
            return state
        }
    }

    static func parse(_ text: String) throws(Failure) -> [TemplateNode] {
        var parser = TemplateParser(chars: Array(text))
        return try parser.nodes(State())
    }

    private init(chars: [Character]) { self.chars = chars }

    private var atEnd: Bool { position == chars.count }
    /// swift-mustache's `current()`: NUL past the end.
    private var current: Character { atEnd ? "\0" : chars[position] }

    private mutating func nodes(_ initial: State) throws(Failure) -> [TemplateNode] {
        var state = initial
        var nodes: [TemplateNode] = []
        // Indentation read at the start of the line, not yet written out.
        var pending = ""
        while !atEnd {
            if state.newLine {
                let whitespace = read { $0 == " " || $0 == "\t" }
                if state.inParent && !state.parentTopLevel {
                    if let indent = state.definitionIndent {
                        pending = String(whitespace.dropFirst(indent))
                    } else {
                        state.definitionIndent = whitespace.count
                    }
                } else {
                    pending = whitespace
                }
            }
            let text = try textUntilTagOrNewline(state)
            if current.isNewline {
                nodes.append(.text(pending + text + String(current)))
                state.newLine = true
                position += 1
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(pending + text))
                pending = ""
                state.newLine = false
            }
            if atEnd { break }

            func flushPending() {
                if !pending.isEmpty { nodes.append(.text(pending)); pending = "" }
            }
            var standalone = false
            switch current {
            case "#", "^":
                let inverted = current == "^"
                position += 1
                let name = try tagName(state)
                if standaloneLine(state) { standalone = true } else { flushPending() }
                let body = try self.nodes(state.entering(section: name, standalone: standalone))
                nodes.append(.section(name, body, inverted: inverted))
            case "/":
                position += 1
                let name = try tagName(state)
                guard name == state.sectionName else { throw .malformed }
                if !standaloneLine(state) { flushPending() }
                return nodes
            case "!":
                position += 1
                try skipComment(state)
                standalone = standaloneLine(state)
            case "{":
                flushPending()
                position += 1
                let name = try tagName(state)
                guard try readCharacter("}") else { throw .malformed }
                nodes.append(.variable(name, escaped: false))
            case "&":
                flushPending()
                position += 1
                nodes.append(.variable(try tagName(state), escaped: false))
            case ">":
                position += 1
                _ = read(while: \.isWhitespace)
                if current == "*" { throw .unsupported("dynamic partial") }
                let name = try partialName(state)
                let indentation = pending
                flushPending()
                if standaloneLine(state) {
                    standalone = true
                    nodes.append(.partial(name, indentation: indentation, overrides: nil))
                } else {
                    nodes.append(.partial(name, indentation: nil, overrides: nil))
                }
            case "<":
                position += 1
                _ = read(while: \.isWhitespace)
                let name = try partialName(state)
                if name.first == "*" { throw .unsupported("dynamic parent") }
                let indentation = pending
                flushPending()
                standalone = standaloneLine(state)
                var overrides: [String: [TemplateNode]] = [:]
                for node in try self.nodes(state.entering(parent: name)) {
                    switch node {
                    case .blockDefinition(let block, let body): overrides[block] = body
                    case .text: break
                    default: throw .malformed
                    }
                }
                nodes.append(.partial(name, indentation: indentation, overrides: overrides))
            case "$":
                position += 1
                let name = try tagName(state)
                if state.parentTopLevel {
                    standalone = standaloneLine(state)
                    let body = try self.nodes(state.entering(section: name, standalone: standalone))
                    nodes.append(.blockDefinition(name, body))
                } else {
                    let indentation = pending
                    flushPending()
                    standalone = standaloneLine(state)
                    let body = try self.nodes(state.entering(section: name, standalone: standalone))
                    nodes.append(.block(name, body, indentation: indentation))
                }
            case "=":
                position += 1
                let (open, close) = try delimiters(state)
                state.open = open
                state.close = close
                state.parentTopLevel = false
                standalone = standaloneLine(state)
            case "%":
                throw .unsupported("configuration tag")
            default:
                flushPending()
                nodes.append(.variable(try tagName(state), escaped: true))
            }
            state.newLine = standalone
        }
        guard state.sectionName == nil else { throw .malformed }
        return nodes
    }

    /// Text up to a newline character (`\n` or `\r\n`, left unread) or just past an
    /// opening delimiter.
    private mutating func textUntilTagOrNewline(_ state: State) throws(Failure) -> String {
        let first = state.open[0]
        var text = ""
        while !atEnd {
            while !atEnd {
                let c = chars[position]
                if c == "\n" || c == "\r\n" || c == first { break }
                text.append(c)
                position += 1
            }
            if current.isNewline { break }
            if current == first {
                if try readString(state.open) { break }
                text.append(first)
                position += 1
            }
        }
        return text
    }

    /// A section, variable or block name: letters, digits and `.-_?*()` between optional
    /// whitespace, then the closing delimiter.
    private mutating func tagName(_ state: State) throws(Failure) -> String {
        let name = try delimitedName(TemplateParser.nameCharacters, state)
        if name.contains("(") || name.contains(")") { throw .unsupported("transform") }
        return name
    }

    private mutating func partialName(_ state: State) throws(Failure) -> String {
        try delimitedName(TemplateParser.partialNameCharacters, state)
    }

    /// A run of `characters` between optional whitespace, then the closing delimiter.
    private mutating func delimitedName(_ characters: Set<Character>, _ state: State) throws(Failure) -> String {
        _ = read(while: \.isWhitespace)
        let name = read(while: characters.contains)
        _ = read(while: \.isWhitespace)
        guard try readString(state.close) else { throw .malformed }
        return name
    }

    /// Past the closing delimiter, matched the way swift-mustache does: a mismatch
    /// restarts the match at the next character.
    private mutating func skipComment(_ state: State) throws(Failure) {
        var matched = 0
        while !atEnd {
            if chars[position] == state.close[matched] {
                matched += 1
                if matched == state.close.count {
                    position += 1
                    return
                }
            } else {
                matched = 0
            }
            position += 1
        }
        throw .malformed
    }

    /// `{{=<% %>=}}`: the new delimiters.
    private mutating func delimiters(_ state: State) throws(Failure) -> ([Character], [Character]) {
        _ = read(while: \.isWhitespace)
        guard let open = readUntil(\.isWhitespace) else { throw .malformed }
        _ = read(while: \.isWhitespace)
        guard let close = readUntil({ $0 == "=" || $0.isWhitespace }) else { throw .malformed }
        _ = read(while: \.isWhitespace)
        guard try readCharacter("="), try readString(state.close), !open.isEmpty, !close.isEmpty else { throw .malformed }
        return (open, close)
    }

    /// A standalone tag is alone on its line: the rest of the line (spaces, tabs and the
    /// newline) is consumed. The end of the template also ends the line.
    private mutating func standaloneLine(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if atEnd { return true }
        var next = position
        while next < chars.count, chars[next] == " " || chars[next] == "\t" { next += 1 }
        guard next < chars.count, chars[next].isNewline else { return false }
        position = next + 1
        return true
    }

    private mutating func read(while predicate: (Character) -> Bool) -> String {
        var text = ""
        while !atEnd, predicate(chars[position]) {
            text.append(chars[position])
            position += 1
        }
        return text
    }

    /// Characters up to the first one that matches; nil (and nothing read) if none does.
    private mutating func readUntil(_ predicate: (Character) -> Bool) -> [Character]? {
        var end = position
        while end < chars.count, !predicate(chars[end]) { end += 1 }
        guard end < chars.count else { return nil }
        defer { position = end }
        return Array(chars[position..<end])
    }

    private mutating func readCharacter(_ c: Character) throws(Failure) -> Bool {
        guard !atEnd else { throw .malformed }
        guard chars[position] == c else { return false }
        position += 1
        return true
    }

    private mutating func readString(_ s: [Character]) throws(Failure) -> Bool {
        guard chars.count - position >= s.count else { throw .malformed }
        guard chars[position..<(position + s.count)].elementsEqual(s) else { return false }
        position += s.count
        return true
    }

    private static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()")
    private static let partialNameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()/")
}

/// A parsed template, before partial names are resolved (`TemplateProgram`).
indirect enum TemplateNode: Equatable {
    case text(String)
    case variable(String, escaped: Bool)
    case section(String, [TemplateNode], inverted: Bool)
    /// `{{>name}}` (overrides nil) or `{{<name}}…{{/name}}`. The indentation of a
    /// standalone `{{>name}}`, and of any `{{<name}}`, is added to the partial's lines.
    case partial(String, indentation: String?, overrides: [String: [TemplateNode]]?)
    /// `{{$name}}default{{/name}}` in a template.
    case block(String, [TemplateNode], indentation: String)
    /// `{{$name}}…{{/name}}` directly inside `{{<parent}}`: an override.
    case blockDefinition(String, [TemplateNode])
}

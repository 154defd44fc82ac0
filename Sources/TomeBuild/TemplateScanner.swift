/// Lists the tags of a Mustache template with their positions, without rendering it.
/// The theme uses it to find missing and endlessly recursive partials before any page
/// is rendered; tests use it to check every key a template names exists in the view
/// models.
struct TemplateScanner {
    struct Tag: Hashable {
        enum Kind: Hashable { case variable, section, invertedSection, close, partial, parent, block, other }
        var kind: Kind
        var name: String
        var line: Int
        var column: Int
        /// How many sections (`{{#…}}`, `{{^…}}`) enclose the tag.
        var sectionDepth: Int
    }

    static func tags(in template: String) -> [Tag] {
        var tags: [Tag] = []
        let bytes = Array(template.utf8)
        var i = 0
        var line = 1
        var lineStart = 0
        var depth = 0
        var open = Array("{{".utf8)
        var close = Array("}}".utf8)
        func matches(_ pattern: [UInt8], at index: Int) -> Bool {
            index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1; i += 1; continue }
            guard matches(open, at: i) else { i += 1; continue }
            let column = i - lineStart + 1
            var j = i + open.count
            var triple = false
            if j < bytes.count, bytes[j] == UInt8(ascii: "{") { triple = true; j += 1 }
            var end = j
            while end < bytes.count, !matches(close, at: end) { end += 1 }
            guard end < bytes.count else { break }
            var inner = String(decoding: bytes[j..<end], as: UTF8.self).trimmingCharacters
            let sigil = inner.first
            let kind: Tag.Kind
            switch sigil {
            case "#": kind = .section
            case "^": kind = .invertedSection
            case "/": kind = .close
            case ">": kind = .partial
            case "<": kind = .parent
            case "$": kind = .block
            case "!", "=", "%": kind = .other
            case "&": kind = .variable
            default: kind = .variable
            }
            if kind != .variable || sigil == "&" { inner.removeFirst() }
            let name = inner.trimmingCharacters
            if kind == .close { depth = max(0, depth - 1) }
            tags.append(Tag(kind: kind, name: name, line: line, column: column, sectionDepth: depth))
            if kind == .section || kind == .invertedSection { depth += 1 }
            if kind == .other, sigil == "=" {
                // A delimiter change: `{{=<% %>=}}`.
                let parts = name.dropLast().split(separator: " ")
                if parts.count == 2 { open = Array(parts[0].utf8); close = Array(parts[1].utf8) }
            }
            var after = end + close.count
            if triple, after < bytes.count, bytes[after] == UInt8(ascii: "}") { after += 1 }
            for k in i..<min(after, bytes.count) where bytes[k] == UInt8(ascii: "\n") { line += 1; lineStart = k + 1 }
            i = after
        }
        return tags
    }
}

extension String {
    var trimmingCharacters: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

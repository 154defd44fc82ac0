/// The stemmer used by the analyzer. One line to change when the Porter2 stemmer lands.
enum Stemming {
    static let identifier = "porter2"
    static func stem(_ word: [UInt8]) -> [UInt8] { EnglishStemmer.stem(utf8: word) }
}

/// One token produced by the analyzer.
public struct Token: Hashable, Sendable {
    public enum Kind: UInt8, Sendable { case word, whole, part }
    /// Folded surface form (UTF-8), the term stored in the index.
    public var term: [UInt8]
    /// Stem of `term` (equal to `term` for tokens with digits or connectors).
    public var stem: [UInt8]
    /// Position in the field; a `whole` compound shares the position of its first part.
    public var position: Int
    /// Byte range in the source string's UTF-8.
    public var start: Int
    public var end: Int
    public var kind: Kind
    public var isStopWord: Bool

    public var termString: String { String(decoding: term, as: UTF8.self) }
}

/// Normalise, fold, tokenize, drop stop words, stem. Pure and `Sendable`; see
/// ARCHITECTURE.md "Search index format (v1)" for the exact pipeline.
public struct Analyzer: Sendable {
    /// Stored in the manifest; a reader refuses an index with another identifier.
    public static let identifier = "tome-en-1+" + Stemming.identifier
    public static let maxTokenBytes = 64
    static let connectors: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "_")]

    public init() {}

    public func stem(_ term: [UInt8]) -> [UInt8] {
        for b in term where !Analyzer.isLetterByte(b) { return term }
        return Stemming.stem(term)
    }

    static func isLetterByte(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || b >= 0x80 }

    /// Tokens of `text`, including stop words (flagged) so callers can keep positions.
    public func tokens(_ text: String, keepStopWords: Bool = false) -> [Token] {
        tokens(text, keepStopWords: keepStopWords, stems: true)
    }

    /// With `stems` false every token's `stem` is its term (the index builder stems each
    /// distinct term once instead of every occurrence).
    func tokens(_ text: String, keepStopWords: Bool, stems: Bool) -> [Token] {
        var out: [Token] = []
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return out }
        bytes.append(0x20)
        var position = 0
        // current compound: parts (term bytes, start, end) and the connector before each part
        var parts: [([UInt8], Int, Int)] = []
        var connectorsBefore: [UInt8] = []
        var current: [UInt8] = []
        var currentStart = -1
        var currentEnd = 0
        var pendingConnector: UInt8? = nil

        func endPart() {
            if currentStart >= 0 {
                parts.append((current, currentStart, currentEnd))
                current = []
                currentStart = -1
            }
        }
        func flush() {
            endPart()
            pendingConnector = nil
            if parts.isEmpty { return }
            if parts.count == 1 {
                emit(parts[0].0, parts[0].1, parts[0].2, .word, position)
                position += 1
            } else {
                var whole: [UInt8] = parts[0].0
                for i in 1..<parts.count {
                    whole.append(connectorsBefore[i - 1])
                    whole.append(contentsOf: parts[i].0)
                }
                if whole.count <= Analyzer.maxTokenBytes {
                    out.append(Token(term: whole, stem: whole, position: position, start: parts[0].1,
                                     end: parts[parts.count - 1].2, kind: .whole, isStopWord: false))
                }
                for p in parts {
                    emit(p.0, p.1, p.2, .part, position)
                    position += 1
                }
            }
            parts.removeAll(keepingCapacity: true)
            connectorsBefore.removeAll(keepingCapacity: true)
        }
        func emit(_ term: [UInt8], _ start: Int, _ end: Int, _ kind: Token.Kind, _ pos: Int) {
            if term.isEmpty || term.count > Analyzer.maxTokenBytes { return }
            let stop = StopWords.set.contains(term)
            if stop && !keepStopWords { return }
            out.append(Token(term: term, stem: stop || !stems ? term : stem(term), position: pos, start: start, end: end,
                             kind: kind, isStopWord: stop))
        }
        func beginPart(_ start: Int) {
            if currentStart < 0 {
                if let c = pendingConnector, !parts.isEmpty {
                    connectorsBefore.append(c)
                    pendingConnector = nil
                } else {
                    flush()
                }
                currentStart = start
            }
        }
        func wordByte(_ folded: [UInt8], _ start: Int, _ end: Int) {
            beginPart(start)
            current.append(contentsOf: folded)
            currentEnd = end
        }

        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if (b >= 97 && b <= 122) || (b >= 48 && b <= 57) {
                    beginPart(i)
                    current.append(b)
                    currentEnd = i + 1
                } else if b >= 65 && b <= 90 {
                    beginPart(i)
                    current.append(b + 32)
                    currentEnd = i + 1
                } else if Analyzer.connectors.contains(b) && currentStart >= 0 && pendingConnector == nil {
                    endPart()
                    pendingConnector = b
                } else {
                    flush()
                }
                i += 1
                continue
            }
            // decode one scalar (input came from a String, so it is valid UTF-8)
            var len = 1
            var v: UInt32 = 0
            if b & 0xE0 == 0xC0 { len = 2; v = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { len = 3; v = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { len = 4; v = UInt32(b & 0x07) }
            if i + len > n { break }
            for k in 1..<len { v = (v << 6) | UInt32(bytes[i + k] & 0x3F) }
            if let s = Unicode.Scalar(v), Folding.isWordScalar(s) {
                let folded = Folding.fold(s)
                if folded.isEmpty {
                    if currentStart >= 0 { currentEnd = i + len }
                } else {
                    wordByte(folded, i, i + len)
                }
            } else {
                flush()
            }
            i += len
        }
        flush()
        return out
    }

    /// Folded form of a whole string (no tokenization), used for facet values.
    public func fold(_ text: String) -> String {
        var out: [UInt8] = []
        for s in text.unicodeScalars {
            if s.isASCII {
                var b = UInt8(s.value)
                if b >= 65 && b <= 90 { b += 32 }
                out.append(b)
            } else {
                out.append(contentsOf: Folding.fold(s))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

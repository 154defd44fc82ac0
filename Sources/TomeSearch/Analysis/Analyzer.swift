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
    /// ASCII letters (either case) and digits.
    @inline(__always) static func isASCIIWordByte(_ b: UInt8) -> Bool {
        (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57)
    }
    /// The high bit of each of eight bytes (little-endian) that is not an ASCII word
    /// byte: a run of letters and digits is read eight bytes at a time.
    @inline(__always) static func nonWordBytes(_ eight: UInt64) -> UInt64 {
        let highs: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        let low = eight & ~highs
        // the high bit of a 7-bit byte plus 0x80 - c is set when the byte is at least c
        @inline(__always) func atLeast(_ v: UInt64, _ c: UInt64) -> UInt64 { (v &+ ones &* (0x80 - c)) & highs }
        let lower = low | ones &* 0x20
        let letters = atLeast(lower, 0x61) & ~atLeast(lower, 0x7B), digits = atLeast(low, 0x30) & ~atLeast(low, 0x3A)
        return ~(letters | digits) & highs | eight & highs
    }
    @inline(__always) static func isConnector(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") || b == UInt8(ascii: "_")
    }

    public init() {}

    public func stem(_ term: [UInt8]) -> [UInt8] {
        for b in term where !Analyzer.isLetterByte(b) { return term }
        return Stemming.stem(term)
    }

    static func isLetterByte(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || b >= 0x80 }

    /// A word's first two bytes, a second `y` read as `i` (one byte: the byte and 0).
    /// A stem keeps its word's first byte, and a stem of two bytes or more its word's
    /// key: the stemmer rewrites suffixes only, never a word's first letter, and its
    /// second only from `y` to `i` (`dying` -> `die`, `cry` -> `cri`); a stem can be
    /// one letter (`aed` -> `a`); words of fewer than three letters are their own stem,
    /// and tokens with digits or connectors too. Checked over the whole stemmer
    /// vocabulary (`SnippetTests.stemKeepsKey`). Snippets stem only the words that can
    /// stem to a query stem by this rule.
    static func stemKey(_ t: UnsafeBufferPointer<UInt8>) -> UInt16 {
        guard let first = t.first else { return 0 }
        let second = t.count > 1 ? (t[1] == UInt8(ascii: "y") ? UInt8(ascii: "i") : t[1]) : 0
        return UInt16(first) << 8 | UInt16(second)
    }

    /// Tokens of `text`, including stop words (flagged) so callers can keep positions.
    public func tokens(_ text: String, keepStopWords: Bool = false) -> [Token] {
        tokens(text, keepStopWords: keepStopWords, stems: true)
    }

    /// With `stems` false every token's `stem` is its term (the index builder stems each
    /// distinct term once instead of every occurrence).
    func tokens(_ text: String, keepStopWords: Bool, stems: Bool) -> [Token] {
        var out: [Token] = []
        var scanner = TokenScanner()
        scanner.scan(text) { t in
            let isStopWord = t.isStopWord
            if isStopWord && !keepStopWords { return }
            let term = Array(t.term)
            out.append(Token(term: term, stem: t.kind == .whole || isStopWord || !stems ? term : stem(term),
                             position: t.position, start: t.start, end: t.end, kind: t.kind, isStopWord: isStopWord))
        }
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

/// One token as `TokenScanner` sees it: `term` points into the scanner's buffer and is
/// valid only during the visit.
struct ScannedToken {
    var term: UnsafeBufferPointer<UInt8>
    var position: Int
    var start: Int
    var end: Int
    var kind: Token.Kind
    /// Looked up when asked (snippets ask only for the few tokens that could match).
    var isStopWord: Bool { kind != .whole && StopWords.contains(term) }
}

/// The analyzer's tokenizer (steps 1-5 of the pipeline: fold, word scalars, compounds,
/// the 64-byte limit, stop-word flags) over UTF-8 bytes, without an allocation per
/// token: a compound's folded bytes (its parts joined by their connectors, which is the
/// whole token) sit in one buffer and each token is a range of it. Tokens come in the
/// analyzer's order (a compound's `whole` before its parts), stop words included and
/// flagged; stemming is the caller's.
///
/// The buffers live on the stack for the scan (heap only for a compound of more than
/// 256 bytes or 32 parts), written through pointers: no array bookkeeping per byte or
/// per token.
struct TokenScanner {
    private struct Part {
        var offset: Int, count: Int, start: Int, end: Int
    }

    init() {}

    mutating func scan(_ text: String, _ visit: (ScannedToken) -> Void) {
        var text = text
        text.withUTF8 { scan($0, visit) }
    }

    /// `bytes` must be valid UTF-8 (from a `String`).
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (ScannedToken) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { compoundStack in
            withUnsafeTemporaryAllocation(of: Part.self, capacity: 32) { partsStack in
                var position = 0
                Self.scan(bytes, 0..<bytes.count, compound: compoundStack, parts: partsStack, position: &position, visit)
            }
        }
    }

    /// `scan`, but a piece of ASCII letters and digits alone between separators (most
    /// words of prose), connectors aside, goes to `plainWord(start, end)` instead of
    /// `visit`: it is one `.word` token, its bytes lower-cased (`| 0x20`), or none if
    /// longer than `Analyzer.maxTokenBytes`. A separator (an ASCII byte neither a word byte nor a
    /// connector) ends every token, so the other pieces are scanned one at a time, with
    /// the tokens and positions `scan` gives them; a caller that needs the term of few
    /// plain words skips the per-token work of the rest. Inlined: called through its
    /// closures instead, the snippets' scan took a third more instructions.
    @inline(__always)
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, plainWord: (_ start: Int, _ end: Int) -> Void,
                       _ visit: (ScannedToken) -> Void) {
        guard let base = bytes.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { compoundStack in
            withUnsafeTemporaryAllocation(of: Part.self, capacity: 32) { partsStack in
                var position = 0, i = 0
                let n = bytes.count
                while i < n {
                    let start = i
                    var plain = true
                    while i < n {
                        if i + 8 <= n {
                            let m = Analyzer.nonWordBytes(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                            if m == 0 { i += 8; continue }
                            i += m.trailingZeroBitCount >> 3
                        }
                        let b = base[i]
                        if Analyzer.isASCIIWordByte(b) { i += 1; continue }
                        if b < 0x80 && !Analyzer.isConnector(b) { break }
                        plain = false
                        i += 1
                    }
                    // connectors around one run of letters and digits join nothing ("end.",
                    // "--flag"): the run is a plain word
                    var first = start, end = i
                    if !plain {
                        while first < end && Analyzer.isConnector(base[first]) { first += 1 }
                        while end > first && Analyzer.isConnector(base[end - 1]) { end -= 1 }
                        plain = (first..<end).allSatisfy { Analyzer.isASCIIWordByte(base[$0]) }
                    }
                    if plain {
                        if end > first {
                            if end - first <= Analyzer.maxTokenBytes { plainWord(first, end) }
                            position += 1
                        }
                    } else {
                        Self.scan(bytes, start..<i, compound: compoundStack, parts: partsStack, position: &position, visit)
                    }
                    i += 1
                }
            }
        }
    }

    /// Tokens of `bytes[range]` (offsets into `bytes`), positions counted on from `position`.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                             compound compoundStack: UnsafeMutableBufferPointer<UInt8>,
                             parts partsStack: UnsafeMutableBufferPointer<Part>, position: inout Int,
                             _ visit: (ScannedToken) -> Void) {
        // the current compound: folded bytes of its parts and the connectors between them
        var compound = compoundStack.baseAddress!, capacity = compoundStack.count, count = 0
        var parts = partsStack.baseAddress!, partCapacity = partsStack.count, partCount = 0
        var heapCompound = false, heapParts = false
        defer {
            if heapCompound { compound.deallocate() }
            if heapParts { parts.deallocate() }
        }
        func reserve(_ extra: Int) {
            if count + extra <= capacity { return }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + extra))
            grown.update(from: compound, count: count)
            if heapCompound { compound.deallocate() }
            compound = grown; capacity = max(capacity * 2, count + extra); heapCompound = true
        }
        var inPart = false          // a part is being read (its bytes are the tail of the compound)
        var partStart = 0, partEnd = 0, partOffset = 0
        var pendingConnector: UInt8 = 0

        func emit(_ offset: Int, _ n: Int, _ start: Int, _ end: Int, _ kind: Token.Kind, _ pos: Int) {
            if n == 0 || n > Analyzer.maxTokenBytes { return }
            visit(ScannedToken(term: UnsafeBufferPointer(start: compound + offset, count: n), position: pos, start: start,
                               end: end, kind: kind))
        }
        func endPart() {
            if inPart {
                if partCount == partCapacity {
                    let grown = UnsafeMutablePointer<Part>.allocate(capacity: partCapacity * 2)
                    grown.initialize(from: parts, count: partCount)
                    if heapParts { parts.deallocate() }
                    parts = grown; partCapacity *= 2; heapParts = true
                }
                (parts + partCount).initialize(to: Part(offset: partOffset, count: count - partOffset, start: partStart, end: partEnd))
                partCount += 1
                inPart = false
            }
        }
        func flush() {
            endPart()
            pendingConnector = 0
            if partCount == 0 { count = 0; return }
            if partCount == 1 {
                let p = parts[0]
                emit(p.offset, p.count, p.start, p.end, .word, position)
                position += 1
            } else {
                let last = parts[partCount - 1]
                emit(0, last.offset + last.count, parts[0].start, last.end, .whole, position)
                for k in 0..<partCount {
                    let p = parts[k]
                    emit(p.offset, p.count, p.start, p.end, .part, position)
                    position += 1
                }
            }
            partCount = 0
            count = 0
        }
        func beginPart(_ start: Int) {
            if !inPart {
                if pendingConnector != 0 && partCount > 0 {
                    reserve(1)
                    compound[count] = pendingConnector
                    count += 1
                    pendingConnector = 0
                } else {
                    flush()
                }
                inPart = true
                partStart = start
                partOffset = count
            }
        }

        guard let base = bytes.baseAddress else { return }
        var i = range.lowerBound
        let n = range.upperBound
        while i < n {
            let b = base[i]
            if b < 0x80 {
                if Analyzer.isASCIIWordByte(b) {
                    // a run of ASCII letters and digits, copied lower-cased as it is read
                    // (`| 0x20` lower-cases a letter and keeps a digit)
                    beginPart(i)
                    var j = i
                    while true {
                        reserve(min(n - j, 64))
                        let limit = j + min(n - j, capacity - count)
                        var out = compound + count
                        while j < limit && Analyzer.isASCIIWordByte(base[j]) {
                            out.pointee = base[j] | 0x20
                            out += 1
                            j += 1
                        }
                        count = out - compound
                        if j < limit || j == n { break }  // the run ended; else the buffer is full
                    }
                    partEnd = j
                    i = j
                    continue
                } else if Analyzer.isConnector(b) && inPart && pendingConnector == 0 {
                    endPart()
                    pendingConnector = b
                } else {
                    flush()
                }
                i += 1
                continue
            }
            // decode one scalar (valid UTF-8)
            var len = 1
            var v: UInt32 = 0
            if b & 0xE0 == 0xC0 { len = 2; v = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { len = 3; v = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { len = 4; v = UInt32(b & 0x07) }
            if i + len > n { break }
            for k in 1..<len { v = (v << 6) | UInt32(base[i + k] & 0x3F) }
            if let s = Unicode.Scalar(v), Folding.isWordScalar(s) {
                let folded = Folding.fold(s)
                if folded.isEmpty {
                    if inPart { partEnd = i + len }
                } else {
                    beginPart(i)
                    reserve(folded.count)
                    for k in 0..<folded.count { compound[count + k] = folded[k] }
                    count += folded.count
                    partEnd = i + len
                }
            } else {
                flush()
            }
            i += len
        }
        flush()
    }
}

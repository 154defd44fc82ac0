#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Step 11 of "Query pipeline" (ARCHITECTURE.md): the window of a section's stored text
/// with the most distinct matched terms (then most matches, then earliest), cut from the
/// text, with highlight ranges.
///
/// One `SnippetMaker` serves every snippet of one query. It reads the text with the
/// analyzer's `TokenScanner` (no allocation per token) and stems only the words that can
/// stem to a query stem: a stem keeps its word's first byte and, from two bytes, its
/// `Analyzer.stemKey` (first two bytes, `y` read as `i`), so other words are not
/// stemmed at all. Stems are memoised over queries (the sections shown share most words).
/// A maker is kept per index and begun again for each query: its buffers are reused.
struct SnippetMaker {
    /// Highlight terms (exact index terms of the query's variants), flat: the terms of
    /// `n` bytes are `highlightsByLength[n].count` runs of `n` bytes from
    /// `highlightsByLength[n].offset` in `highlightBytes`.
    private var highlightBytes: [UInt8] = []
    private var highlightsByLength = [(offset: Int, count: Int)](repeating: (0, 0), count: Analyzer.maxTokenBytes + 1)
    /// First bytes of the highlight terms and of the query stems: a token whose first
    /// byte is not here cannot match (a stem keeps its word's first byte).
    private var firstBytes = ByteSet()
    /// Keys of the query stems of two bytes or more; first bytes of the one-byte ones.
    private var stemKeys: [UInt16] = []
    private var stemFirstBytes = ByteSet()
    /// The query stems are the first `queryStemCount` keys of `keys`.
    private var queryStemCount = 0
    private let analyzer = Analyzer()
    /// Match keys (a word's stem, a whole token's term) by bytes, numbered over the query.
    private var keys = ByteStrings()
    /// Words met so far that can match (see `snippet`), numbered over the query, with the
    /// key of their stem and whether that stem is a query stem.
    private var words = ByteStrings()
    private var wordKey: [Int32] = []
    private var wordIsQueryStem: [Bool] = []
    /// Words stemmed so far, kept over queries, with the number of their stem in `stems`;
    /// forgotten all at once past `maxStemmed` words.
    private var stemmed = ByteStrings()
    private var stemOf: [Int32] = []
    private var stems = ByteStrings()
    private static let maxStemmed = 1 << 14
    // per snippet, reused
    /// Where each word starts and ends: room for the most words a text can hold (a word
    /// takes a byte and is a byte away from the next), written through a pointer.
    private var wordBounds: [(start: Int, end: Int)] = []
    private var matches: [Match] = []
    /// Per key, the window that last counted it (`stamp`, which only grows: kept over queries).
    private var keySeen: [Int] = []
    private var stamp = 0

    private struct Match {
        var start: Int
        var end: Int
        /// The match's key (its stem; a whole token's term), a number in `keys`.
        var key: Int
        /// Index of the first word at or after the match (a whole token: its first part).
        var word: Int
    }

    init() {}

    /// Starts a query: its highlight terms and stems, the buffers of the last query kept.
    mutating func begin(highlightTerms: Set<[UInt8]>, highlightStems: Set<[UInt8]>) {
        // the terms by length: counted, then each put before the ones of its length placed
        // so far (in set order: the order within a length never matters to the answer;
        // sorting them cost about 1% of a search)
        var runs: [(offset: Int, count: Int)] = [], flat: [UInt8] = []
        swap(&runs, &highlightsByLength)
        swap(&flat, &highlightBytes)
        defer { swap(&runs, &highlightsByLength); swap(&flat, &highlightBytes) }
        for n in runs.indices { runs[n] = (0, 0) }
        var firsts = ByteSet()
        for t in highlightTerms where !t.isEmpty && t.count < runs.count {
            runs[t.count].count += 1
            firsts.insert(t[0])
        }
        var end = 0
        for n in runs.indices { end += n * runs[n].count; runs[n].offset = end }
        flat.removeAll(keepingCapacity: true)
        flat.append(contentsOf: repeatElement(0, count: end))
        flat.withUnsafeMutableBufferPointer { out in
            for t in highlightTerms where !t.isEmpty && t.count < runs.count {
                runs[t.count].offset -= t.count
                for (k, b) in t.enumerated() { out[runs[t.count].offset + k] = b }
            }
        }
        stemKeys.removeAll(keepingCapacity: true)
        stemFirstBytes = ByteSet()
        keys.removeAll()
        // the query stems are keys 0..<queryStemCount (numbers only tell keys apart)
        for s in highlightStems where !s.isEmpty {
            s.withUnsafeBufferPointer { _ = keys.insert($0) }
            firsts.insert(s[0])
            if s.count == 1 { stemFirstBytes.insert(s[0]) } else { stemKeys.append(s.withUnsafeBufferPointer(Analyzer.stemKey)) }
        }
        queryStemCount = keys.count
        firstBytes = firsts
        words.removeAll()
        wordKey.removeAll(keepingCapacity: true)
        wordIsQueryStem.removeAll(keepingCapacity: true)
    }

    /// Whether a word can stem to one of the query's stems (see `Analyzer.stemKey`).
    private func mayStemToQueryStem(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        stemKeys.contains(Analyzer.stemKey(t)) || stemFirstBytes.contains(t[0])
    }

    private func isHighlightTerm(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = t.count
        guard n < highlightsByLength.count else { return false }
        let run = highlightsByLength[n]
        if run.count == 0 { return false }
        return highlightBytes.withUnsafeBufferPointer { h in
            var at = run.offset
            for _ in 0..<run.count {
                if h[at] == t[0] && memcmp(h.baseAddress! + at, t.baseAddress!, n) == 0 { return true }
                at += n
            }
            return false
        }
    }

    /// The number of a word that can match: its stem's key and whether that stem is a
    /// query stem are kept with it (stemmed once, or never if stemmed for a query before).
    private mutating func word(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        if let w = words.find(t) { return w }
        // the stem first: stemming changes `self`, which the call on `keys` holds
        let stem = stemmed.find(t).map { Int(stemOf[$0]) } ?? stem(t)
        let key = keys.findOrInsert(stems, stem)
        wordKey.append(Int32(key))
        wordIsQueryStem.append(key < queryStemCount)
        return words.insert(t)
    }

    /// The number in `stems` of the stem of a word not stemmed before.
    private mutating func stem(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        if stemmed.count == Self.maxStemmed {
            stemmed.removeAll()
            stems.removeAll()
            stemOf.removeAll(keepingCapacity: true)
        }
        let s = analyzer.stem(Array(t)).withUnsafeBufferPointer { stems.findOrInsert($0) }
        stemOf.append(Int32(s))
        _ = stemmed.insert(t)
        return s
    }

    /// The key of a word or part that matches: its term is a highlight term, or its stem
    /// a query stem (`isStopWord` is asked only when one of those may hold).
    private mutating func key(ofWord term: UnsafeBufferPointer<UInt8>, isStopWord: @autoclosure () -> Bool) -> Int? {
        let hit = isHighlightTerm(term)
        guard hit || mayStemToQueryStem(term), !isStopWord() else { return nil }
        let w = word(term)
        guard hit || wordIsQueryStem[w] else { return nil }
        return Int(wordKey[w])
    }

    mutating func snippet(of text: String, windowSize: Int) -> Snippet {
        var text = text
        return text.withUTF8 { snippet(of: $0, windowSize: windowSize) }
    }

    mutating func snippet(of bytes: UnsafeBufferPointer<UInt8>, windowSize: Int) -> Snippet {
        if wordBounds.count < bytes.count / 2 + 1 { wordBounds = .init(repeating: (0, 0), count: bytes.count / 2 + 1) }
        var bounds: [(start: Int, end: Int)] = []
        swap(&bounds, &wordBounds)  // out of `self` while the scan writes it and calls methods of `self`
        defer { swap(&bounds, &wordBounds) }
        var words = 0
        matches.removeAll(keepingCapacity: true)
        // matched tokens: a token whose term is a highlight term, or a word or part whose
        // stem is a query word's stem (stop words never match). Cheapest tests first: the
        // first byte, then the highlight terms and the stem key, then the stop words.
        var scanner = TokenScanner()
        var ordered = true, lastStart = 0
        func note(_ start: Int, _ end: Int, key: Int, whole: Bool) {
            if start < lastStart { ordered = false }
            lastStart = start
            matches.append(Match(start: start, end: end, key: key, word: whole ? words : words - 1))
        }
        bounds.withUnsafeMutableBufferPointer { bounds in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Analyzer.maxTokenBytes) { lowered in
                scanner.scan(bytes, plainWord: { start, end in
                    bounds[words] = (start, end)
                    words += 1
                    guard firstBytes.contains(bytes[start] | 0x20) else { return }
                    for k in start..<end { lowered[k - start] = bytes[k] | 0x20 }
                    let term = UnsafeBufferPointer(rebasing: lowered[0..<(end - start)])
                    if let key = key(ofWord: term, isStopWord: StopWords.contains(term)) { note(start, end, key: key, whole: false) }
                }) { t in
                    if t.kind != .whole { bounds[words] = (t.start, t.end); words += 1 }
                    guard firstBytes.contains(t.term[0]) else { return }
                    if t.kind == .whole {
                        guard isHighlightTerm(t.term) else { return }  // never a stop word
                        note(t.start, t.end, key: keys.findOrInsert(t.term), whole: true)
                    } else if let key = key(ofWord: t.term, isStopWord: t.isStopWord) {
                        note(t.start, t.end, key: key, whole: false)
                    }
                }
            }
        }
        var from = 0, to = bytes.count
        if words > windowSize {
            // matches come in word order, so a window's matches are a run of them, and
            // the windows' starts never go back
            var bestStart = 0, bestDistinct = -1, bestCount = -1
            if keySeen.count < keys.count { keySeen.append(contentsOf: repeatElement(-1, count: keys.count - keySeen.count)) }
            var first = 0, previous = -1
            for m in matches {
                let startWord = max(0, min(m.word - 3, words - windowSize))
                if startWord == previous { continue }  // the same window: it cannot do better
                previous = startWord
                let endWord = startWord + windowSize
                while matches[first].word < startWord { first += 1 }
                stamp += 1
                var distinct = 0, count = 0, j = first
                while j < matches.count && matches[j].word < endWord {
                    let k = matches[j].key
                    if keySeen[k] != stamp { keySeen[k] = stamp; distinct += 1 }
                    count += 1
                    j += 1
                }
                if distinct > bestDistinct || (distinct == bestDistinct && count > bestCount) {
                    bestDistinct = distinct; bestCount = count; bestStart = startWord
                }
            }
            from = bestStart == 0 ? 0 : bounds[bestStart].start
            to = bounds[min(words - 1, bestStart + windowSize - 1)].end
        }
        let cutStart = from > 0, cutEnd = to < bytes.count
        let length = to - from + (cutStart ? 3 : 0) + (cutEnd ? 3 : 0)
        let text = String(unsafeUninitializedCapacity: length) { out in
            var at = 0
            if cutStart { out[0] = 0xE2; out[1] = 0x80; out[2] = 0xA6; at = 3 }  // "…"
            if to > from { memcpy(out.baseAddress! + at, bytes.baseAddress! + from, to - from) }
            at += to - from
            if cutEnd { out[at] = 0xE2; out[at + 1] = 0x80; out[at + 2] = 0xA6; at += 3 }
            return at
        }
        // highlight ranges in the snippet: the matches inside it, sorted by start (longer
        // first) and merged, as UTF-16 offsets ("…" is one unit)
        if !ordered { matches.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end } }
        var highlights: [Range<Int>] = []
        var utf16 = UTF16Counter(bytes, from: from, base: cutStart ? 1 : 0)
        var open = -1, close = -1
        for m in matches where m.start >= from && m.end <= to {
            if open >= 0 && m.start <= close {
                close = max(close, m.end)
            } else {
                if open >= 0 { highlights.append(utf16.offset(at: open)..<utf16.offset(at: close)) }
                open = m.start; close = m.end
            }
        }
        if open >= 0 { highlights.append(utf16.offset(at: open)..<utf16.offset(at: close)) }
        return Snippet(text: text, highlights: highlights)
    }
}

/// A set of bytes (256 bits).
struct ByteSet {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << (b & 63)
        switch b >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    @inline(__always) func contains(_ b: UInt8) -> Bool {
        let word: UInt64
        switch b >> 6 {
        case 0: word = bits.0
        case 1: word = bits.1
        case 2: word = bits.2
        default: word = bits.3
        }
        return word >> (b & 63) & 1 != 0
    }
}

/// Byte strings numbered in the order they were added, found by their bytes without
/// making an array of them (open addressing on FNV-1a 64; the strings back to back).
struct ByteStrings {
    private var slots = [Int32](repeating: 0, count: 64)  // number + 1; 0: empty
    private var hashes: [UInt64] = []
    private var ends: [Int] = []
    private var bytes: [UInt8] = []

    var count: Int { hashes.count }

    /// Forgets every string, keeping the room.
    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
        hashes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    private static func hash(_ t: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in t { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    private func equal(_ e: Int, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = e == 0 ? 0 : ends[e - 1]
        guard ends[e] - start == t.count else { return false }
        if t.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, t.baseAddress!, t.count) == 0 }
    }

    /// The slot holding `t`, or the empty slot where it would go.
    private func slot(_ t: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[i]) - 1
            if e < 0 || (hashes[e] == h && equal(e, t)) { return i }
            i = (i + 1) & mask
        }
    }

    func find(_ t: UnsafeBufferPointer<UInt8>) -> Int? {
        let e = Int(slots[slot(t, Self.hash(t))]) - 1
        return e < 0 ? nil : e
    }

    /// Adds `t`, which is not here yet; returns its number.
    mutating func insert(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(t)
        let e = hashes.count
        hashes.append(h)
        bytes.append(contentsOf: t)
        ends.append(bytes.count)
        if hashes.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for x in 0..<hashes.count {
                let start = x == 0 ? 0 : ends[x - 1]
                let i = bytes.withUnsafeBufferPointer { slot(UnsafeBufferPointer(rebasing: $0[start..<ends[x]]), hashes[x]) }
                slots[i] = Int32(x + 1)
            }
        } else {
            slots[slot(t, h)] = Int32(e + 1)
        }
        return e
    }

    mutating func findOrInsert(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        find(t) ?? insert(t)
    }

    /// `findOrInsert` of string `e` of `other`.
    mutating func findOrInsert(_ other: ByteStrings, _ e: Int) -> Int {
        let start = e == 0 ? 0 : other.ends[e - 1]
        return other.bytes.withUnsafeBufferPointer { findOrInsert(UnsafeBufferPointer(rebasing: $0[start..<other.ends[e]])) }
    }
}

/// UTF-16 offsets in a snippet of byte offsets into the text it was cut from (scalar
/// starts at or after `from`, asked in ascending order); `base` units come before `from`.
struct UTF16Counter {
    let bytes: UnsafeBufferPointer<UInt8>
    private var byte: Int
    private var units: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, base: Int) {
        self.bytes = bytes
        byte = from
        units = base
    }

    mutating func offset(at target: Int) -> Int {
        while byte < target {
            let b = bytes[byte]
            if b & 0xC0 != 0x80 { units += b >= 0xF0 ? 2 : 1 }
            byte += 1
        }
        return units
    }
}

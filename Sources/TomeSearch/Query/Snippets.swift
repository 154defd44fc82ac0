/// Step 11 of "Query pipeline" (ARCHITECTURE.md): the window of a section's stored text
/// with the most distinct matched terms (then most matches, then earliest), cut from the
/// text, with highlight ranges.
///
/// One `SnippetMaker` serves every snippet of one query. It reads the text with the
/// analyzer's `TokenScanner` (no allocation per token) and stems only the words that can
/// stem to a query stem: a stem keeps its word's first byte and, from two bytes, its
/// `Analyzer.stemKey` (first two bytes, `y` read as `i`), so other words are not
/// stemmed at all. Stems are memoised over the query (the sections shown share most words).
struct SnippetMaker {
    /// Highlight terms (exact index terms of the query's variants) by byte length.
    private let termsByLength: [[[UInt8]]]
    private let stems: Set<[UInt8]>
    /// Keys of the query stems of two bytes or more; first bytes of the one-byte ones.
    private let stemKeys: [UInt16]
    private let stemFirstBytes: [UInt8]
    private let analyzer = Analyzer()
    private var stemMemo = StemMemo()
    private var scanner = TokenScanner()
    // per snippet, reused
    private var wordStart: [Int] = []
    private var wordEnd: [Int] = []
    private var matches: [Match] = []
    private var keys: [[UInt8]] = []
    private var keySeen: [Int] = []
    private var out: [UInt8] = []

    private struct Match {
        var start: Int
        var end: Int
        /// Index of the match's key (its stem; a whole token's term) in `keys`.
        var key: Int
        /// Index of the first word at or after the match (a whole token: its first part).
        var word: Int
    }

    init(highlightTerms: Set<[UInt8]>, highlightStems: Set<[UInt8]>) {
        var byLength = [[[UInt8]]](repeating: [], count: Analyzer.maxTokenBytes + 1)
        // sorted: the order of a bucket never matters to the answer, but keep it stable
        for t in highlightTerms.sorted(by: { $0.lexicographicallyPrecedes($1) }) where t.count < byLength.count {
            byLength[t.count].append(t)
        }
        termsByLength = byLength
        stems = highlightStems
        var keys: [UInt16] = [], firsts: [UInt8] = []
        for s in highlightStems where !s.isEmpty {
            if s.count == 1 { firsts.append(s[0]) } else { keys.append(s.withUnsafeBufferPointer(Analyzer.stemKey)) }
        }
        stemKeys = keys
        stemFirstBytes = firsts
    }

    /// Whether a word can stem to one of the query's stems (see `Analyzer.stemKey`).
    private func mayStemToQueryStem(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        stemKeys.contains(Analyzer.stemKey(t)) || (!stemFirstBytes.isEmpty && stemFirstBytes.contains(t[0]))
    }

    private func isHighlightTerm(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        for h in termsByLength[t.count] where h[0] == t[0] && h.elementsEqual(t) { return true }
        return false
    }

    private mutating func stem(_ t: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if let s = stemMemo[t] { return s }
        let term = Array(t)
        let s = analyzer.stem(term)
        stemMemo.insert(term, stem: s)
        return s
    }

    private mutating func keyIndex(_ key: [UInt8]) -> Int {
        if let i = keys.firstIndex(of: key) { return i }
        keys.append(key)
        return keys.count - 1
    }

    mutating func snippet(of text: String, windowSize: Int) -> Snippet {
        var text = text
        return text.withUTF8 { snippet(of: $0, windowSize: windowSize) }
    }

    mutating func snippet(of bytes: UnsafeBufferPointer<UInt8>, windowSize: Int) -> Snippet {
        wordStart.removeAll(keepingCapacity: true)
        wordEnd.removeAll(keepingCapacity: true)
        matches.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        // matched tokens: a token whose term is a highlight term, or a word or part whose
        // stem is a query word's stem (stop words never match)
        var scanner = TokenScanner()  // self's, borrowed for the scan (the visitor uses self)
        swap(&scanner, &self.scanner)
        scanner.scan(bytes) { t in
            if t.kind != .whole { wordStart.append(t.start); wordEnd.append(t.end) }
            if t.isStopWord { return }
            var hit = isHighlightTerm(t.term)
            var key: [UInt8]? = nil
            if t.kind == .whole {
                if hit { key = Array(t.term) }
            } else if hit || mayStemToQueryStem(t.term) {
                let st = stem(t.term)
                if !hit { hit = stems.contains(st) }
                key = st
            }
            if hit, let key {
                let word = t.kind == .whole ? wordStart.count : wordStart.count - 1
                matches.append(Match(start: t.start, end: t.end, key: keyIndex(key), word: word))
            }
        }
        swap(&scanner, &self.scanner)
        var from = 0, to = bytes.count
        let words = wordStart.count
        if words > windowSize {
            var bestStart = 0, bestDistinct = -1, bestCount = -1
            if keySeen.count < keys.count { keySeen = [Int](repeating: -1, count: keys.count) }
            for i in 0..<keys.count { keySeen[i] = -1 }
            for (mi, m) in matches.enumerated() {
                let startWord = max(0, min(m.word - 3, words - windowSize))
                let endWord = startWord + windowSize
                var distinct = 0, count = 0
                for x in matches where x.word >= startWord && x.word < endWord {
                    if keySeen[x.key] != mi { keySeen[x.key] = mi; distinct += 1 }
                    count += 1
                }
                if distinct > bestDistinct || (distinct == bestDistinct && count > bestCount) {
                    bestDistinct = distinct; bestCount = count; bestStart = startWord
                }
            }
            from = bestStart == 0 ? 0 : wordStart[bestStart]
            to = wordEnd[min(words - 1, bestStart + windowSize - 1)]
        }
        out.removeAll(keepingCapacity: true)
        let ellipsis: [UInt8] = [0xE2, 0x80, 0xA6]  // "…"
        let prefix = from > 0 ? ellipsis.count : 0
        if from > 0 { out.append(contentsOf: ellipsis) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to]))
        if to < bytes.count { out.append(contentsOf: ellipsis) }
        // highlight byte ranges in the snippet, sorted and merged, as UTF-16 offsets
        var ranges: [(Int, Int)] = []
        for m in matches where m.start >= from && m.end <= to { ranges.append((m.start - from + prefix, m.end - from + prefix)) }
        ranges.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
        var merged: [(Int, Int)] = []
        for r in ranges {
            if let last = merged.last, r.0 <= last.1 { merged[merged.count - 1].1 = max(last.1, r.1) } else { merged.append(r) }
        }
        var utf16 = UTF16Counter(out)
        let highlights = merged.map { utf16.offset(at: $0.0)..<utf16.offset(at: $0.1) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }
}

/// Stems of the words met so far, looked up by the scanner's bytes without making an
/// array of them (open addressing on FNV-1a 64 of the bytes).
struct StemMemo {
    private var slots = [Int32](repeating: 0, count: 64)  // entry + 1; 0: empty
    private var hashes: [UInt64] = []
    private var words: [[UInt8]] = []
    private var stems: [[UInt8]] = []

    private static func hash(_ t: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in t { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// The slot holding `t`, or the empty slot where it would go.
    private func find(_ t: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[i]) - 1
            if e < 0 || (hashes[e] == h && words[e].elementsEqual(t)) { return i }
            i = (i + 1) & mask
        }
    }

    subscript(_ t: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let e = Int(slots[find(t, Self.hash(t))]) - 1
        return e < 0 ? nil : stems[e]
    }

    /// Adds a word that is not in the memo yet.
    mutating func insert(_ word: [UInt8], stem: [UInt8]) {
        let h = word.withUnsafeBufferPointer(Self.hash)
        hashes.append(h); words.append(word); stems.append(stem)
        if words.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for e in words.indices {
                let i = words[e].withUnsafeBufferPointer { find($0, hashes[e]) }
                slots[i] = Int32(e + 1)
            }
        } else {
            let i = word.withUnsafeBufferPointer { find($0, h) }
            slots[i] = Int32(words.count)
        }
    }
}

/// UTF-16 offsets of scalar-start byte offsets into UTF-8 bytes, asked in ascending order.
struct UTF16Counter {
    let bytes: [UInt8]
    private var byte = 0
    private var units = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func offset(at target: Int) -> Int {
        while byte < target {
            let b = bytes[byte]
            if b & 0xC0 != 0x80 { units += b >= 0xF0 ? 2 : 1 }
            byte += 1
        }
        return units
    }
}

extension SearchIndex {
    /// The window of `tokens` words with the most distinct matched terms (then most
    /// matches, then earliest), cut from the stored text, with highlight ranges.
    /// `stems` memoises the stemmer over the snippets of one query (the sections shown
    /// share most of their words); a token's stem is the analyzer's.
    func makeSnippet(_ s: StoredSection, state: QueryState, tokens windowSize: Int,
                     stems: inout [[UInt8]: [UInt8]]) -> Snippet {
        let analyzer = Analyzer()
        let text = s.text
        // tokens as `tokens(text, keepStopWords: true)` gives them, stemmed only here
        // (stop words and wholes are their own stem)
        let toks = analyzer.tokens(text, keepStopWords: true, stems: false)
        func stem(_ t: Token) -> [UInt8] {
            if t.kind == .whole || t.isStopWord { return t.term }
            if let s = stems[t.term] { return s }
            let s = analyzer.stem(t.term)
            stems[t.term] = s
            return s
        }
        // matched tokens (wholes and words/parts)
        var matches: [(start: Int, end: Int, key: [UInt8], index: Int)] = []
        var words: [Token] = []
        for t in toks where t.kind != .whole { words.append(t) }
        // lengths of the highlight terms: a token of
        // another length is not one of them, no hashing needed
        var lengths = [Bool](repeating: false, count: Analyzer.maxTokenBytes + 1)
        var longTerms = false
        for h in state.highlightTerms { if h.count < lengths.count { lengths[h.count] = true } else { longTerms = true } }
        for t in toks where !t.isStopWord {
            var key: [UInt8]? = nil
            var hit = (t.term.count < lengths.count ? lengths[t.term.count] : longTerms) && state.highlightTerms.contains(t.term)
            if !hit && t.kind != .whole {
                let st = stem(t)
                key = st
                hit = state.highlightStems.contains(st)
            }
            if hit {
                let idx = words.firstIndex { $0.start >= t.start } ?? 0
                matches.append((t.start, t.end, key ?? stem(t), idx))
            }
        }
        let bytes = Array(text.utf8)
        var from = 0, to = bytes.count
        if words.count > windowSize {
            var bestStart = 0, bestDistinct = -1, bestCount = -1
            if !matches.isEmpty {
                for m in matches {
                    let startWord = max(0, min(m.index - 3, words.count - windowSize))
                    let endWord = startWord + windowSize
                    var distinct = Set<[UInt8]>(), count = 0
                    for x in matches where x.index >= startWord && x.index < endWord { distinct.insert(x.key); count += 1 }
                    if distinct.count > bestDistinct || (distinct.count == bestDistinct && count > bestCount) {
                        bestDistinct = distinct.count; bestCount = count; bestStart = startWord
                    }
                }
            }
            from = bestStart == 0 ? 0 : words[bestStart].start
            to = words[min(words.count - 1, bestStart + windowSize - 1)].end
        }
        var snippetBytes: [UInt8] = []
        let prefix = from > 0 ? Array("\u{2026}".utf8) : []
        snippetBytes.append(contentsOf: prefix)
        snippetBytes.append(contentsOf: bytes[from..<to])
        if to < bytes.count { snippetBytes.append(contentsOf: Array("\u{2026}".utf8)) }
        // highlight byte ranges -> UTF-16 offsets in the snippet
        var ranges: [(Int, Int)] = matches.filter { $0.start >= from && $0.end <= to }
            .map { ($0.start - from + prefix.count, $0.end - from + prefix.count) }
        ranges.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
        var merged: [(Int, Int)] = []
        for r in ranges {
            if let last = merged.last, r.0 <= last.1 { merged[merged.count - 1].1 = max(last.1, r.1) } else { merged.append(r) }
        }
        let u16 = utf16Offsets(snippetBytes)
        let highlights = merged.map { u16[$0.0]..<u16[$0.1] }
        return Snippet(text: String(decoding: snippetBytes, as: UTF8.self), highlights: highlights)
    }
}

/// For each UTF-8 byte offset (0...count), the UTF-16 offset of the scalar starting there.
func utf16Offsets(_ bytes: [UInt8]) -> [Int] {
    var out = [Int](repeating: 0, count: bytes.count + 1)
    var u = 0
    for (i, b) in bytes.enumerated() {
        out[i] = u
        if b & 0xC0 != 0x80 { u += (b >= 0xF0) ? 2 : 1 }
    }
    // offsets point at scalar starts; fix continuation bytes to the next scalar start
    out[bytes.count] = u
    var i = bytes.count - 1
    while i >= 0 {
        if bytes[i] & 0xC0 == 0x80 { out[i] = out[i + 1] }
        i -= 1
    }
    return out
}

import Foundation
import Testing
@testable import TomeSearch

/// `SnippetMaker` (token scanner, stem-key filter, reused buffers) against a plain
/// reference written from ARCHITECTURE.md "Query pipeline" step 11 over
/// `Analyzer.tokens`: same text, same highlight ranges, for every pair of query and
/// section of a corpus built to hit the edge cases (compounds, stop words, tokens past
/// 64 bytes, marks, folding, 4-byte scalars, words whose stem changes their second
/// letter, windows at both ends).
struct SnippetTests {
    static let texts: [String] = [
        "The dying star was lying there, tying knots; vying hying dyings.",
        "Cries and ties: cry, cried, crying. Skies, skis, early, only, singly, idly.",
        "Email support@ops-com.com about LPR-200 or v2.4.1 and x.y_z@a-b.c",
        "Crème brûlée café naïve résumés Łódź Øre STRASSE straße ﬁle Ｆｕｌｌ",
        "e\u{301}te\u{301} cafe\u{301} 😀 class 😀 template 𝒳 templates 😀 classes",
        String(repeating: "a", count: 70) + " class " + String(repeating: "b", count: 30) + "-" + String(repeating: "c", count: 40),
        "a.b.c-d a..b a-.b .x. -y- _z_ @w@ the.and of-the",
        "Return value: the function returns the value of the template class; see also the return values.",
        (0..<60).map { i in i % 7 == 0 ? "template" : (i % 11 == 0 ? "classes" : "word\(i)") }.joined(separator: " "),
        (0..<45).map { "w\($0)" }.joined(separator: " ") + " return value returned values",
        "return value " + (0..<45).map { "w\($0)" }.joined(separator: " "),
        "yes youth boys sayings employs the the the Y y yy yying",
        "compiler compile compiling compilers compiled compilation errors error erroneous",
        "",
        "   ",
        "— … « » ¿",
        "aed oed oing eing ued a o e i u aeds",
        // compounds past the scanner's stack buffers (256 bytes, 32 parts)
        "see " + (0..<40).map { "templates\($0)" }.joined(separator: "-") + " return classes",
        (0..<36).map { $0 % 5 == 0 ? "Class" : "w\($0)" }.joined(separator: ".") + " the end",
        // highlight ranges that touch and overlap (a whole token and its parts, adjacent matches)
        "template-class template.template-classes returned-return",
    ]

    static let queries: [String] = [
        "dying", "lie", "tie knot", "cry", "sky", "early only", "support@ops-com.com", "lpr-200", "lpr", "2.4.1",
        "creme", "cafe brulee", "strasse", "file full", "ete", "class template", "classes", "templat", "temp",
        "return value", "\"return value\"", "\"see also\"", "value -void", "w1 w44", "w3", "word5 template",
        "yes", "youth boy", "say", "employ", "y", "compil", "compiler errors", "errr", "the", "and",
        "a.b.c-d", "x", "ops", "com", "naive resume", "lodz", "ore", "c", "aed", "oing", "o", "e",
    ]

    /// The snippet as the pipeline states it: every token of `Analyzer.tokens`, stemmed.
    static func reference(_ text: String, terms: Set<[UInt8]>, stems: Set<[UInt8]>, window: Int) -> Snippet {
        let analyzer = Analyzer()
        let toks = analyzer.tokens(text, keepStopWords: true)
        let words = toks.filter { $0.kind != .whole }
        var matches: [(start: Int, end: Int, key: [UInt8], index: Int)] = []
        for t in toks where !t.isStopWord {
            let hit = terms.contains(t.term) || (t.kind != .whole && stems.contains(t.stem))
            if hit {
                let index = words.firstIndex { $0.start >= t.start } ?? 0
                matches.append((t.start, t.end, t.stem, index))
            }
        }
        let bytes = Array(text.utf8)
        var from = 0, to = bytes.count
        if words.count > window {
            var best = (start: 0, distinct: -1, count: -1)
            for m in matches {
                let start = max(0, min(m.index - 3, words.count - window))
                let inside = matches.filter { $0.index >= start && $0.index < start + window }
                let distinct = Set(inside.map(\.key)).count
                if distinct > best.distinct || (distinct == best.distinct && inside.count > best.count) {
                    best = (start, distinct, inside.count)
                }
            }
            from = best.start == 0 ? 0 : words[best.start].start
            to = words[min(words.count - 1, best.start + window - 1)].end
        }
        let prefix = from > 0 ? "\u{2026}" : ""
        let suffix = to < bytes.count ? "\u{2026}" : ""
        let snippet = prefix + String(decoding: bytes[from..<to], as: UTF8.self) + suffix
        let shift = prefix.utf8.count - from
        var ranges = matches.filter { $0.start >= from && $0.end <= to }.map { ($0.start + shift, $0.end + shift) }
        ranges.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
        var merged: [(Int, Int)] = []
        for r in ranges {
            if let last = merged.last, r.0 <= last.1 { merged[merged.count - 1].1 = max(last.1, r.1) } else { merged.append(r) }
        }
        let utf8 = Array(snippet.utf8)
        func utf16(_ offset: Int) -> Int { String(decoding: utf8[..<offset], as: UTF8.self).utf16.count }
        return Snippet(text: snippet, highlights: merged.map { utf16($0.0)..<utf16($0.1) })
    }

    @Test(arguments: [28, 5, 1])
    func snippetsEqualReference(window: Int) throws {
        let docs = Self.texts.enumerated().map { i, text in
            SearchDocument(url: "/p\(i)/", pageURL: "/p\(i)/", pageTitle: "Page \(i)", heading: "", headingPath: [], text: text,
                           tags: [], book: "b", bookTitle: "Book", type: "page", boost: 1)
        }
        let index = try SearchIndex(files: IndexBuilder().build(docs))
        var maker = SnippetMaker()  // begun for each query, as an index's is
        for q in Self.queries {
            let st = try index.prepare(QueryParser.parse(q))
            maker.begin(highlightTerms: st.highlightTerms, highlightStems: st.highlightStems)
            for text in Self.texts {
                let got = maker.snippet(of: text, windowSize: window)
                let want = Self.reference(text, terms: st.highlightTerms, stems: st.highlightStems, window: window)
                #expect(got == want, "query \(q), window \(window), text \(text)")
            }
        }
    }

    /// The property the snippet's stem filter rests on, over every letters-only word of
    /// the stemmer vocabulary (tokens with other bytes are their own stem): a stem keeps
    /// the word's first byte, and from two bytes the word's `stemKey`.
    @Test func stemKeepsKey() throws {
        let url = try #require(Bundle.module.url(forResource: "stemmer-vocabulary", withExtension: "tsv", subdirectory: "Data"))
        let analyzer = Analyzer()
        var checked = 0
        var broken: [String] = []
        let words = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Array($0.prefix { $0 != "\t" }.utf8) }
        for word in words + ["dying", "vying", "yying", "cry", "aed", "oing", "skies", "early"].map({ Array($0.utf8) }) {
            guard !word.isEmpty, word.allSatisfy(Analyzer.isLetterByte) else { continue }
            let stem = analyzer.stem(word)
            checked += 1
            let key = { (w: [UInt8]) in w.withUnsafeBufferPointer(Analyzer.stemKey) }
            if stem.first != word.first || (stem.count >= 2 && key(stem) != key(word)) {
                if broken.count < 20 { broken.append(String(decoding: word, as: UTF8.self)) }
            }
        }
        #expect(checked >= 45_000)
        #expect(broken.isEmpty, "stems that break the rule: \(broken)")
    }
}

/// A doc store block whose texts are not all valid UTF-8 (`tome build` never writes one;
/// a foreign or hand-made index might) is read through `String(decoding:as:)`: a stray
/// continuation byte shows as U+FFFD, and the highlights after it still fall on the query
/// words (counted over the bytes, they would be one place early). The block is swapped into
/// the index's cache after loading: shipping it in a file would mean rebuilding its deflate
/// record and checksum.
struct InvalidUTF8TextTests {
    func highlighted(_ s: Snippet) -> [String] {
        let units = Array(s.text.utf16)
        return s.highlights.map { String(decoding: units[$0], as: UTF16.self) }
    }

    @Test func snippetDecodesTheText() throws {
        let index = try SearchIndex(files: Sample.files())
        let query = "support after hours"
        let before = try #require(try index.search(query).pages.first?.sections.first)
        let firstHighlight = try #require(before.snippet.highlights.first)
        let block = try #require(try index.block(holding: before.docID))
        let shown = try block.shown(before.docID - block.firstDoc)
        // a word the snippet shows before its first highlight, not a query word (so the same
        // window stays the best), found in the stored text
        let text = String(decoding: block.bytes[shown.text], as: UTF8.self)
        let lead = String(decoding: Array(before.snippet.text.utf16)[..<firstHighlight.lowerBound], as: UTF16.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: "… "))
        let window = try #require(text.range(of: lead))
        let word = try #require(lead.split(separator: " ").last {
            $0.count > 2 && $0.allSatisfy(\.isLetter) && !query.localizedCaseInsensitiveContains($0)
        })
        let inLead = try #require(lead.range(of: word, options: .backwards))
        let at = text.utf8.distance(from: text.startIndex, to: window.lowerBound) + lead.utf8.distance(from: lead.startIndex, to: inLead.lowerBound)
        var bytes = block.bytes
        bytes[shown.text.lowerBound + at] = 0x80
        let broken = DocChunk(bytes: bytes, name: block.name, firstDoc: block.firstDoc)
        broken.pageStart = block.pageStart
        broken.sectionStart = block.sectionStart
        broken.textsAreValidUTF8 = false
        let slot = try #require(index.blockCache.firstIndex { $0 === block })
        index.blockCache[slot] = broken
        let after = try #require(try index.search(query).pages.flatMap(\.sections).first { $0.docID == before.docID })
        #expect(after.snippet.text.contains("\u{FFFD}"))
        #expect(!before.snippet.text.contains("\u{FFFD}"))
        #expect(highlighted(after.snippet) == highlighted(before.snippet))
    }
}

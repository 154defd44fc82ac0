import Foundation
import Testing
@testable import TomeSearch

struct AnalyzerTests {
    let analyzer = Analyzer()

    func terms(_ s: String) -> [String] { analyzer.tokens(s).map(\.termString) }

    @Test(arguments: [
        ("Hello World", ["hello", "world"]),
        ("Crème Brûlée", ["creme", "brulee"]),
        ("STRASSE straße", ["strasse", "strasse"]),
        ("Ｆｕｌｌｗｉｄｔｈ", ["fullwidth"]),
        ("ﬁle", ["file"]),
        ("Łódź Øre", ["lodz", "ore"]),
        ("support@ops-com.com", ["support@ops-com.com", "support", "ops", "com", "com"]),
        ("version 2.4.1.", ["version", "2.4.1", "2", "4", "1"]),
        ("LPR-200 camera", ["lpr-200", "lpr", "200", "camera"]),
        ("the cat and the hat", ["cat", "hat"]),
        ("--flag -- x", ["flag", "x"]),
    ])
    func tokenizes(_ input: String, _ expected: [String]) {
        #expect(terms(input) == expected)
    }

    @Test func compoundPositions() {
        let t = analyzer.tokens("call LPR-200 now")
        #expect(t.map(\.position) == [0, 1, 1, 2, 3])
        #expect(t.map(\.kind) == [.word, .whole, .part, .part, .word])
        // source byte offsets
        #expect(t[1].start == 5 && t[1].end == 12)
    }

    /// Compounds past the scanner's stack buffers (256 bytes, 32 parts) grow onto the heap
    /// and keep every part, its position and its source range; a whole token past 64
    /// bytes is dropped, its parts are not.
    @Test(arguments: [40, 33, 32, 3])
    func longCompounds(parts: Int) {
        let words = (0..<parts).map { "Part\($0)x" + String(repeating: "é", count: $0 % 3) }
        let text = "lead " + words.joined(separator: "-") + " tail"
        let t = analyzer.tokens(text, keepStopWords: true)
        let whole = words.joined(separator: "-").lowercased().replacingOccurrences(of: "é", with: "e")
        let wholeKept = whole.utf8.count <= Analyzer.maxTokenBytes
        #expect(t.map(\.termString) == ["lead"] + (wholeKept ? [whole] : [])
            + words.map { $0.lowercased().replacingOccurrences(of: "é", with: "e") } + ["tail"])
        #expect(t.map(\.position) == [0] + (wholeKept ? [1] : []) + (1...parts).map { $0 } + [parts + 1])
        var at = 5
        for (i, w) in words.enumerated() {
            let part = t[1 + (wholeKept ? 1 : 0) + i]
            #expect(part.start == at && part.end == at + w.utf8.count && part.kind == .part)
            at += w.utf8.count + 1
        }
    }

    /// `TokenScanner.scan(_:plainWord:_:)` (what snippets use) gives the tokens `scan`
    /// gives: a plain word as one `.word` of its bytes lower-cased, every other token as is
    /// (position included), on texts built from letters, digits, connectors, separators,
    /// folded and non-word scalars and runs past 64 bytes.
    @Test func plainWordsAreTheScannersWords() {
        struct Tok: Equatable { var term: [UInt8], position: Int?, start: Int, end: Int, kind: Token.Kind }
        let pieces = ["a", "Word", "x9", "LPR", "200", ".", "-", "@", "_", " ", "  ", ",", "\n", "(", "é", "É", "ß", "ﬁ",
                      "e\u{301}", "😀", "—", "Ｆ", "Łódź", String(repeating: "k", count: 64), String(repeating: "Q", count: 65),
                      "the", "of", "Return"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var texts = SnippetTests.texts
        for _ in 0..<400 {
            var text = ""
            for _ in 0..<Int(seed % 24) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(seed >> 33) % pieces.count]
            }
            texts.append(text)
        }
        for text in texts {
            var utf8 = text
            utf8.withUTF8 { bytes in
                var want: [Tok] = [], got: [Tok] = []
                var scanner = TokenScanner()
                scanner.scan(bytes) { want.append(Tok(term: Array($0.term), position: $0.position, start: $0.start, end: $0.end, kind: $0.kind)) }
                scanner.scan(bytes, plainWord: { start, end in
                    got.append(Tok(term: bytes[start..<end].map { $0 | 0x20 }, position: nil, start: start, end: end, kind: .word))
                }) { got.append(Tok(term: Array($0.term), position: $0.position, start: $0.start, end: $0.end, kind: $0.kind)) }
                for (k, t) in got.enumerated() where t.position == nil && k < want.count { want[k].position = nil }
                #expect(got == want, "\(text)")
            }
        }
    }

    /// `Analyzer.nonWordBytes` flags exactly the bytes `isASCIIWordByte` rejects, each
    /// byte value at each of the eight places.
    @Test func nonWordBytesAreThoseOfIsASCIIWordByte() {
        for b in 0...255 {
            for at in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[at] = UInt8(b)
                let eight = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                let want: UInt64 = Analyzer.isASCIIWordByte(UInt8(b)) ? 0 : 0x80 << (8 * UInt64(at))
                #expect(Analyzer.nonWordBytes(eight) == want, "byte \(b) at \(at)")
            }
        }
    }

    @Test func stopWordsKeepPositions() {
        let t = analyzer.tokens("the after hours", keepStopWords: false)
        #expect(t.map(\.position) == [1, 2])
    }

    @Test(arguments: [("running", "run"), ("licences", "licenc"), ("2.4.1", "2.4.1"), ("hours", "hour")])
    func stems(_ word: String, _ stem: String) {
        #expect(String(decoding: analyzer.stem(Array(word.utf8)), as: UTF8.self) == stem)
    }

    @Test func identifierNamesStemmer() {
        #expect(Analyzer.identifier == "tome-en-1+porter2")
    }

    @Test func synonymsMatchByStem() {
        let table = SynonymTable([["lpr", "licence plate recognition"]])
        #expect(table.matches(in: analyzer.tokens("our licence plates recognition unit")).count == 1)
        #expect(table.matches(in: analyzer.tokens("plate recognition")).isEmpty)
        let m = table.matches(in: analyzer.tokens("the licence plate recognition camera"))
        #expect(m.count == 1 && m[0].count == 3 && m[0].group == 0)
    }
}

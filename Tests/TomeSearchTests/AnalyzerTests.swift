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

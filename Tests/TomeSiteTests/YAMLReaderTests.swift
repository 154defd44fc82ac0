import Foundation
import Testing
import TomeCore
@testable import TomeSite

/// `YAMLReader` reads the common one-line front matter forms itself; whatever it
/// reads must be what Yams reads: the same keys, values, lines and columns, the same
/// errors (the reader hands anything outside its forms to Yams).
@Suite struct YAMLReaderTests {
    static func read(_ yaml: String, simple: Bool) -> String {
        var reader = YAMLReader(firstLine: 2)
        reader.readsSimpleForms = simple
        do {
            let entries = try reader.readMapping(yaml)
            return entries.map { "\($0.key)=\($0.value.value) @\($0.value.line):\($0.value.column)" }.joined(separator: "\n")
        } catch {
            return "error \(error)"
        }
    }

    @Test(arguments: [
        "title: \"Refunds\"\ndescription: \"Learn more about: Refunds\"\nms.date: 11/04/2016\n",
        "f1_keywords: [\"PRJ0050\"]\nhelpviewer_keywords: [\"C language\", 'C++', \"x [C++]\"]\n",
        "x: []\ny: [ ]\nz: [\"a\" ,  \"b\" ]\n", "x: [\"a\",]\n", "x: [\"a\" \"b\"]\n", "x: [a, b]\n", "x: [\"a\"\n",
        "order: 3\ndraft: false\nrevision: 2\n", "draft: no\na: On\nb: Off\nc: yes\nd: y\ne: Y\nf: n\ng: True\nh: TRUE\ni: tRuE\n",
        "x: null\ny: Null\nz: NULL\nw: ~\n", "x: nan\ny: inf\nz: infinity\nw: NaN\n", "x: 1e3\ny: 0x1F\nz: 0o17\nw: 1_000\nv: 1.5\nu: 1.\nt: .5\n",
        "x: 99999999999999999999\ny: 0b101\nz: 017\nw: 1__0\n", "x: 12:30\ny: 3777777777777777777:7\nz: 2024-05-24\nw: 2024-05-24T14:45:00Z\n",
        "title: /Zc:u8 (x)\n", "title: a: b\n", "title: a #b\n", "title: a#b\n", "title: a:b\n", "author:      Rastaban   \n",
        "#customer intent: a b\ntitle: x\n\n\nms.topic: y\n", "title: x\ntitle: y\n", "title: \"x\"\nTitle: 'y'\n",
        "x: \"é ünïcödé\"\ny: café au lait\nz: 日本語\n", "x: \"a\"  # c\n", "x: 'a'b\n", "x: \"a\"b\n", "x: 'It''s'\n", "x: \"a \\\"q\\\"\"\n",
        "x: \"a\u{85}b\"\n", "x: \"a\u{2028}b\"\n", "x: \"a\u{FEFF}b\"\n", "x: a\u{7F}b\n", "x: \"tab\there\"\n",
        "key-with-dash: v\nKey_1.x: w\n", "a :b\n", "a:\n", "a: \n", "a:  \n  - x\n", "a: x\n  more\n", "a: x\n\n  more\n",
        "tags:\n  - a\n  - b\n", "search: {boost: 2}\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "? a\n: b\n", "- a\n", "just text\n",
        "", "\n\n", "   \n", "a: |\n  x\n", "a: >\n  x\n", "a: 'x'\n'b': y\n", "a: \"\"\nb: ''\n", "a: x,y\nb: [x]y\n", "a: x\t\n",
        "x: 1/2\ny: 0x1/2\nz: inf/2\nw: nan/\nv: y/n\nu: null/\nt: 1/2:3\ns: 11/04/2016 \n",
        "%YAML 1.1\n---\na: x\n", "a: x\n...\n", "a: x\n---\nb: y\n",
    ])
    func simpleFormsReadAsYamsDoes(_ yaml: String) {
        #expect(YAMLReaderTests.read(yaml, simple: true) == YAMLReaderTests.read(yaml, simple: false))
    }

    /// Every front matter of a real corpus (opt-in: `TOME_YAML_CORPUS=path/to/docs`).
    @Test func corpusFrontMatterReadsAsYamsDoes() throws {
        guard let root = ProcessInfo.processInfo.environment["TOME_YAML_CORPUS"] else { return }
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") } ?? []
        var checked = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: root + "/" + file),
                  case .success(let text) = SourceText.decode(Array(data)),
                  case .success(let split) = FrontMatterSplit.split(text), let yaml = split.yaml else { continue }
            #expect(YAMLReaderTests.read(yaml, simple: true) == YAMLReaderTests.read(yaml, simple: false), "\(file)")
            checked += 1
        }
        #expect(checked > 0)
    }
}

import Testing
@testable import TomeSearch

struct QueryParserTests {
    typealias F = ParsedQuery.Filter

    @Test(arguments: [
        ("after hours", [ParsedQuery.Item.word("after"), .word("hours")], [ParsedQuery.Item](), [F](), false),
        ("\"after hours\" support ", [.phrase("after hours"), .word("support")], [], [], true),
        ("billing -refund", [.word("billing")], [.word("refund")], [], false),
        ("-\"credit card\" pay", [.word("pay")], [.phrase("credit card")], [], false),
        ("book:billing tag:\"permits\" type:faq x", [.word("x")], [], [F(facet: "book", value: "billing"), F(facet: "tag", value: "permits"), F(facet: "type", value: "faq")], false),
        ("Book:Support", [], [], [F(facet: "book", value: "Support")], false),
        ("foo:bar", [.word("foo:bar")], [], [], false),
        ("a - b", [.word("a"), .word("-"), .word("b")], [], [], false),
        ("\"unterminated phrase", [.phrase("unterminated phrase")], [], [], false),
    ])
    func parses(_ q: String, _ items: [ParsedQuery.Item], _ excluded: [ParsedQuery.Item], _ filters: [F], _ space: Bool) {
        let p = QueryParser.parse(q)
        #expect(p.items == items)
        #expect(p.excluded == excluded)
        #expect(p.filters == filters)
        #expect(p.endsWithSpace == space)
    }

    @Test func longQueriesAreCut() {
        let p = QueryParser.parse(String(repeating: "word ", count: 1000))
        #expect(p.items.count == 205)  // 204 × "word " + "word" = 1024 bytes
    }
}

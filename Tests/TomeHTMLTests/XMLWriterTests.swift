import Testing
import TomeHTML

@Suite struct SitemapWriterTests {
    @Test func goldenOutput() {
        let bytes = SitemapWriter.write([
            SitemapEntry(loc: "https://example.com/", lastModified: "2024-05-01"),
            SitemapEntry(loc: "https://example.com/faq/support/"),
        ])
        #expect(String(decoding: bytes, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url>
                <loc>https://example.com/</loc>
                <lastmod>2024-05-01</lastmod>
              </url>
              <url>
                <loc>https://example.com/faq/support/</loc>
              </url>
            </urlset>

            """)
        #expect(XMLWellFormedness.check(bytes) == nil)
    }

    @Test func escapesAndDropsControlCharacters() {
        let bytes = SitemapWriter.write([SitemapEntry(loc: "https://example.com/a?x=1&y=<2>\"'\u{1}\u{1B}z")])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("<loc>https://example.com/a?x=1&amp;y=&lt;2&gt;&quot;'z</loc>"))
        #expect(XMLWellFormedness.check(bytes) == nil)
    }

    @Test func emptyAndDeterministic() {
        let bytes = SitemapWriter.write([])
        #expect(String(decoding: bytes, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>

            """)
        let entries = (0..<50).map { SitemapEntry(loc: "https://example.com/\($0)/") }
        #expect(SitemapWriter.write(entries) == SitemapWriter.write(entries))
    }
}

@Suite struct AtomFeedWriterTests {
    static let feed = AtomFeed(
        id: "https://example.com/releases/",
        title: "Releases & \"notes\" <x>",
        subtitle: "What's new",
        updated: "2024-05-01T00:00:00Z",
        selfLink: "https://example.com/releases/feed.xml",
        alternateLink: "https://example.com/releases/",
        authors: [AtomPerson(name: "Support Team", email: "support@example.com")],
        generator: "Tome",
        entries: [
            AtomEntry(
                id: "https://example.com/releases/2-0/",
                title: "2.0 <beta> & 'more'",
                updated: "2024-05-01T00:00:00Z",
                published: "2024-04-30T00:00:00Z",
                link: "https://example.com/releases/2-0/?a=1&b=2",
                categories: ["release", "a\"b"],
                summary: "Fixes\u{7} & things",
                contentHTML: "<p>New &amp; <b>bold</b></p>"
            ),
            AtomEntry(id: "tag:example.com,2024:1.9", title: "1.9", updated: "2024-01-01T00:00:00Z",
                      authors: [AtomPerson(name: "Ana", uri: "https://example.com/ana")]),
        ]
    )

    @Test func goldenOutput() {
        let bytes = AtomFeedWriter.write(Self.feed)
        #expect(String(decoding: bytes, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>https://example.com/releases/</id>
              <title>Releases &amp; &quot;notes&quot; &lt;x&gt;</title>
              <subtitle>What's new</subtitle>
              <updated>2024-05-01T00:00:00Z</updated>
              <link rel="self" type="application/atom+xml" href="https://example.com/releases/feed.xml"/>
              <link rel="alternate" type="text/html" href="https://example.com/releases/"/>
              <author>
                <name>Support Team</name>
                <email>support@example.com</email>
              </author>
              <generator>Tome</generator>
              <entry>
                <id>https://example.com/releases/2-0/</id>
                <title>2.0 &lt;beta&gt; &amp; 'more'</title>
                <updated>2024-05-01T00:00:00Z</updated>
                <published>2024-04-30T00:00:00Z</published>
                <link rel="alternate" type="text/html" href="https://example.com/releases/2-0/?a=1&amp;b=2"/>
                <category term="release"/>
                <category term="a&quot;b"/>
                <summary>Fixes &amp; things</summary>
                <content type="html">&lt;p&gt;New &amp;amp; &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;</content>
              </entry>
              <entry>
                <id>tag:example.com,2024:1.9</id>
                <title>1.9</title>
                <updated>2024-01-01T00:00:00Z</updated>
                <author>
                  <name>Ana</name>
                  <uri>https://example.com/ana</uri>
                </author>
              </entry>
            </feed>

            """)
    }

    @Test func parsesBackAndIsDeterministic() {
        let bytes = AtomFeedWriter.write(Self.feed)
        #expect(XMLWellFormedness.check(bytes) == nil)
        #expect(AtomFeedWriter.write(Self.feed) == bytes)
    }

    @Test func hostileTextStaysWellFormed() {
        let nasty = "</title><script>alert(1)</script>]]><!-- \u{0}\u{8}\u{B}\u{C}\u{FFFE} &lt; & \" '"
        var feed = AtomFeed(id: nasty, title: nasty, updated: nasty, selfLink: nasty, authors: [AtomPerson(name: nasty)])
        feed.entries = [AtomEntry(id: nasty, title: nasty, updated: nasty, link: nasty, categories: [nasty], summary: nasty, contentHTML: nasty)]
        let bytes = AtomFeedWriter.write(feed)
        #expect(XMLWellFormedness.check(bytes) == nil)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("<script>"))
        #expect(!text.contains("\u{8}"))
    }
}

@Suite struct XMLWellFormednessTests {
    @Test func reportsErrorsWithLine() {
        let error = XMLWellFormedness.check(Array("<?xml version=\"1.0\"?>\n<a>\n<b></a>".utf8))
        #expect(error != nil)
        #expect(error?.line == 3)
        #expect(XMLWellFormedness.check(Array("<a>&bogus;</a>".utf8)) != nil)
        #expect(XMLWellFormedness.check([]) != nil)
        #expect(XMLWellFormedness.check(Array("<a x=\"1\">ok</a>".utf8)) == nil)
    }
}

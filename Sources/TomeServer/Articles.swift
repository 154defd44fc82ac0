import Foundation
import Hummingbird

/// A page as Markdown, read from its twin (`index.md` next to `index.html`, written by
/// `tome build`), with what the search index knows about it (book, tags, sections).
package struct Article: Sendable {
    var url: String
    var title: String
    var book: String
    var bookTitle: String
    var type: String
    var tags: [String]
    var revision: String
    var sections: [PageRecord.Section]
    /// The page's Markdown (the twin without its front matter).
    var markdown: String
    /// The whole twin file as published.
    package var twin: String
}

package enum ArticleLookup {
    /// A site URL from what a person or an agent may pass: an absolute URL, a site path
    /// with or without slashes, `index.html`/`index.md`, a content file (`billing/refunds.md`).
    /// Fragments and queries are dropped.
    static func sitePath(_ input: String) -> String {
        var s = Substring(input.trimmingCharacters(in: .whitespacesAndNewlines))
        if let scheme = s.range(of: "://") {
            let rest = s[scheme.upperBound...]
            s = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let cut = s.firstIndex(where: { $0 == "#" || $0 == "?" }) { s = s[..<cut] }
        var path = String(s)
        if !path.hasPrefix("/") { path = "/" + path }
        for suffix in ["/index.html", "/index.md", "/_index.md", "/llms.txt"] where path.hasSuffix(suffix) {
            path = String(path.dropLast(suffix.count - 1))
        }
        if path == "/index.html" || path == "/index.md" || path == "/_index.md" { path = "/" }
        if path.hasSuffix(".md") || path.hasSuffix(".html") {
            path = String(path[..<path.lastIndex(of: ".")!]) + "/"
        }
        if !path.hasSuffix("/") { path += "/" }
        return path
    }

    package static func find(_ input: String, in site: PublishedSite) throws(APIError) -> Article {
        let path = sitePath(input)
        let parsed: (segments: [String], trailingSlash: Bool)
        do { parsed = try SitePath.segments(path) } catch { throw APIError(.badRequest, "'\(input)' is not a page path") }
        guard let root = site.realRoot() else { throw APIError(.serviceUnavailable, "the site folder \(site.root) does not exist; run `tome build`") }
        let file = root + parsed.segments.map { "/" + $0 }.joined() + "/index.md"
        guard case .file(let real, let info) = StaticFiles.contained(file, in: root),
              let file = site.files.representation(of: real, info: info) else {
            throw APIError(.notFound, "no page at '\(path)'")
        }
        let twin = String(buffer: file.body)
        let (meta, body) = frontMatter(twin)
        let url = "/" + parsed.segments.map { $0 + "/" }.joined()
        let record = (try? site.searchPool())?.pages[url]
        return Article(url: url,
                       title: meta["title"] ?? record?.title ?? "",
                       book: meta["book"] ?? record?.book ?? "",
                       bookTitle: meta["bookTitle"] ?? record?.bookTitle ?? "",
                       type: meta["type"] ?? record?.type ?? "",
                       tags: record?.tags ?? [],
                       revision: meta["revision"] ?? "",
                       sections: record?.sections ?? [],
                       markdown: body, twin: twin)
    }

    /// `---` / `key: "json string"` lines / `---`, as the build writes it.
    static func frontMatter(_ text: String) -> (meta: [String: String], body: String) {
        guard text.hasPrefix("---\n") else { return ([:], text) }
        var meta: [String: String] = [:]
        var rest = text.dropFirst(4)
        while let end = rest.firstIndex(of: "\n") {
            let line = rest[..<end]
            rest = rest[rest.index(after: end)...]
            if line == "---" {
                while rest.first == "\n" { rest = rest.dropFirst() }
                return (meta, String(rest))
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let raw = line[line.index(after: colon)...].drop(while: { $0 == " " })
            if let value = try? JSONDecoder().decode(String.self, from: Data(raw.utf8)) {
                meta[key] = value
            } else {
                meta[key] = String(raw)
            }
        }
        return ([:], text)
    }

    static func encode(_ a: Article) -> [UInt8] {
        var w = JSONWriter(capacity: a.twin.utf8.count + 1024)
        w.object { o in
            o.key("url"); o.string(a.url)
            o.key("title"); o.string(a.title)
            o.key("book"); o.string(a.book)
            o.key("bookTitle"); o.string(a.bookTitle)
            o.key("type"); o.string(a.type)
            o.key("tags"); o.strings(a.tags)
            o.key("revision"); o.string(a.revision)
            o.key("sections")
            o.array { arr in
                for s in a.sections {
                    arr.object { $0.key("url"); $0.string(s.url); $0.key("heading"); $0.string(s.heading); $0.key("headingPath"); $0.strings(s.headingPath) }
                }
            }
            o.key("markdown"); o.string(a.markdown)
        }
        return w.bytes
    }
}

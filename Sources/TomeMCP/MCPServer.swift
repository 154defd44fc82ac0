import Foundation
import MCP
import TomeSearch
import TomeServer

/// The Model Context Protocol side of Tome: three read-only tools over a built site.
///
/// - `search_knowledge_base(query, limit?, book?, tag?)`: ranked sections with deep links and snippets
/// - `read_article(url | path)`: the page as Markdown with its title, URL and revision line
/// - `list_books`: the books with their pages
public struct KnowledgeBaseTools: Sendable {
    let site: PublishedSite

    public init(site: PublishedSite) { self.site = site }

    public static let tools: [Tool] = [
        Tool(
            name: "search_knowledge_base",
            title: "Search the knowledge base",
            description: "Full-text search of the knowledge base (typo tolerant, stemmed). Returns the best sections grouped by page, "
                + "each with a deep link (URL with #anchor) and a snippet. Query syntax: words, \"quoted phrases\", -excluded words.",
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object([
                    "query": .object(["type": .string("string"), "description": .string("What to look for, e.g. \"refund after hours\"")]),
                    "limit": .object(["type": .string("integer"), "minimum": .int(1), "maximum": .int(50), "default": .int(5),
                                      "description": .string("Maximum number of pages")]),
                    "book": .object(["type": .string("string"), "description": .string("Only this book (folder name, see list_books)")]),
                    "tag": .object(["type": .string("string"), "description": .string("Only pages with this tag")]),
                ]),
                "required": .array([.string("query")]),
            ]),
            annotations: .init(readOnlyHint: true)
        ),
        Tool(
            name: "read_article",
            title: "Read an article",
            description: "The whole page as Markdown, with its title, URL and revision line. Pass a URL or path from search results "
                + "(e.g. /support/faq/#after-hours or support/faq).",
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object([
                    "url": .object(["type": .string("string"), "description": .string("The page URL or site path")]),
                    "path": .object(["type": .string("string"), "description": .string("Same as url: a site path such as support/faq")]),
                ]),
            ]),
            annotations: .init(readOnlyHint: true)
        ),
        Tool(
            name: "list_books",
            title: "List books",
            description: "The knowledge base's books (top-level sections) with their URLs and number of pages.",
            inputSchema: .object(["type": .string("object"), "properties": .object([:])]),
            annotations: .init(readOnlyHint: true)
        ),
    ]

    /// Runs a tool. Unknown tools throw (a JSON-RPC error); bad arguments and missing
    /// pages are tool errors (`isError`), which the model can read and correct.
    public func call(_ name: String, arguments: [String: Value]?) throws -> CallTool.Result {
        let args = arguments ?? [:]
        switch name {
        case "search_knowledge_base": return search(args)
        case "read_article": return read(args)
        case "list_books": return listBooks()
        default: throw MCPError.invalidParams("unknown tool '\(name)'; the tools are search_knowledge_base, read_article, list_books")
        }
    }

    private func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    private func search(_ args: [String: Value]) -> CallTool.Result {
        guard let query = args["query"]?.stringValue, !query.allSatisfy(\.isWhitespace) else {
            return failure("'query' is required: the words to search for")
        }
        var limit = 5
        if let value = args["limit"] {
            guard let n = value.intValue ?? value.doubleValue.flatMap({ $0 == $0.rounded() ? Int(exactly: $0) : nil }), (1...50).contains(n) else {
                return failure("'limit' must be an integer from 1 to 50")
            }
            limit = n
        }
        var raw = "q=" + Self.formEncode(query) + "&limit=\(limit)"
        for key in ["book", "tag"] {
            if let v = args[key], !(v.isNull) {
                guard let s = v.stringValue else { return failure("'\(key)' must be a string") }
                raw += "&\(key)=" + Self.formEncode(s)
            }
        }
        let request: SearchAPI.Request
        do throws(APIError) {
            request = try SearchAPI.parse(raw)
        } catch {
            return failure(error.message)
        }
        let results: SearchResults
        do {
            results = try site.searchPool().search(request.query, options: SearchOptions(limit: request.limit, sectionsPerPage: 3))
        } catch {
            return failure("\(error)")
        }
        var text = ""
        if results.pages.isEmpty {
            text = "No results for \"\(query)\"."
        } else {
            for c in results.corrections { text += "(searched for '\(c.suggestion)' instead of '\(c.typed)')\n" }
            for (i, page) in results.pages.enumerated() {
                text += "\(i + 1). \(page.pageTitle) — \(page.pageURL)\n"
                for h in page.sections {
                    let heading = h.heading.isEmpty ? page.pageTitle : h.headingPath.joined(separator: " › ")
                    text += "   - \(heading): \(h.url)\n"
                    if !h.snippet.text.isEmpty { text += "     \(h.snippet.text.replacingOccurrences(of: "\n", with: " "))\n" }
                }
            }
            text += "\n\(results.totalPages) matching page\(results.totalPages == 1 ? "" : "s"). Use read_article with a URL for the full text."
        }
        let structured = try? JSONDecoder().decode(Value.self, from: Data(SearchAPI.encode(results)))
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured, isError: false)
    }

    private func read(_ args: [String: Value]) -> CallTool.Result {
        guard let target = args["url"]?.stringValue ?? args["path"]?.stringValue, !target.isEmpty else {
            return failure("pass 'url' (or 'path'): a page URL or site path from search results")
        }
        do throws(APIError) {
            let article = try ArticleLookup.find(target, in: site)
            var text = article.twin
            if !text.hasSuffix("\n") { text += "\n" }
            return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: false)
        } catch {
            return failure(error.message)
        }
    }

    private func listBooks() -> CallTool.Result {
        let pool: SearchPool
        do { pool = try site.searchPool() } catch { return failure("\(error)") }
        var books: [(book: String, title: String, url: String, pages: Int)] = []
        var index: [String: Int] = [:]
        for url in pool.pageOrder {
            guard let page = pool.pages[url], !page.book.isEmpty else { continue }
            if let i = index[page.book] {
                books[i].pages += 1
            } else {
                index[page.book] = books.count
                books.append((page.book, page.bookTitle.isEmpty ? page.book : page.bookTitle, "/\(page.book)/", 1))
            }
        }
        if books.isEmpty { return CallTool.Result(content: [.text(text: "The knowledge base has no books.", annotations: nil, _meta: nil)], isError: false) }
        let text = books.map { "- \($0.title) (book:\($0.book)) — \($0.url) — \($0.pages) page\($0.pages == 1 ? "" : "s")" }.joined(separator: "\n") + "\n"
        let structured = Value.object(["books": .array(books.map {
            .object(["book": .string($0.book), "title": .string($0.title), "url": .string($0.url), "pages": .int($0.pages)])
        })])
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured as Value?, isError: false)
    }

    /// A query-string value with everything but unreserved characters percent-encoded.
    static func formEncode(_ s: String) -> String { StaticFiles.encodeSegment(s) }
}

/// An MCP server with the knowledge-base tools registered, ready for `start(transport:)`.
public func makeMCPServer(site: PublishedSite, name: String = "tome", version: String = "0.1.0") async -> Server {
    let server = Server(
        name: name, version: version, title: "Tome knowledge base",
        instructions: "Search this knowledge base with search_knowledge_base, then read_article for the full page. "
            + "Quote answers with their deep links.",
        capabilities: .init(tools: .init(listChanged: false))
    )
    let tools = KnowledgeBaseTools(site: site)
    await server.withMethodHandler(ListTools.self) { _ in .init(tools: KnowledgeBaseTools.tools) }
    await server.withMethodHandler(CallTool.self) { params in try tools.call(params.name, arguments: params.arguments) }
    return server
}

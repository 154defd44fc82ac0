import Hummingbird
import TomeSearch

/// `GET /api/search?q=&limit=&sections=&book=&tag=&type=`: the same ranking as `tome search`.
package struct SearchAPI: Sendable {
    let site: PublishedSite

    static let maxLimit = 100
    static let maxSectionsPerPage = 20

    package struct Request: Equatable {
        package var query: String
        package var limit = 10
        var sectionsPerPage = 3

        /// What the answer depends on, and nothing else (the cache key).
        var key: String { "\(limit) \(sectionsPerPage) \(query)" }
    }

    /// Validates the parameters and folds the filters into the query (`book:"x"`).
    /// Normalized: parameter order does not matter, filters are sorted, and runs of white
    /// space in `q` become one space (the query parser reads them alike).
    package static func parse(_ rawQuery: String?) throws(APIError) -> Request {
        guard let params = QueryString.parse(rawQuery) else { throw APIError(.badRequest, "the query string is not valid percent-encoded UTF-8") }
        var q: String?
        var request = Request(query: "")
        var filters: [String] = []
        for (key, value) in params {
            switch key {
            case "q":
                guard q == nil else { throw APIError(.badRequest, "'q' given more than once") }
                q = value
            case "limit":
                guard let n = Int(value), (1...maxLimit).contains(n) else { throw APIError(.badRequest, "'limit' must be an integer from 1 to \(maxLimit)") }
                request.limit = n
            case "sections":
                guard let n = Int(value), (1...maxSectionsPerPage).contains(n) else {
                    throw APIError(.badRequest, "'sections' must be an integer from 1 to \(maxSectionsPerPage)")
                }
                request.sectionsPerPage = n
            case "book", "tag", "type":
                guard !value.isEmpty, value.utf8.count <= 200, !value.contains("\""),
                      !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                    throw APIError(.badRequest, "'\(key)' must be a non-empty value of at most 200 bytes without quotes")
                }
                filters.append("\(key):\"\(value)\"")
            default:
                throw APIError(.badRequest, "unknown parameter '\(key)'; use q, limit, sections, book, tag, type")
            }
        }
        guard let query = q, !query.unicodeScalars.allSatisfy(\.properties.isWhitespace) else { throw APIError(.badRequest, "'q' is required and must not be empty") }
        guard query.utf8.count <= QueryParser.maxQueryBytes else {
            throw APIError(.badRequest, "'q' is longer than \(QueryParser.maxQueryBytes) bytes")
        }
        let words = collapsingSpaces(query)
        request.query = filters.isEmpty ? words : words + " " + filters.sorted().joined(separator: " ")
        return request
    }

    /// Trims `q` and makes every run of white space outside double quotes one space
    /// (inside quotes it is kept: `book:"a  b"` names a value exactly).
    static func collapsingSpaces(_ query: String) -> String {
        let scalars = query.unicodeScalars
        var out = String.UnicodeScalarView()
        var quoted = false
        var pendingSpace = false
        var changed = false
        for u in scalars {
            if u.properties.isWhitespace && !quoted {
                if u != " " || pendingSpace || out.isEmpty { changed = true }
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            if u == "\"" { quoted.toggle() }
            out.append(u)
        }
        if pendingSpace { changed = true }
        return changed ? String(out) : query
    }

    /// The answer from the cache when the same request was answered before (with this
    /// index), else searched, encoded and cached; gzip when the client accepts it.
    func respond(to request: Hummingbird.Request) -> Response {
        do throws(APIError) {
            let parsed = try Self.parse(request.uri.query)
            let pool: SearchPool
            do { pool = try site.searchPool() } catch { throw APIError(.serviceUnavailable, "\(error)") }
            let key = pool.responses.isEnabled ? parsed.key : ""
            var answer: ResponseCache.Answer
            var changed = false
            if pool.responses.isEnabled, let hit = pool.responses.answer(for: key) {
                answer = hit
            } else {
                let results: SearchResults
                do {
                    results = try pool.search(parsed.query, options: SearchOptions(limit: parsed.limit, sectionsPerPage: parsed.sectionsPerPage))
                } catch {
                    throw APIError(.serviceUnavailable, "\(error)")
                }
                answer = ResponseCache.Answer(json: Self.writer(results).withBytes { ByteBuffer(bytes: $0) }, gzip: nil)
                changed = true
            }
            let negotiable = answer.json.readableBytes >= HTTPCompression.minimumBytes
            let wantsGzip = negotiable && HTTPCompression.acceptsGzip(request.headers[.acceptEncoding])
            if wantsGzip, answer.gzip == nil {
                answer.gzip = .some(answer.json.withUnsafeReadableBytes { HTTPCompression.gzip($0) }.map { ByteBuffer(bytes: $0) })
                changed = true
            }
            if changed { pool.responses.store(answer, for: key) }
            return Response.json(answer.json, gzip: wantsGzip ? answer.gzip ?? nil : nil, negotiable: negotiable)
        } catch {
            return error.response
        }
    }

    package static func encode(_ r: SearchResults) -> [UInt8] { writer(r).bytes }

    /// The answer's JSON (room for a 10-page answer of about 10 KB from the start).
    static func writer(_ r: SearchResults) -> JSONWriter {
        var w = JSONWriter(capacity: 16384)
        w.object { o in
            o.key("query"); o.string(r.query)
            o.key("totalPages"); o.number(r.totalPages)
            o.key("totalSections"); o.number(r.totalSections)
            o.key("corrections")
            o.array { a in
                for c in r.corrections { a.object { $0.key("typed"); $0.string(c.typed); $0.key("suggestion"); $0.string(c.suggestion) } }
            }
            o.key("results")
            o.array { a in
                for page in r.pages {
                    a.object { p in
                        let first = page.sections.first
                        p.key("url"); p.string(page.pageURL)
                        p.key("title"); p.string(page.pageTitle)
                        p.key("book"); p.string(first?.book ?? "")
                        p.key("type"); p.string(first?.type ?? "")
                        p.key("sections")
                        p.array { sa in
                            for h in page.sections {
                                sa.object { s in
                                    s.key("url"); s.string(h.url)
                                    s.key("heading"); s.string(h.heading)
                                    s.key("headingPath"); s.strings(h.headingPath)
                                    s.key("score"); s.number(h.score)
                                    s.key("snippet")
                                    s.object { sn in
                                        sn.key("text"); sn.string(h.snippet.text)
                                        sn.key("highlights")
                                        sn.array { ha in
                                            for range in h.snippet.highlights {
                                                ha.array { $0.number(range.lowerBound); $0.number(range.upperBound) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return w
    }
}

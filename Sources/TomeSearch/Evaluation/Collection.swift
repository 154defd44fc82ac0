import Foundation

/// A test collection in the format of shared/data/cranfield: docs.jsonl, queries.jsonl,
/// qrels.tsv (query_id, doc_id, relevance; gain = 5 - rel for rel 1...4, relevant = rel > 0).
public struct TestCollection: Sendable {
    public struct Doc: Sendable { public var id: String; public var title: String; public var text: String }
    public struct Query: Sendable { public var id: String; public var text: String }
    public var docs: [Doc]
    public var queries: [Query]
    /// query id -> doc id -> relevance code
    public var qrels: [String: [String: Int]]

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case malformed(file: String, line: Int, detail: String)
        public var description: String {
            switch self {
            case .unreadable(let f): return "\(f): cannot read file"
            case .malformed(let f, let l, let d): return "\(f):\(l): \(d)"
            }
        }
    }

    public init(docs: [Doc], queries: [Query], qrels: [String: [String: Int]]) {
        self.docs = docs; self.queries = queries; self.qrels = qrels
    }

    public static func load(directory: String) throws -> TestCollection {
        func lines(_ name: String) throws -> [Substring] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.unreadable(path) }
            return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
        var docs: [Doc] = []
        for (i, l) in try lines("docs.jsonl").enumerated() where !l.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let j = try? JSONValue.parse(Array(l.utf8)), let id = j["id"]?.string else {
                throw LoadError.malformed(file: "docs.jsonl", line: i + 1, detail: "expected {\"id\", \"title\", \"text\"}")
            }
            docs.append(Doc(id: id, title: j["title"]?.string ?? "", text: j["text"]?.string ?? ""))
        }
        var queries: [Query] = []
        for (i, l) in try lines("queries.jsonl").enumerated() where !l.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let j = try? JSONValue.parse(Array(l.utf8)), let id = j["id"]?.string, let text = j["text"]?.string else {
                throw LoadError.malformed(file: "queries.jsonl", line: i + 1, detail: "expected {\"id\", \"text\"}")
            }
            queries.append(Query(id: id, text: text))
        }
        var qrels: [String: [String: Int]] = [:]
        for (i, l) in try lines("qrels.tsv").enumerated() where i > 0 && !l.isEmpty {
            let f = l.split(separator: "\t")
            guard f.count >= 3, let rel = Int(f[2].trimmingCharacters(in: .whitespaces)) else {
                throw LoadError.malformed(file: "qrels.tsv", line: i + 1, detail: "expected query_id<TAB>doc_id<TAB>relevance")
            }
            qrels[String(f[0]), default: [:]][String(f[1])] = rel
        }
        return TestCollection(docs: docs, queries: queries, qrels: qrels)
    }
}

/// Runs a collection through the engine.
public enum Evaluator {
    public enum Mode: String, Sendable, CaseIterable { case bm25, `default` }

    public struct QueryResult: Sendable {
        public var id: String
        public var ndcg10: Double, mrr10: Double, recall100: Double, ap: Double
    }

    public static func index(_ c: TestCollection, mode: Mode, ranking: RankingParameters? = nil) throws -> SearchIndex {
        var builder: IndexBuilder
        let docs: [SearchDocument]
        switch mode {
        case .bm25:
            builder = IndexBuilder(ranking: .plainBM25)
            docs = c.docs.map { SearchDocument(url: "/\($0.id)/", pageURL: "/\($0.id)/", pageTitle: "", text: $0.title + " " + $0.text) }
        case .default:
            builder = IndexBuilder()
            docs = c.docs.map { SearchDocument(url: "/\($0.id)/", pageURL: "/\($0.id)/", pageTitle: $0.title, text: $0.text) }
        }
        if let ranking { builder.ranking = ranking }
        builder.maxStoredTextBytes = 0
        return try SearchIndex(files: builder.build(docs))
    }

    /// Per-query metrics; query text is searched as typed words (it ends with a space,
    /// so no prefix completion of the last word).
    public static func run(_ c: TestCollection, index: SearchIndex, mode: Mode) throws -> [QueryResult] {
        var out: [QueryResult] = []
        for q in c.queries {
            let text = sanitize(q.text) + " "
            let ranked = try index.rankDocuments(text, limit: 100).map { c.docs[$0.docID].id }
            let judged = c.qrels[q.id] ?? [:]
            var gains: [String: Double] = [:]
            var relevant = Set<String>()
            for (d, rel) in judged where rel > 0 {
                relevant.insert(d)
                gains[d] = rel >= 1 && rel <= 4 ? Double(5 - rel) : 0
            }
            out.append(QueryResult(id: q.id,
                                   ndcg10: Metrics.ndcg(ranked: ranked, gains: gains, k: 10),
                                   mrr10: Metrics.reciprocalRank(ranked: ranked, relevant: relevant, k: 10),
                                   recall100: Metrics.recall(ranked: ranked, relevant: relevant, k: 100),
                                   ap: Metrics.averagePrecision(ranked: ranked, relevant: relevant)))
        }
        return out
    }

    /// Natural-language questions are not query syntax: drop quotes, facet colons and
    /// leading minus signs so every word is a plain word.
    static func sanitize(_ s: String) -> String {
        String(s.unicodeScalars.map { $0 == "\"" || $0 == ":" ? " " : Character($0) }).split(separator: " ")
            .map { $0.hasPrefix("-") ? String($0.drop { $0 == "-" }) : String($0) }.joined(separator: " ")
    }

    public static func summarize(_ r: [QueryResult]) -> EvaluationSummary {
        let n = Double(max(1, r.count))
        return EvaluationSummary(queries: r.count, ndcg10: r.map(\.ndcg10).reduce(0, +) / n, mrr10: r.map(\.mrr10).reduce(0, +) / n,
                                 recall100: r.map(\.recall100).reduce(0, +) / n, map: r.map(\.ap).reduce(0, +) / n)
    }
}

import ArgumentParser
import Foundation
import TomeSearch

/// `tome eval DIR [--mode bm25|default] [--json]`: ranking quality on a test collection.
public struct EvalCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure search quality on a test collection (docs.jsonl, queries.jsonl, qrels.tsv).")

    @Argument(help: "Folder with docs.jsonl, queries.jsonl and qrels.tsv.")
    var directory: String

    @Option(help: "bm25 (plain BM25 over title+text) or default (the shipped ranking).")
    var mode: String = "default"

    @Option(help: "Which queries: all, dev (odd ids) or test (even ids).")
    var queries: String = "all"

    @Flag(help: "Print JSON.")
    var json = false

    public init() {}

    public func run() async throws {
        guard let m = Evaluator.Mode(rawValue: mode) else {
            throw ValidationError("--mode must be bm25 or default")
        }
        guard ["all", "dev", "test"].contains(queries) else { throw ValidationError("--queries must be all, dev or test") }
        var collection: TestCollection
        do { collection = try TestCollection.load(directory: directory) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if queries != "all" {
            let odd = queries == "dev"
            collection.queries = collection.queries.filter { (Int($0.id) ?? 0) % 2 == (odd ? 1 : 0) }
        }
        let start = Date()
        let index = try Evaluator.index(collection, mode: m)
        let results = try Evaluator.run(collection, index: index, mode: m)
        let s = Evaluator.summarize(results)
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        func f(_ d: Double) -> String { String(format: "%.4f", d) }
        if json {
            print("{\"mode\":\"\(m.rawValue)\",\"queries\":\(s.queries),\"ndcg@10\":\(f(s.ndcg10)),\"mrr@10\":\(f(s.mrr10)),\"recall@100\":\(f(s.recall100)),\"map\":\(f(s.map))}")
        } else {
            print("mode \(m.rawValue), \(s.queries) queries, \(collection.docs.count) documents (\(ms) ms)")
            print("nDCG@10     \(f(s.ndcg10))")
            print("MRR@10      \(f(s.mrr10))")
            print("Recall@100  \(f(s.recall100))")
            print("MAP         \(f(s.map))")
        }
    }
}

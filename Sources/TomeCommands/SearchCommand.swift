import ArgumentParser
import Foundation
import TomeSearch

/// `tome search QUERY [--site Public] [--limit N] [--json] [--explain]`, or
/// `tome search --bench FILE [--site Public] [--runs N]` for in-process latency.
public struct SearchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the built site's index (Public/search/).")

    @Argument(help: "The query: words, \"phrases\", -excluded, book:x tag:y type:faq.")
    var query: String?

    @Option(help: "The built site folder.")
    var site: String = "Public"

    @Option(help: "Maximum number of pages.")
    var limit: Int = 10

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Show each term's contribution to the score.")
    var explain = false

    @Option(help: ArgumentHelp("Measure query latency in-process over FILE (one query a line, or category<TAB>query).",
                               valueName: "FILE"))
    var bench: String?

    @Option(help: "Timed runs of each query with --bench (after one warm-up run).")
    var runs: Int = 20

    @Flag(help: "With --bench: also print each query's median CPU time, slowest first.")
    var perQuery = false

    public init() {}

    public func validate() throws {
        guard limit > 0 && limit <= 1000 else { throw ValidationError("--limit must be between 1 and 1000") }
        guard (query == nil) != (bench == nil) else { throw ValidationError("give a query or --bench FILE (not both)") }
        guard runs > 0 && runs <= 10_000 else { throw ValidationError("--runs must be between 1 and 10000") }
    }

    public func run() async throws {
        let dir = (site as NSString).appendingPathComponent("search")
        if let bench {
            do { try SearchBench.run(file: bench, directory: dir, limit: limit, runs: runs, json: json, perQuery: perQuery) } catch let e as IndexFormatError {
                FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        let query = self.query ?? ""
        let results: SearchResults
        do {
            let index = try SearchIndex.open(directory: dir)
            results = try index.search(query, options: SearchOptions(limit: limit, explain: explain))
        } catch let e as IndexFormatError {
            var message = e.description
            if case .missing(let f) = e, f.hasSuffix(IndexFormat.manifestName) {
                message = "\(f): no search index found; run `tome build` first (or pass --site)"
            }
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(SearchOutput.json(results, explain: explain))
        } else {
            print(SearchOutput.text(results, explain: explain, ansi: isatty(STDOUT_FILENO) != 0), terminator: "")
        }
    }
}

/// In-process query latency: opens the index once, runs every query once to load the
/// files it needs (warm-up, timed separately as "cold"), then `runs` timed runs of each
/// query in list order; percentiles are over all timed runs (nearest rank).
enum SearchBench {
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
    /// This thread's CPU time: on a shared machine, the latency without the time the
    /// scheduler gave to other processes.
    static func cpu() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func run(file: String, directory: String, limit: Int, runs: Int, json: Bool, perQuery: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("error: \(file): cannot read the query list\n".utf8))
            throw ExitCode(1)
        }
        var queries: [(category: String, text: String)] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            let q = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("all", String(line))
            if !q.1.trimmingCharacters(in: .whitespaces).isEmpty { queries.append(q) }
        }
        guard !queries.isEmpty else { throw ValidationError("\(file) has no queries") }
        let options = SearchOptions(limit: limit)
        let t0 = now()
        let index = try SearchIndex.open(directory: directory)
        let openNS = now() - t0
        var cold: [UInt64] = []
        var hits = 0
        for q in queries {
            let s = now()
            let r = try index.search(q.text, options: options)
            cold.append(now() - s)
            if !r.pages.isEmpty { hits += 1 }
        }
        var all: [UInt64] = []
        var cpuAll: [UInt64] = []
        var byCategory: [String: [UInt64]] = [:]
        var cpuByCategory: [String: [UInt64]] = [:]
        var cpuByQuery = [[UInt64]](repeating: [], count: queries.count)
        for _ in 0..<runs {
            for (i, q) in queries.enumerated() {
                let c = cpu()
                let s = now()
                _ = try index.search(q.text, options: options)
                let d = now() - s
                let dc = cpu() - c
                cpuAll.append(dc)
                all.append(d)
                byCategory[q.category, default: []].append(d)
                cpuByCategory[q.category, default: []].append(dc)
                cpuByQuery[i].append(dc)
            }
        }
        func ms(_ ns: UInt64) -> String { String(format: "%.3f", Double(ns) / 1e6) }
        func stats(_ xs: [UInt64]) -> (p50: UInt64, p95: UInt64, p99: UInt64, max: UInt64, mean: UInt64) {
            let s = xs.sorted()
            func p(_ q: Double) -> UInt64 { s[min(s.count - 1, max(0, Int((q * Double(s.count)).rounded(.up)) - 1))] }
            return (p(0.5), p(0.95), p(0.99), s.last ?? 0, s.reduce(0, +) / UInt64(max(1, s.count)))
        }
        let categories = byCategory.keys.sorted()
        if json {
            func obj(_ x: (p50: UInt64, p95: UInt64, p99: UInt64, max: UInt64, mean: UInt64)) -> String {
                "{\"p50\":\(ms(x.p50)),\"p95\":\(ms(x.p95)),\"p99\":\(ms(x.p99)),\"max\":\(ms(x.max)),\"mean\":\(ms(x.mean))}"
            }
            var o = "{\"queries\":\(queries.count),\"runs\":\(runs),\"withResults\":\(hits),\"openMs\":\(ms(openNS)),"
            o += "\"cold\":\(obj(stats(cold))),\"warm\":\(obj(stats(all))),\"warmCPU\":\(obj(stats(cpuAll))),\"categories\":{"
            o += categories.map { "\"\($0)\":\(obj(stats(byCategory[$0] ?? [])))" }.joined(separator: ",") + "},\"categoriesCPU\":{"
            o += categories.map { "\"\($0)\":\(obj(stats(cpuByCategory[$0] ?? [])))" }.joined(separator: ",") + "}}"
            print(o)
            return
        }
        print("\(queries.count) queries (\(hits) with results) x \(runs) runs, limit \(limit); index opened in \(ms(openNS)) ms")
        print("                 p50      p95      p99      max     mean   (ms)")
        func row(_ name: String, _ xs: [UInt64]) {
            let s = stats(xs)
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + [s.p50, s.p95, s.p99, s.max, s.mean].map { ms($0).leftPadded(9) }.joined())
        }
        row("cold (1st)", cold)
        row("warm", all)
        row("warm (CPU)", cpuAll)
        for c in categories where categories.count > 1 { row("  " + c, byCategory[c] ?? []) }
        if categories.count > 1 {
            print("CPU by category")
            for c in categories { row("  " + c, cpuByCategory[c] ?? []) }
        }
        if perQuery {
            print("per query, median CPU (ms), slowest first")
            let medians = cpuByQuery.map { stats($0).p50 }
            for i in queries.indices.sorted(by: { medians[$0] > medians[$1] }) {
                print(ms(medians[i]).leftPadded(9) + "  " + queries[i].category + "\t" + queries[i].text)
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// Rendering of results for the terminal and as stable JSON (keys in fixed order).
public enum SearchOutput {
    public static func text(_ r: SearchResults, explain: Bool, ansi: Bool) -> String {
        var out = ""
        if r.pages.isEmpty {
            out += "No results for \"\(r.query)\".\n"
            return out
        }
        for c in r.corrections { out += "(searched for '\(c.suggestion)' instead of '\(c.typed)')\n" }
        for (i, page) in r.pages.enumerated() {
            for (j, h) in page.sections.enumerated() {
                let title = h.heading.isEmpty ? h.pageTitle : "\(h.pageTitle) \u{203A} \(h.heading)"
                let label = j == 0 ? "\(i + 1)." : "  \u{2022}"
                out += "\(label) \(ansi ? "\u{1B}[1m" : "")\(title)\(ansi ? "\u{1B}[0m" : "")\n"
                out += "   \(h.url)\n"
                if !h.snippet.text.isEmpty { out += "   \(highlighted(h.snippet, ansi: ansi))\n" }
                if explain, let e = h.explanation { out += e.rendered() }
            }
        }
        out += "\(r.totalPages) page\(r.totalPages == 1 ? "" : "s"), \(r.totalSections) section\(r.totalSections == 1 ? "" : "s")\n"
        return out
    }

    static func highlighted(_ s: Snippet, ansi: Bool) -> String {
        let u = Array(s.text.utf16)
        var out: [UInt16] = []
        var at = 0
        let (on, off) = ansi ? ("\u{1B}[1m", "\u{1B}[0m") : ("[", "]")
        for h in s.highlights where h.lowerBound >= at && h.upperBound <= u.count {
            out.append(contentsOf: u[at..<h.lowerBound])
            out.append(contentsOf: Array(on.utf16))
            out.append(contentsOf: u[h.lowerBound..<h.upperBound])
            out.append(contentsOf: Array(off.utf16))
            at = h.upperBound
        }
        out.append(contentsOf: u[at...])
        return String(decoding: out, as: UTF16.self).replacingOccurrences(of: "\n", with: " ")
    }

    static func num(_ d: Double) -> String { String(format: "%.4f", d) }

    public static func json(_ r: SearchResults, explain: Bool) -> String {
        func q(_ s: String) -> String {
            var o = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": o += "\\\""
                case "\\": o += "\\\\"
                case "\n": o += "\\n"
                case "\t": o += "\\t"
                case "\r": o += "\\r"
                default:
                    if u.value < 0x20 { o += String(format: "\\u%04x", u.value) } else { o.unicodeScalars.append(u) }
                }
            }
            return o + "\""
        }
        var o = "{\"query\":\(q(r.query)),\"totalPages\":\(r.totalPages),\"totalSections\":\(r.totalSections),"
        o += "\"corrections\":[" + r.corrections.map { "{\"typed\":\(q($0.typed)),\"suggestion\":\(q($0.suggestion))}" }.joined(separator: ",") + "],"
        o += "\"pages\":["
        o += r.pages.map { p in
            "{\"url\":\(q(p.pageURL)),\"title\":\(q(p.pageTitle)),\"sections\":[" + p.sections.map { h in
                var s = "{\"url\":\(q(h.url)),\"heading\":\(q(h.heading)),\"headingPath\":[\(h.headingPath.map(q).joined(separator: ","))],"
                s += "\"book\":\(q(h.book)),\"type\":\(q(h.type)),\"score\":\(h.score),"
                s += "\"snippet\":{\"text\":\(q(h.snippet.text)),\"highlights\":[\(h.snippet.highlights.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ","))]}"
                if explain, let e = h.explanation {
                    s += ",\"explain\":{\"coverage\":\(e.coverageFactor),\"boost\":\(e.boost),\"proximity\":\(e.proximityFactor),"
                    s += "\"allTerms\":\(e.allTermsTier),\"titleMatch\":\(e.titleTier),\"terms\":["
                    s += e.terms.map { t in
                        "{\"query\":\(q(t.query)),\"df\":\(t.df),\"idf\":\(t.idf),\"weightedTF\":\(t.weightedTF),\"score\":\(t.score),\"variants\":["
                            + t.variants.map { "{\"term\":\(q($0.term)),\"kind\":\"\($0.kind.rawValue)\",\"weight\":\($0.weight),\"tf\":[\($0.tf.map(String.init).joined(separator: ","))]}" }.joined(separator: ",")
                            + "]}"
                    }.joined(separator: ",")
                    s += "]}"
                }
                return s + "}"
            }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        o += "]}"
        return o
    }
}

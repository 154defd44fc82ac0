import ArgumentParser
import Foundation
import TomeSearch

/// `tome search QUERY [--site Public] [--limit N] [--json] [--explain]`.
public struct SearchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the built site's index (Public/search/).")

    @Argument(help: "The query: words, \"phrases\", -excluded, book:x tag:y type:faq.")
    var query: String

    @Option(help: "The built site folder.")
    var site: String = "Public"

    @Option(help: "Maximum number of pages.")
    var limit: Int = 10

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Show each term's contribution to the score.")
    var explain = false

    public init() {}

    public func validate() throws {
        guard limit > 0 && limit <= 1000 else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    public func run() async throws {
        let dir = (site as NSString).appendingPathComponent("search")
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

import ArgumentParser
import Foundation
import TomeBuild
import TomeCore
import TomeSite

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the content without writing the site.",
        discussion: """
        Runs every check of `tome build` (front matter, links and anchors, images, duplicate URLs, \
        FAQ answers, templates) and more: images without alt text [check.alt-text], skipped heading \
        levels [check.heading-skip], duplicate titles [check.duplicate-title], pages no reader can reach \
        [check.unreachable], and stale pages [check.stale]: a `review_by:` date that has passed, or no \
        update for `stale_after_months:` (site.yml).
        Exit status: 0 no errors, 1 errors (or warnings with --strict), 64 bad usage.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The content folder: Markdown, site.yml, images.")
    var content = "Content"

    @Option(help: "The templates folder; files here override the built-in theme one by one.")
    var templates = "Templates"

    @Option(help: "Output format: text (like a compiler) or json (stable, for CI tools).")
    var format: Format = .text

    @Flag(help: "Include pages marked draft: true.")
    var drafts = false

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Check staleness as of this date (YYYY-MM-DD) instead of today.")
    var today: String?

    @Flag(name: .customLong("all-diagnostics"), help: "Print every diagnostic instead of the first 20 of each kind.")
    var allDiagnostics = false

    func validate() throws {
        if let today, Timestamp(parsing: today) == nil {
            throw ValidationError("--today must be a date such as 2026-06-30")
        }
    }

    func run() async throws {
        let templatesExists = FileManager.default.fileExists(atPath: templates)
        let options = BuildOptions(
            contentDirectory: content, contentDisplayPath: content,
            templatesDirectory: templatesExists ? templates : nil, templatesDisplayPath: templates,
            includeDrafts: drafts, strict: strict
        )
        let date = today.flatMap { Timestamp(parsing: $0) } ?? Timestamp.today
        let report: CheckReport
        do {
            report = try await SiteBuilder(options: options).check(today: date)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        switch format {
        case .json:
            print(CheckCommand.json(report))
        case .text:
            var printer = DiagnosticPrinter()
            if allDiagnostics { printer.limitPerID = .max / 8 }
            for line in printer.lines(for: report.diagnostics) { print(line) }
            print(CheckCommand.summary(report))
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    static func summary(_ report: CheckReport) -> String {
        let errors = report.diagnostics.errorCount, warnings = report.diagnostics.warningCount
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "Checked \(plural(report.pageCount, "page")): \(plural(errors, "error")), \(plural(warnings, "warning"))."
    }

    /// `{"version":1,"pages":N,"errors":N,"warnings":N,"diagnostics":[...]}`, diagnostics
    /// sorted like the text output, each with every key present (null when absent).
    static func json(_ report: CheckReport) -> String {
        func string(_ s: String?) -> String {
            guard let s else { return "null" }
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                // `<`, `>` and `&` escaped too, so the JSON is safe to embed in HTML reports.
                case "<", ">", "&", "\u{2028}", "\u{2029}":
                    out += String(format: "\\u%04x", scalar.value)
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
        func int(_ n: Int?) -> String { n.map(String.init) ?? "null" }
        let items = report.diagnostics.sorted.map { d in
            "{\"severity\":\(string(d.severity.rawValue)),\"id\":\(string(d.id)),\"file\":\(string(d.location?.file)),"
                + "\"line\":\(int(d.location?.line)),\"column\":\(int(d.location?.column)),"
                + "\"message\":\(string(d.message)),\"hint\":\(string(d.hint))}"
        }
        return "{\"version\":1,\"pages\":\(report.pageCount),\"errors\":\(report.diagnostics.errorCount),"
            + "\"warnings\":\(report.diagnostics.warningCount),\"diagnostics\":[\n"
            + items.joined(separator: ",\n") + "\n]}"
    }
}

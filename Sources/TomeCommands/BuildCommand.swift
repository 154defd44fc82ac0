import ArgumentParser
import Foundation
import TomeBuild
import TomeCore

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the site from Markdown into a static folder.",
        discussion: "Exit status: 0 built, 1 content errors (the previous output is left untouched), 64 bad usage."
    )

    @Option(help: "The content folder: Markdown, site.yml, images.")
    var content = "Content"

    @Option(help: "The templates folder; files here override the built-in theme one by one.")
    var templates = "Templates"

    @Option(help: "Where the site is written. Replaced as a whole only when the build succeeds.")
    var output = "Public"

    @Option(name: .customLong("base-url"), help: "The URL the site is served from, e.g. https://support.example.com/.")
    var baseURL: String?

    @Flag(help: "Include pages marked draft: true.")
    var drafts = false

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "site: links are site paths (/support/faq/) for web hosting; file: relative links ending in index.html, so the site also works opened from disk.")
    var links: BuildOptions.LinkStyle = .site

    @Flag(help: "Write every file anew instead of only the ones that changed.")
    var clean = false

    @Flag(help: "Print how long each build step took.")
    var timings = false

    @Flag(name: .customLong("all-diagnostics"), help: "Print every diagnostic instead of the first 20 of each kind.")
    var allDiagnostics = false

    func run() async throws {
        let start = ContinuousClock.now
        let templatesExists = FileManager.default.fileExists(atPath: templates)
        var options = BuildOptions(
            contentDirectory: content, contentDisplayPath: content,
            templatesDirectory: templatesExists ? templates : nil, templatesDisplayPath: templates,
            baseURL: baseURL, includeDrafts: drafts, strict: strict
        )
        options.links = links
        options.freesSite = false  // the process ends with the build
        let builder = SiteBuilder(options: options, progress: { step, done, total in
            Terminal.progress(total > 0 ? "\(step) \(done)/\(total)" : "\(step)…")
        })
        let report: BuildReport
        do {
            report = try await builder.publish(to: output, incremental: !clean)
        } catch {
            Terminal.clearProgress()
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        Terminal.clearProgress()
        var printer = DiagnosticPrinter()
        if allDiagnostics { printer.limitPerID = .max / 8 }
        for line in printer.lines(for: report.diagnostics) { Terminal.error(line) }

        if timings {
            for (step, seconds) in report.timings { Terminal.error(String(format: "  %-8@ %7.3f s", step as NSString, seconds)) }
        }
        if report.upToDate {
            let warned = report.previousWarningCount
            let note = warned > 0 ? " That build had \(warned) warning\(warned == 1 ? "" : "s"); run with --clean to see them again." : ""
            print("\(output)/ is up to date (\(report.fileCount) files); nothing changed since the last build.\(note)")
            return
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let errors = report.diagnostics.errorCount, warnings = report.diagnostics.warningCount
        guard report.succeeded else {
            Terminal.error("Build failed: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"). \(output)/ was left as it was.")
            throw ExitCode(1)
        }
        var written = report.rewrittenFileCount.map { ", \($0) written" } ?? ""
        if let memoized = report.memoizedFileCount, memoized > 0 { written += ", \(memoized) reused" }
        let summary = "Built \(report.pageCount) pages (\(report.sectionCount) search sections, \(report.fileCount) files\(written)) into \(output)/ in "
            + String(format: "%.2f s", seconds) + ", \(warnings) warning\(warnings == 1 ? "" : "s")."
        print(summary)
    }
}

extension BuildOptions.LinkStyle: ExpressibleByArgument {}

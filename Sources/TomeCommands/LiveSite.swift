import Foundation
import Logging
import ServiceLifecycle
import TomeBuild
import TomeCore
import TomeServer

/// The watch half of `tome serve`: rebuilds into the served folder when `Content/` or
/// `Templates/` change, then tells open pages to reload, or shows them what broke.
/// A failed build leaves the last good site in place (the build's atomic swap).
struct LiveSite: Service {
    let options: BuildOptions
    let output: String
    let site: PublishedSite
    let liveReload: LiveReload
    let watched: [String]
    let logger: Logger
    var interval: Duration = .milliseconds(300)
    var printDiagnostics = true
    /// Each rebuild renders only the pages whose Markdown or link targets changed.
    let memory = BuildMemory()

    func run() async throws {
        let watcher = DirectoryWatcher(directories: watched, interval: interval)
        await cancelWhenGracefulShutdown {
            await watcher.run { changed in
                let names = changed.prefix(3).map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
                    + (changed.count > 3 ? " and \(changed.count - 3) more" : "")
                _ = await rebuild(reason: names)
            }
        }
        liveReload.finishAll()
    }

    /// Builds once; true when the new site is being served.
    @discardableResult
    func rebuild(reason: String) async -> Bool {
        let start = ContinuousClock.now
        let report: BuildReport
        do {
            report = try await SiteBuilder(options: options, memory: memory).publish(to: output)
        } catch {
            logger.error("build failed", metadata: ["reason": "\(reason)", "error": "\(error)"])
            if printDiagnostics { Terminal.error("error: \(error)") }
            liveReload.publish(.buildFailed([BuildProblem(file: options.contentDisplayPath, line: 1, column: 1, severity: "error",
                                                          id: "build.failed", message: "\(error)")]))
            return false
        }
        if printDiagnostics {
            for line in DiagnosticPrinter().lines(for: report.diagnostics) { Terminal.error(line) }
        }
        let elapsed = start.duration(to: .now)
        let ms = Int(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        guard report.succeeded else {
            let problems = report.diagnostics.sorted.filter { $0.severity == .error }.prefix(50).map(Self.problem)
            logger.warning("build failed; still serving the last good site",
                           metadata: ["reason": "\(reason)", "errors": "\(report.diagnostics.errorCount)"])
            liveReload.publish(.buildFailed(Array(problems)))
            return false
        }
        site.reload()
        logger.info("rebuilt", metadata: ["reason": "\(reason)", "pages": "\(report.pageCount)", "ms": "\(ms)",
                                          "rendered": "\(report.pageCount - memory.reusedInLastBuild)",
                                          "warnings": "\(report.diagnostics.warningCount)",
                                          "steps": "\(Self.steps(report.timings))"])
        liveReload.publish(.reload(generation: site.generation))
        return true
    }

    /// `load=0.012 render=0.034 …`: where a rebuild's time went, in step order (seconds).
    static func steps(_ timings: [(step: String, seconds: Double)]) -> String {
        timings.map { "\($0.step.replacingOccurrences(of: " ", with: "-"))=\(String(format: "%.3f", $0.seconds))" }.joined(separator: " ")
    }

    static func problem(_ d: Diagnostic) -> BuildProblem {
        BuildProblem(file: d.location?.file ?? "", line: d.location?.line ?? 0, column: d.location?.column ?? 0,
                     severity: d.severity.rawValue, id: d.id, message: d.message, hint: d.hint)
    }
}

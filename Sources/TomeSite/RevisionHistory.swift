import Foundation
import TomeCore

/// Revision numbers and dates for every file under a folder, from a single `git log`
/// (never one process per file). Nil when the folder is not in a git work tree.
struct RevisionHistory: Sendable {
    /// Keyed by path relative to the content folder.
    var entries: [String: Revision]

    static func read(directory: String) -> RevisionHistory? {
        guard let prefix = run(["rev-parse", "--show-prefix"], in: directory)?.trimmingSpaces else { return nil }
        // %x1e marks each commit; the date is the committer date in UTC (strict ISO).
        guard let log = run(["-c", "core.quotepath=off", "log", "--no-renames", "--format=%x1e%cd", "--date=iso-strict-local", "--name-only", "--", "."],
                            in: directory, environment: ["TZ": "UTC"]) else { return nil }
        var entries: [String: Revision] = [:]
        for record in log.split(separator: "\u{1e}") {
            let lines = record.split(separator: "\n")
            guard let dateLine = lines.first, let date = Timestamp(parsing: String(dateLine)) else { continue }
            for line in lines.dropFirst() {
                guard line.hasPrefix(prefix) else { continue }
                let relative = String(line.dropFirst(prefix.count))
                var revision = entries[relative] ?? Revision(number: 0)
                revision.number = (revision.number ?? 0) + 1
                // git log lists newest first: the first date seen is the update, the last the creation.
                if revision.updated == nil { revision.updated = date }
                revision.created = date
                entries[relative] = revision
            }
        }
        return RevisionHistory(entries: entries)
    }

    private static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

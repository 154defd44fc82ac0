import Foundation
import TomeCore

/// A fingerprint of everything a build reads: every file under the content and
/// templates folders (path, size, modification time), the build options, the tome
/// binary itself, and the git commit (revision lines come from history). Equal
/// fingerprints and an intact output mean a build would write the same bytes again.
enum InputFingerprint {
    static func compute(_ options: BuildOptions, baseURLOverride: String?) -> String {
        var lines: [String] = ["tome \(TomeVersion.string)"]
        lines.append("options \(options.includeDrafts) \(options.strict) \(options.useGit) \(options.useFileDates) \(options.links.rawValue) \(baseURLOverride ?? "-")")
        lines.append("content " + options.contentDirectory)
        lines += stamps(under: options.contentDirectory)
        if let templates = options.templatesDirectory {
            lines.append("templates " + templates)
            lines += stamps(under: templates)
        }
        lines.append("binary " + binary)
        if options.useGit, let head = gitHead(options.contentDirectory) { lines.append("git " + head) }
        let bytes = Array(lines.joined(separator: "\n").utf8)
        return String(BuildCache.hash(bytes), radix: 16) + "-" + String(bytes.count)
    }

    /// The running executable's size and modification time: it stands for the
    /// analyzer, the index format, the theme and every other rule compiled into it.
    static let binary: String = {
        guard let executable = Bundle.main.executablePath, let stamp = FileTree.stamp(of: executable) else { return "-" }
        return "\(stamp.size) \(stamp.modified)"
    }()

    /// One line for every file and folder below `root`: their count and an
    /// order-independent sum of per-entry digests (path, size, time), so the walk's
    /// order does not matter and 10,000 entries need neither a string nor a sort each.
    private static func stamps(under root: String) -> [String] {
        var count = 0
        var sum: UInt64 = 0
        FileTree.walk(root) { entry in
            var digest = Digest()
            digest.add(entry.path)
            digest.add(entry.stamp.size)
            digest.add(Int(entry.stamp.modified))
            sum &+= digest.value
            count += 1
        }
        return ["entries \(count) \(String(sum, radix: 16))"]
    }

    /// The commit checked out, read from `.git` without starting git.
    private static func gitHead(_ directory: String) -> String? {
        var folder = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<32 {
            let git = folder.appendingPathComponent(".git")
            if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8) {
                let trimmed = head.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.hasPrefix("ref: ") else { return trimmed }
                let ref = String(trimmed.dropFirst(5))
                if let value = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
                    return value.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                // Packed refs.
                if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8) {
                    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                        return String(line.prefix { $0 != " " })
                    }
                }
                return trimmed
            }
            let parent = folder.deletingLastPathComponent()
            if parent == folder { break }
            folder = parent
        }
        return nil
    }
}

import TomeCore

/// Notices edits under a few folders by polling a snapshot of every file's size and
/// modification time: one `readdir` per folder and one `fstatat` per file every
/// `interval` (`FileTree`; Foundation's enumerator cost a fifth of a 10,000-page site's
/// save-to-reload CPU). A change is reported only once the folders have been quiet for
/// one more interval, so an editor's half-written save is not built.
public struct DirectoryWatcher: Sendable {
    public var directories: [String]
    public var interval: Duration

    public init(directories: [String], interval: Duration = .milliseconds(300)) {
        self.directories = directories
        self.interval = interval
    }

    typealias Snapshot = [String: FileTree.Stamp]

    func snapshot() -> Snapshot {
        var out: Snapshot = [:]
        for dir in directories {
            FileTree.walk(dir, descendInto: { !DirectoryWatcher.isIgnored($0.path) }) { entry in
                guard !entry.isDirectory, !DirectoryWatcher.isIgnored(entry.path) else { return }
                out[dir + "/" + entry.path] = entry.stamp
            }
        }
        return out
    }

    /// Hidden files and folders, editor swap and backup files.
    static func isIgnored(_ relativePath: String) -> Bool {
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasPrefix("#")
    }

    /// Paths added, removed or changed between two snapshots, sorted.
    static func difference(_ a: Snapshot, _ b: Snapshot) -> [String] {
        var changed: [String] = []
        for (path, info) in b where a[path] != info { changed.append(path) }
        for path in a.keys where b[path] == nil { changed.append(path) }
        return changed.sorted()
    }

    /// Calls `onChange` with the changed paths after every settled change, until cancelled.
    public func run(onChange: @Sendable ([String]) async -> Void) async {
        var last = snapshot()
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            var now = snapshot()
            if now == last { continue }
            // Wait until a poll sees no further change.
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                let again = snapshot()
                if again == now { break }
                now = again
            }
            let changed = Self.difference(last, now)
            last = now
            await onChange(changed)
        }
    }
}

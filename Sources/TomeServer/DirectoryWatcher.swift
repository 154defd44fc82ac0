import Foundation

/// Notices edits under a few folders by polling a snapshot of every file's size and
/// modification time (cheap: one `stat` per file every `interval`). A change is reported
/// only once the folders have been quiet for one more interval, so an editor's
/// half-written save is not built.
public struct DirectoryWatcher: Sendable {
    public var directories: [String]
    public var interval: Duration

    public init(directories: [String], interval: Duration = .milliseconds(300)) {
        self.directories = directories
        self.interval = interval
    }

    typealias Snapshot = [String: FileSystem.Info]

    func snapshot() -> Snapshot {
        var out: Snapshot = [:]
        let fm = FileManager.default
        for dir in directories {
            guard let e = fm.enumerator(atPath: dir) else { continue }
            while let rel = e.nextObject() as? String {
                let name = (rel as NSString).lastPathComponent
                // Hidden files, editor swap and backup files.
                if name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasPrefix("#") {
                    if (e.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { e.skipDescendants() }
                    continue
                }
                let path = dir + "/" + rel
                if let info = FileSystem.info(path), info.isRegular { out[path] = info }
            }
        }
        return out
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

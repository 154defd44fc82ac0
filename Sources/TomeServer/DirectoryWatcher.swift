import TomeCore
#if canImport(Glibc)
import Glibc
#endif

/// Notices edits under a few folders. What changed is always found the same way: a
/// snapshot of every file's size and modification time (`FileTree`: one `readdir` per
/// folder, one `fstatat` per file) compared with the last one. *When* to look is the
/// kernel's to say where it can (Linux `inotify`, one watch per folder): a snapshot is
/// taken only after something happened, so a quiet 10,000-page site costs nothing between
/// saves. Elsewhere, or when the kernel refuses a watch (its per-user limit), the watcher
/// polls with a snapshot every `interval`. Either way a change is reported only once the
/// folders have been quiet for one more interval, so an editor's half-written save is not
/// built.
public struct DirectoryWatcher: Sendable {
    public var directories: [String]
    public var interval: Duration
    /// Poll even where the kernel could notify (for tests of the polling path).
    var polls = false

    public init(directories: [String], interval: Duration = .milliseconds(300)) {
        self.directories = directories
        self.interval = interval
    }

    typealias Snapshot = [String: FileTree.Stamp]

    func snapshot() -> Snapshot {
        snapshot(watching: nil)!
    }

    /// The snapshot; with `events`, every folder it walks is watched before it is read,
    /// so a file made after the walk passed its folder raises an event. Nil when the
    /// kernel refuses a watch.
    func snapshot(watching events: KernelEvents?) -> Snapshot? {
        var out: Snapshot = [:]
        var refused = false
        for dir in directories {
            if let events, !events.watch(dir) { refused = true }
            FileTree.walk(dir, descendInto: { entry in
                guard !DirectoryWatcher.isIgnored(entry.path) else { return false }
                if let events, !events.watch(dir + "/" + entry.path) { refused = true }
                return true
            }) { entry in
                guard !entry.isDirectory, !DirectoryWatcher.isIgnored(entry.path) else { return }
                out[dir + "/" + entry.path] = entry.stamp
            }
        }
        return refused ? nil : out
    }

    /// Hidden files and folders, editor swap and backup files.
    static func isIgnored(_ relativePath: String) -> Bool {
        let bytes = relativePath.utf8
        let start = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        let name = relativePath[start...]
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
        if !polls, let events = KernelEvents(), let first = snapshot(watching: events) {
            await listen(events, from: first, onChange: onChange)
        } else {
            await poll(from: snapshot(), onChange: onChange)
        }
    }

    private func poll(from start: Snapshot, onChange: @Sendable ([String]) async -> Void) async {
        var last = start
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

    private func listen(_ events: KernelEvents, from start: Snapshot, onChange: @Sendable ([String]) async -> Void) async {
        var last = start
        // Reading a non-blocking descriptor: one system call a tick while nothing happens.
        let tick = min(interval, .milliseconds(50))
        while !Task.isCancelled {
            do { try await Task.sleep(for: tick) } catch { return }
            guard events.drain() else { continue }
            // Wait until an interval passes with no event.
            repeat {
                do { try await Task.sleep(for: interval) } catch { return }
            } while events.drain() && !Task.isCancelled
            guard let now = snapshot(watching: events) else {
                // A new folder's watch was refused: from here on, poll.
                return await poll(from: last, onChange: onChange)
            }
            let changed = Self.difference(last, now)
            last = now
            // Only ignored files (an editor's swap file) changed: nothing to build.
            if !changed.isEmpty { await onChange(changed) }
        }
    }
}

/// Linux `inotify`: a non-blocking descriptor with one watch per folder. Only whether
/// something happened is read from it; the snapshot says what.
final class KernelEvents: @unchecked Sendable {
    // @unchecked: the descriptor is used by one watcher task at a time.
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

    init?() {
        #if os(Linux)
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if descriptor < 0 { return nil }
        #else
        return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Watches a folder (again: the kernel keeps one watch per folder). False when refused.
    func watch(_ folder: String) -> Bool {
        #if os(Linux)
        let mask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO
            | IN_DELETE_SELF | IN_MOVE_SELF
        return inotify_add_watch(descriptor, folder, UInt32(mask)) >= 0
        #else
        return false
        #endif
    }

    /// Whether any event (a queue overflow included) arrived since the last call; reads
    /// them all. A watch dropped because its folder went (`IN_IGNORED`) is no change by
    /// itself: the deletion that caused it is.
    func drain() -> Bool {
        #if os(Linux)
        var happened = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return happened }
            var offset = 0
            // struct inotify_event: wd, mask, cookie, len (4 bytes each), then len bytes of name.
            while offset + 16 <= count {
                let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                let length = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) }
                if mask & UInt32(IN_IGNORED) == 0 { happened = true }
                offset += 16 + Int(length)
            }
        }
        #else
        return false
        #endif
    }
}

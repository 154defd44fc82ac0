import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a build's files go. Tests use `MemorySink`; `tome build` uses `DiskSink`,
/// which writes into a fresh folder beside the output and swaps it into place only
/// when the whole site is written, so a failed or interrupted build never leaves a
/// half-written site behind.
public protocol OutputSink: Sendable {
    /// Writes one file; `path` is relative to the output root, with `/` separators.
    func write(_ path: String, _ bytes: [UInt8]) throws
    /// Copies a file from disk (images and other assets).
    func copy(from source: String, to path: String) throws
    /// A step's memo: if the previous build ran `step` with the same `key` (a digest of
    /// everything the step reads) and every file it wrote is still intact, the sink keeps
    /// those files for this build and returns their paths. Nil otherwise, or when the
    /// sink keeps nothing between builds: the step then writes its files.
    func reuse(step: String, key: String) -> [String]?
    /// Records that `step` with `key` wrote `paths`, for the next build's `reuse`.
    func remember(step: String, key: String, paths: [String])
    /// One file's memo: if the previous build wrote `path` from inputs with this `key` (a
    /// digest of everything the file is made from, such as `ViewDigest` of a page's view)
    /// and the file is still intact, the sink keeps it for this build and returns true,
    /// and the caller does not make it. False otherwise, or when the sink keeps nothing
    /// between builds. `dependencies`, if any, are recorded with the key for the next
    /// build's `keep(_:dependingOn:)`.
    func keep(_ path: String, madeFrom key: UInt64, dependingOn dependencies: UInt64?) -> Bool
    /// Writes one file and records the key it was made from (and `dependencies`, if any),
    /// for the next build's `keep`.
    func write(_ path: String, _ bytes: [UInt8], madeFrom key: UInt64, dependingOn dependencies: UInt64?) throws
    /// A file memo in two steps, for a file whose key is costly to work out (a page's
    /// view): `dependencies` is a cheaper digest of everything the key is made from. If the
    /// previous build recorded the same dependencies for `path` and the file is intact, the
    /// sink keeps it (with the key recorded then) and returns true, and the caller need not
    /// work out the key at all.
    func keep(_ path: String, dependingOn dependencies: UInt64) -> Bool
    /// False when `keep` never keeps anything (a clean build): callers then need not work
    /// out keys at all.
    var memoizes: Bool { get }
    /// False when no earlier build left memos to keep (a clean build, a first build): keys
    /// are still recorded (`memoizes`), but what only serves to find a memo need not be
    /// worked out.
    var hasMemos: Bool { get }
    /// The bytes of a file this build kept with `keep(_:madeFrom:)`, for a step that
    /// also needs them (the twins that `llms-full.txt` is made of); nil if unreadable.
    func keptContents(_ path: String) -> [UInt8]?
}

extension OutputSink {
    public func write(_ path: String, _ text: String) throws {
        try write(path, Array(text.utf8))
    }

    public func reuse(step: String, key: String) -> [String]? { nil }
    public func remember(step: String, key: String, paths: [String]) {}
    public func keep(_ path: String, madeFrom key: UInt64, dependingOn dependencies: UInt64?) -> Bool { false }
    public func write(_ path: String, _ bytes: [UInt8], madeFrom key: UInt64, dependingOn dependencies: UInt64?) throws {
        try write(path, bytes)
    }
    public func keep(_ path: String, dependingOn dependencies: UInt64) -> Bool { false }
    /// A file memo without dependencies.
    public func keep(_ path: String, madeFrom key: UInt64) -> Bool { keep(path, madeFrom: key, dependingOn: nil) }
    public func write(_ path: String, _ bytes: [UInt8], madeFrom key: UInt64) throws {
        try write(path, bytes, madeFrom: key, dependingOn: nil)
    }
    public var memoizes: Bool { false }
    public var hasMemos: Bool { false }
    public func keptContents(_ path: String) -> [UInt8]? { nil }
}

/// Keeps every file in memory, keyed by path.
public final class MemorySink: OutputSink, @unchecked Sendable {
    // @unchecked: every access to `storage` goes through `lock`.
    private let lock = NSLock()
    private var storage: [String: [UInt8]] = [:]

    public init() {}

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        lock.lock(); defer { lock.unlock() }
        storage[path] = bytes
    }

    public func copy(from source: String, to path: String) throws {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw BuildError.io(path: source, reason: "cannot read file")
        }
        try write(path, Array(data))
    }

    public var files: [String: [UInt8]] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }

    public func text(_ path: String) -> String? {
        files[path].map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Writes into `<output>.tome-new-<pid>` and, on `commit()`, swaps that folder in
/// place of `<output>`: the old site is renamed aside, the new one renamed in, the old
/// one removed. Nothing is written outside the staging folder.
public final class DiskSink: OutputSink, @unchecked Sendable {
    // @unchecked: the only mutable state is inside `folders`, which locks it.
    public let output: URL
    public let staging: URL
    private let folders: FolderMaker

    public init(output: String) throws {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        self.output = url
        let parent = url.deletingLastPathComponent()
        let name = url.lastPathComponent
        staging = parent.appendingPathComponent(".\(name).tome-new-\(ProcessInfo.processInfo.processIdentifier)")
        folders = FolderMaker(root: staging.path)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try DiskSink.removeLeftovers(beside: url)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw BuildError.io(path: staging.path, reason: "cannot create the build folder: \(error.localizedDescription)")
        }
    }

    /// Cleans up after a build that was killed: a staging folder was never swapped in,
    /// so it is garbage. An old site is garbage too, unless the build was killed in the
    /// middle of the fallback swap (old moved aside, new not yet in): then it is the last
    /// complete site and goes back into place.
    static func removeLeftovers(beside output: URL) throws {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent(), name = output.lastPathComponent
        let leftovers = try fm.contentsOfDirectory(atPath: parent.path).sorted()
        for leftover in leftovers where leftover.hasPrefix(".\(name).tome-old-") {
            let path = parent.appendingPathComponent(leftover)
            if !fm.fileExists(atPath: output.path), (try? fm.moveItem(at: path, to: output)) != nil { continue }
            try? fm.removeItem(at: path)
        }
        for leftover in leftovers where leftover.hasPrefix(".\(name).tome-new-") {
            try? fm.removeItem(at: parent.appendingPathComponent(leftover))
        }
    }

    private func prepare(_ path: String) throws -> URL {
        guard DiskSink.isSafeRelativePath(path) else {
            throw BuildError.io(path: path, reason: "refusing to write outside the output folder")
        }
        try folders.ensureParent(of: path)
        return staging.appendingPathComponent(path)
    }

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        let target = try prepare(path)
        do {
            try FileWriter.write(bytes, to: target.path)
        } catch {
            throw BuildError.io(path: target.path, reason: FileWriter.describe(error))
        }
    }

    public func copy(from source: String, to path: String) throws {
        let target = try prepare(path)
        do {
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(atPath: source, toPath: target.path)
        } catch {
            throw BuildError.io(path: source, reason: error.localizedDescription)
        }
    }

    /// Swaps the finished site into place: one atomic step where the kernel offers it
    /// (exchange the two folders, then delete the old site, now at the staging path),
    /// else two renames. A build killed at any moment leaves the old site or the new one
    /// in place, never neither (Benchmarks/crash-test.sh).
    public func commit() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: output.path) {
            if !DiskSink.exchange(staging.path, output.path) {
                try DiskSink.swapByRenaming(output, with: staging)
            }
            try? fm.removeItem(at: staging)
        } else {
            do {
                try fm.moveItem(at: staging, to: output)
            } catch {
                throw BuildError.io(path: output.path, reason: "cannot move the new site into place: \(error.localizedDescription)")
            }
        }
    }

    /// Where `renameat2` cannot exchange: the site at `output` goes aside (`.NAME.tome-old-PID`,
    /// which `removeLeftovers` puts back if a build is killed before the next rename), the
    /// new one at `other` moves in, and the old one takes the new one's former place.
    static func swapByRenaming(_ output: URL, with other: URL) throws {
        let fm = FileManager.default
        let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tome-old-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fm.moveItem(at: output, to: old)
            try fm.moveItem(at: other, to: output)
            try fm.moveItem(at: old, to: other)
        } catch {
            // Put the previous site back if the new one could not be moved in.
            if !fm.fileExists(atPath: output.path), fm.fileExists(atPath: old.path) {
                try? fm.moveItem(at: old, to: output)
            }
            throw BuildError.io(path: output.path, reason: "cannot move the new site into place: \(error.localizedDescription)")
        }
    }

    /// Atomically exchanges two paths (Linux `renameat2(RENAME_EXCHANGE)`, looked up at
    /// run time because Glibc's Swift module does not export it). False when the call is
    /// missing or fails (old kernel, a file system without support): the caller falls
    /// back to two renames, and `init` repairs a swap that was killed half way.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atFDCWD: Int32 = -100, renameExchange: UInt32 = 2
        return renameat2(atFDCWD, a, atFDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    /// Throws the staging folder away; the previous site stays as it was.
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        // The paths a build writes are ASCII: checked over their bytes (splitting every
        // path into segments was about 1% of the C++ corpus's build).
        if path.utf8.allSatisfy({ $0 < 0x80 && $0 != 0 && $0 != UInt8(ascii: "\\") }) {
            return !path.isEmpty && LinkResolver.isNormal(path)
        }
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return false }
        return !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }
}

/// An operational failure: I/O, a missing folder. Content problems are diagnostics.
public enum BuildError: Error, CustomStringConvertible, Equatable {
    case io(path: String, reason: String)
    case missingContent(path: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .missingContent(let path): "\(path): content folder does not exist (use --content to name another)"
        }
    }
}

/// Creates folders below a root on demand, each once, with `mkdir` (Foundation's
/// `createDirectory(withIntermediateDirectories:)` inspects every component of the
/// path first: 0.5 s of a 20,000-file build).
final class FolderMaker: @unchecked Sendable {
    // @unchecked: `made` is guarded by `lock`.
    private let root: String
    private let lock = NSLock()
    private var made: Set<String> = [""]

    init(root: String) { self.root = root }

    /// Makes sure the folder that will hold `path` (relative to the root) exists.
    func ensureParent(of path: String) throws {
        try ensure(FolderMaker.parent(of: path))
    }

    /// `a/b` for `a/b/c`, `` for `c`: the paths here are normal (no `.`, `..`, `//` or
    /// trailing `/`), so this is `NSString.deletingLastPathComponent` without bridging
    /// each of 20,000 paths to an `NSString`.
    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    private func ensure(_ folder: String) throws {
        lock.lock()
        let known = made.contains(folder)
        lock.unlock()
        guard !known else { return }
        let full = root + "/" + folder
        if mkdir(full, 0o755) != 0 {
            switch errno {
            case EEXIST:
                break
            case ENOENT:
                try ensure(FolderMaker.parent(of: folder))
                guard mkdir(full, 0o755) == 0 || errno == EEXIST else { throw Self.failure(full) }
            default:
                throw Self.failure(full)
            }
        }
        lock.lock()
        made.insert(folder)
        lock.unlock()
    }

    private static func failure(_ folder: String) -> BuildError {
        .io(path: folder, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
    }
}

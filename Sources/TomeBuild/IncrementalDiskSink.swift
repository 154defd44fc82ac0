import Foundation
import TomeCore
#if canImport(Glibc)
import Glibc
#endif

/// Incremental output into a *spare* tree: `.<name>.tome-spare` beside the output,
/// the site as it was one build ago. A build brings the spare up to date and then
/// swaps it with the live site in one `renameat2(RENAME_EXCHANGE)`, so the old site
/// becomes the next build's spare. The work is proportional to what changed, not to the
/// size of the site: an output whose bytes equal the spare's copy is left alone; one
/// whose bytes equal the live copy is hard-linked from it (same inode, so it keeps its
/// modification time); only the rest is written (created in place where the spare has
/// nothing, else a temporary file renamed into place: never written through a link). Spare outputs this build did not produce are deleted
/// before the swap. Until the swap the live site is never touched, so a build killed at
/// any moment leaves the previous site exactly as it was.
///
/// Each tree's cache (`.<name>.tome-cache` for the live site, `.<name>.tome-spare-cache`
/// for the spare) records the tree's folder identity (device and inode) and, per file,
/// its size, modification time and hash (and, for an output made through a memo, the
/// key of what it was made from, and for a page the cheaper digest of what that key is
/// made from), plus the input fingerprint for the no-op check.
/// Caches are matched to folders by identity, never by name: whatever a killed build
/// left behind, a cache is trusted only for the folder it describes, and a file only if
/// its size and time on disk still match. A spare nobody describes is thrown away.
public final class IncrementalDiskSink: OutputSink, @unchecked Sendable {
    // @unchecked: `written`, `rewritten`, `warnings` and `fingerprint` are guarded by `lock`; the rest
    // is immutable after init (`folders` has its own lock).
    public let output: URL
    private let spare: URL
    /// `output.path` and `spare.path`, worked out once: every file's write reads them.
    private let outputPath: String
    private let sparePath: String
    /// What the spare holds (empty when it was started afresh) and what the live site holds.
    private let spareCache: BuildCache
    private let liveCache: BuildCache?
    private var fingerprint: String
    private let folders: FolderMaker
    /// True when this build made the spare as an empty folder: then it holds only what
    /// this build wrote, and `commit` has nothing to prune.
    private let startedAfresh: Bool
    private let lock = NSLock()
    private var written: [String: BuildCache.Entry] = [:]
    private var steps: [String: BuildCache.StepRecord] = [:]
    private var rewritten = 0
    private var memoized = 0
    private var warnings = 0

    /// - Parameter fingerprint: the inputs' fingerprint, stored for the next no-op check.
    public init(output: String, fingerprint: String) throws {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        self.output = url
        spare = BuildCache.spareURL(beside: url)
        outputPath = url.path
        sparePath = spare.path
        self.fingerprint = fingerprint
        try? DiskSink.removeLeftovers(beside: url)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw BuildError.io(path: url.path, reason: "cannot create the output's parent folder: \(error.localizedDescription)")
        }
        let caches = BuildCache.loadAll(beside: url)
        let liveID = FileTree.FolderID(path: url.path), spareID = FileTree.FolderID(path: spare.path)
        let live = caches.first { $0.cache.folder != nil && $0.cache.folder == liveID }
        let spareState = caches.first { $0.cache.folder != nil && $0.cache.folder == spareID }?.cache
        liveCache = live?.cache
        // From here on the spare changes, so no cache file may vouch for it until the
        // next swap: the live site's cache goes under the live name (whatever name it
        // had), and the spare's cache file goes.
        let liveName = BuildCache.url(beside: url)
        if let live, live.file != liveName { _ = rename(live.file.path, liveName.path) }
        try? fm.removeItem(at: BuildCache.spareCacheURL(beside: url))
        if live == nil { try? fm.removeItem(at: liveName) }
        if let spareState {
            spareCache = spareState
            startedAfresh = false
        } else {
            startedAfresh = true
            spareCache = BuildCache(fingerprint: "", warnings: 0, entries: [:])
            try? fm.removeItem(at: spare)
            do {
                try fm.createDirectory(at: spare, withIntermediateDirectories: false)
            } catch {
                throw BuildError.io(path: spare.path, reason: "cannot create the build folder: \(error.localizedDescription)")
            }
        }
        folders = FolderMaker(root: spare.path)
    }

    /// The inputs' fingerprint, when it was taken beside the build rather than before it.
    public func record(fingerprint: String) {
        lock.lock(); self.fingerprint = fingerprint; lock.unlock()
    }

    /// Warnings of this build, kept in the cache so a later no-op build can say so.
    public func recordWarnings(_ count: Int) {
        lock.lock(); warnings = count; lock.unlock()
    }

    /// Files written (not unchanged) so far.
    public var rewrittenCount: Int {
        lock.lock(); defer { lock.unlock() }
        return rewritten
    }

    /// Files kept by `keep(_:madeFrom:)` so far: not made again.
    public var memoizedCount: Int {
        lock.lock(); defer { lock.unlock() }
        return memoized
    }

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        try write(path, bytes, key: nil)
    }

    public func write(_ path: String, _ bytes: [UInt8], madeFrom key: UInt64, dependingOn dependencies: UInt64?) throws {
        try write(path, bytes, key: key, dependencies: dependencies)
    }

    public var memoizes: Bool { true }

    public var hasMemos: Bool { liveCache != nil }

    public func keptContents(_ path: String) -> [UInt8]? {
        guard DiskSink.isSafeRelativePath(path), let data = FileManager.default.contents(atPath: sparePath + "/" + path) else { return nil }
        return [UInt8](data)
    }

    public func keep(_ path: String, madeFrom key: UInt64, dependingOn dependencies: UInt64?) -> Bool {
        guard let entry = liveCache?.entries[path], entry.key == key,
              keep(path, size: entry.size, hash: entry.hash, key: key, dependencies: dependencies) else { return false }
        lock.lock(); memoized += 1; lock.unlock()
        return true
    }

    public func keep(_ path: String, dependingOn dependencies: UInt64) -> Bool {
        guard let entry = liveCache?.entries[path], entry.dependencies == dependencies, let key = entry.key,
              keep(path, size: entry.size, hash: entry.hash, key: key, dependencies: dependencies) else { return false }
        lock.lock(); memoized += 1; lock.unlock()
        return true
    }

    private func write(_ path: String, _ bytes: [UInt8], key: UInt64?, dependencies: UInt64? = nil) throws {
        guard DiskSink.isSafeRelativePath(path) else {
            throw BuildError.io(path: path, reason: "refusing to write outside the output folder")
        }
        let hash = BuildCache.hash(bytes)
        if keep(path, size: bytes.count, hash: hash, key: key, dependencies: dependencies) { return }
        try folders.ensureParent(of: path)
        let target = sparePath + "/" + path
        func failed(_ failure: FileWriter.Failure) -> BuildError {
            .io(path: target, reason: FileWriter.describe(failure))
        }
        // A path the spare does not have is created in place (no cache vouches for the
        // spare until the swap, so a half-written file is never trusted); one it has is
        // replaced by a rename, never written through (it may be a hard link to the live
        // site's copy).
        let created: FileTree.Stamp?
        do { created = try FileWriter.create(bytes, at: target) } catch { throw failed(error) }
        let stamp: FileTree.Stamp
        if let created {
            stamp = created
        } else {
            try replace(target) { temporary in
                do throws(FileWriter.Failure) { try FileWriter.write(bytes, to: temporary) } catch { throw failed(error) }
                return true
            }
            stamp = FileTree.stamp(of: target) ?? FileTree.Stamp(size: bytes.count, modified: 0)
        }
        record(path, BuildCache.Entry(size: stamp.size, modified: stamp.modified, hash: hash, key: key, dependencies: dependencies), rewritten: true)
    }

    /// Keeps a file with these bytes without writing it: the spare's copy if it has
    /// them, else the live site's, hard-linked. False when neither tree has them intact.
    /// `key`, `dependencies`: what the bytes were made from this time, if the caller knows.
    private func keep(_ path: String, size: Int, hash: UInt64, key: UInt64? = nil, dependencies: UInt64? = nil) -> Bool {
        let target = sparePath + "/" + path
        if var entry = spareCache.entry(path, size: size, hash: hash, at: target) {
            entry.key = key
            entry.dependencies = dependencies
            record(path, entry, rewritten: false)
            return true
        }
        let live = outputPath + "/" + path
        if var entry = liveCache?.entry(path, size: size, hash: hash, at: live),
           (try? folders.ensureParent(of: path)) != nil,
           (try? replace(target) { link(live, $0) == 0 }) != nil {
            entry.key = key
            entry.dependencies = dependencies
            record(path, entry, rewritten: false)
            return true
        }
        return false
    }

    public func reuse(step: String, key: String) -> [String]? {
        guard let liveCache, let previous = liveCache.steps[step], previous.key == key else { return nil }
        for path in previous.paths {
            guard let entry = liveCache.entries[path], keep(path, size: entry.size, hash: entry.hash) else { return nil }
        }
        remember(step: step, key: key, paths: previous.paths)
        return previous.paths
    }

    public func remember(step: String, key: String, paths: [String]) {
        lock.lock()
        steps[step] = BuildCache.StepRecord(key: key, paths: paths)
        lock.unlock()
    }

    /// Puts a new file at `target` atomically: `make` creates it at a temporary path in
    /// the same folder, which is then renamed over whatever `target` was.
    private func replace(_ target: String, _ make: (String) throws -> Bool) throws {
        let temporary = (target as NSString).deletingLastPathComponent + "/.tome-tmp-" + UUID().uuidString
        do {
            guard try make(temporary) else { throw BuildError.io(path: target, reason: "cannot create the file") }
            guard rename(temporary, target) == 0 else { throw BuildError.io(path: target, reason: "cannot move the new file into place") }
        } catch {
            _ = unlink(temporary)
            throw error as? BuildError ?? BuildError.io(path: target, reason: error.localizedDescription)
        }
    }

    public func copy(from source: String, to path: String) throws {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw BuildError.io(path: source, reason: "cannot read file")
        }
        try write(path, Array(data))
    }

    private func record(_ path: String, _ entry: BuildCache.Entry, rewritten: Bool) {
        lock.lock()
        written[path] = entry
        if rewritten { self.rewritten += 1 }
        lock.unlock()
    }

    /// Removes spare outputs this build did not produce, swaps the spare in, and records
    /// both trees' caches. A spare this build started empty holds nothing else, so it is
    /// not walked (a `readdir` of each of the C++ corpus's 9,800 folders, at the very end
    /// of a full build).
    public func commit() throws {
        lock.lock()
        let produced = written, steps = self.steps, fingerprint = self.fingerprint, warnings = self.warnings
        lock.unlock()
        if !startedAfresh { _ = prune("", keeping: produced) }
        let fm = FileManager.default
        let newID = FileTree.FolderID(path: spare.path)
        if fm.fileExists(atPath: output.path) {
            if !DiskSink.exchange(spare.path, output.path) {
                // No atomic exchange here (old kernel, another file system): two renames,
                // which a killed build's successor repairs (`DiskSink.removeLeftovers`).
                try DiskSink.swapByRenaming(output, with: spare)
            }
            // The old site is the spare now, and its cache follows it.
            if liveCache != nil {
                _ = rename(BuildCache.url(beside: output).path, BuildCache.spareCacheURL(beside: output).path)
            }
        } else {
            guard rename(spare.path, output.path) == 0 else {
                throw BuildError.io(path: output.path, reason: "cannot move the new site into place")
            }
        }
        try BuildCache(fingerprint: fingerprint, warnings: warnings, entries: produced, steps: steps, folder: newID)
            .save(to: BuildCache.url(beside: output))
    }

    /// Deletes from the spare every file this build did not produce, whether an earlier
    /// build wrote it or someone put it there by hand, and the folders that leaves empty.
    /// One `readdir` per folder, no `stat`. Returns whether `relative` is now empty.
    private func prune(_ relative: String, keeping produced: [String: BuildCache.Entry]) -> Bool {
        let folder = relative.isEmpty ? sparePath : sparePath + "/" + relative
        guard let children = FileTree.children(of: folder) else { return false }
        var left = 0
        for (name, kind) in children {
            let path = relative.isEmpty ? name : relative + "/" + name
            let gone = switch kind {
            case .directory: prune(path, keeping: produced) && rmdir(sparePath + "/" + path) == 0
            default: produced[path] == nil && unlink(sparePath + "/" + path) == 0
            }
            if !gone { left += 1 }
        }
        return left == 0
    }

    /// Leaves the live site as it was (a build with errors). The spare is half updated:
    /// it holds what it held plus what this build put into it, and its cache says exactly
    /// that, so the build after the fix starts from it instead of from nothing.
    public func discard() {
        lock.lock()
        var entries = spareCache.entries
        entries.merge(written) { _, new in new }
        lock.unlock()
        guard let folder = FileTree.FolderID(path: spare.path) else { return }
        try? BuildCache(fingerprint: "", warnings: 0, entries: entries, folder: folder)
            .save(to: BuildCache.spareCacheURL(beside: output))
    }
}

/// What a build wrote into one tree: the tree's folder identity, each file's size,
/// modification time and hash, the input fingerprint and the warning count.
public struct BuildCache: Sendable {
    public struct Entry: Sendable, Hashable {
        var size: Int
        /// Modification time in nanoseconds since 1970.
        var modified: Int64
        var hash: UInt64
        /// What the file was made from (`OutputSink.keep`), when its step said.
        var key: UInt64? = nil
        /// The cheaper digest of what `key` is made from (`OutputSink.keep(_:dependingOn:)`);
        /// recorded only with a key.
        var dependencies: UInt64? = nil
    }

    var fingerprint: String
    /// Warnings the build that wrote the cache reported.
    var warnings: Int
    var entries: [String: Entry]
    /// Steps that can be skipped when their key is unchanged (`OutputSink.reuse`).
    var steps: [String: StepRecord]
    /// The folder these entries describe; nil for an empty description.
    var folder: FileTree.FolderID?

    /// What a step read (its key) and the files it wrote.
    struct StepRecord: Sendable, Equatable {
        var key: String
        var paths: [String]
    }

    init(fingerprint: String, warnings: Int, entries: [String: Entry], steps: [String: StepRecord] = [:], folder: FileTree.FolderID? = nil) {
        self.fingerprint = fingerprint
        self.warnings = warnings
        self.entries = entries
        self.steps = steps
        self.folder = folder
    }

    /// Step lines start with `/`, which no output path does:
    /// `/step TAB name TAB key TAB path TAB path …`.
    static let stepMarker = UInt8(ascii: "/")

    static let version = "tome-cache 6"

    /// The live site's cache: `.Public.tome-cache` beside `Public`.
    static func url(beside output: URL) -> URL { sibling(of: output, ".tome-cache") }
    /// The spare tree, `.Public.tome-spare`, and its cache.
    static func spareURL(beside output: URL) -> URL { sibling(of: output, ".tome-spare") }
    static func spareCacheURL(beside output: URL) -> URL { sibling(of: output, ".tome-spare-cache") }

    private static func sibling(of output: URL, _ suffix: String) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent)\(suffix)")
    }

    /// Both caches beside the output that can be read; which tree each one describes is
    /// in its `folder`.
    static func loadAll(beside output: URL) -> [(file: URL, cache: BuildCache)] {
        [url(beside: output), spareCacheURL(beside: output)].compactMap { file in load(from: file).map { (file, $0) } }
    }

    /// Nil when absent, torn or of another version: the build then trusts nothing in it.
    static func load(from file: URL) -> BuildCache? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        // 20,000 lines on a large site: split bytes, not Strings.
        let lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        guard lines.count >= 5, text(lines[0]) == version, text(lines[lines.count - 1]) == "end",
              let folder = FileTree.FolderID(Substring(text(lines[1]))),
              case let header = text(lines[3]), header.hasPrefix("warnings "),
              let warnings = Int(header.dropFirst("warnings ".count)) else { return nil }
        var entries: [String: Entry] = [:]
        var steps: [String: StepRecord] = [:]
        entries.reserveCapacity(lines.count)
        for line in lines[4..<(lines.count - 1)] {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            if line.first == stepMarker {
                guard fields.count >= 3, text(fields[0]) == "/step" else { return nil }
                steps[text(fields[1])] = StepRecord(key: text(fields[2]), paths: fields.dropFirst(3).map(text))
                continue
            }
            guard (4...6).contains(fields.count), let size = Int(text(fields[1])), let modified = Int64(text(fields[2])),
                  let hash = UInt64(text(fields[3]), radix: 16) else { return nil }
            var key: UInt64?, dependencies: UInt64?
            if fields.count >= 5 {
                guard let made = UInt64(text(fields[4]), radix: 16) else { return nil }
                key = made
            }
            if fields.count == 6 {
                guard let digest = UInt64(text(fields[5]), radix: 16) else { return nil }
                dependencies = digest
            }
            entries[text(fields[0])] = Entry(size: size, modified: modified, hash: hash, key: key, dependencies: dependencies)
        }
        return BuildCache(fingerprint: text(lines[2]), warnings: warnings, entries: entries, steps: steps, folder: folder)
    }

    /// Written to a temporary file and renamed into place, so a reader sees the old
    /// cache or the new one.
    func save(to target: URL) throws {
        var text = BuildCache.version + "\n" + (folder?.description ?? "-") + "\n" + fingerprint + "\nwarnings \(warnings)\n"
        for path in entries.keys.sorted() {
            let e = entries[path]!
            text += "\(path)\t\(e.size)\t\(e.modified)\t\(String(e.hash, radix: 16))"
            if let key = e.key {
                text += "\t" + String(key, radix: 16)
                if let dependencies = e.dependencies { text += "\t" + String(dependencies, radix: 16) }
            }
            text += "\n"
        }
        for name in steps.keys.sorted() {
            let step = steps[name]!
            text += (["/step", name, step.key] + step.paths).joined(separator: "\t") + "\n"
        }
        text += "end"
        do {
            try Data(text.utf8).write(to: target, options: .atomic)
        } catch {
            throw BuildError.io(path: target.path, reason: "cannot write the build cache: \(error.localizedDescription)")
        }
    }

    /// The recorded entry for `path` if it has this size and hash and the file at `file`
    /// is still exactly as recorded (same size and modification time).
    func entry(_ path: String, size: Int, hash: UInt64, at file: String) -> Entry? {
        guard let entry = entries[path], entry.size == size, entry.hash == hash,
              let stamp = FileTree.stamp(of: file), stamp == FileTree.Stamp(size: entry.size, modified: entry.modified)
        else { return nil }
        return entry
    }

    /// The no-op check: the fingerprint and warning count of the previous build if the
    /// live cache describes the output folder and every file it recorded is still on disk
    /// exactly as written, else nil. Read straight from the cache's bytes, one `fstatat`
    /// per file (20,000 on a large site: most of a no-op build) spread over all cores,
    /// without building the cache in memory.
    static func intactSummary(beside output: URL) -> (fingerprint: String, warnings: Int, fileCount: Int)? {
        guard let data = FileManager.default.contents(atPath: url(beside: output).path) else { return nil }
        let bytes = [UInt8](data)
        var lines: [Range<Int>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            lines.append(start..<i)
            start = i + 1
        }
        lines.append(start..<bytes.count)
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        guard lines.count >= 5, text(lines[0]) == version, text(lines[lines.count - 1]) == "end",
              let folder = FileTree.FolderID(Substring(text(lines[1]))), folder == FileTree.FolderID(path: output.path),
              case let header = text(lines[3]), header.hasPrefix("warnings "),
              let warnings = Int(header.dropFirst("warnings ".count)) else { return nil }
        // File lines, then step lines (`save` writes them in that order).
        let files = lines[4..<(lines.count - 1)].prefix { $0.isEmpty || bytes[$0.lowerBound] != stepMarker }
        let root = open(output.path, O_RDONLY | O_DIRECTORY)
        guard root >= 0 else { return nil }
        defer { close(root) }
        let parts = min(files.count, defaultConcurrency * 4)
        let damaged = AtomicFlag()
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            bytes.withUnsafeBufferPointer { buffer in
                var path = [CChar](repeating: 0, count: 256)
                var i = files.startIndex + part
                while i < files.endIndex, !damaged.isSet {
                    if !fileMatches(buffer[files[i]], root: root, path: &path) { damaged.set() }
                    i += parts
                }
            }
        }
        return damaged.isSet ? nil : (text(lines[2]), warnings, files.count)
    }

    /// One cache line, `path TAB size TAB modified TAB hash [TAB key [TAB dependencies]]`,
    /// against the file on disk.
    private static func fileMatches(_ line: Slice<UnsafeBufferPointer<UInt8>>, root: Int32, path: inout [CChar]) -> Bool {
        var fields: [Slice<UnsafeBufferPointer<UInt8>>] = []
        fields.reserveCapacity(4)
        var start = line.startIndex
        for i in line.indices where line[i] == UInt8(ascii: "\t") {
            fields.append(line[start..<i])
            start = i + 1
        }
        fields.append(line[start..<line.endIndex])
        guard (4...6).contains(fields.count), let size = decimal(fields[1]), let modified = decimal(fields[2]) else { return false }
        if path.count <= fields[0].count { path = [CChar](repeating: 0, count: fields[0].count * 2) }
        var n = 0
        for b in fields[0] { path[n] = CChar(bitPattern: b); n += 1 }
        path[n] = 0
        var info = stat()
        guard fstatat(root, path, &info, 0) == 0 else { return false }
        return FileTree.Stamp(size: Int(info.st_size), modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
            == FileTree.Stamp(size: Int(size), modified: modified)
    }

    private static func decimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// A file's hash, as the cache records it.
    static func hash(_ bytes: [UInt8]) -> UInt64 { Digest.of(bytes) }
}

/// A flag any thread may set once; the others see it soon after.
private final class AtomicFlag: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

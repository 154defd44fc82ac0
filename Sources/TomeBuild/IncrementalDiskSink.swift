import Foundation
import TomeCore
#if canImport(Glibc)
import Glibc
#endif

/// Incremental output: a `DiskSink` whose staging folder starts as hard links to the
/// previous site, so an output whose bytes did not change is not written at all and
/// keeps its modification time; a changed output is written to a temporary file and
/// renamed over its link (the previous site's file is never written through). Outputs
/// the build no longer produces are removed before the swap. The result is the same
/// tree a clean build writes, and the swap is the same atomic one.
///
/// What was written is recorded in a cache beside the output (`.<name>.tome-cache`):
/// each file's size, modification time and hash, and a fingerprint of every input.
/// A file is trusted unchanged only if its size and time on disk still match.
public final class IncrementalDiskSink: OutputSink, @unchecked Sendable {
    // @unchecked: `written` is guarded by `lock`; everything else is immutable.
    private let disk: DiskSink
    private let previous: BuildCache
    private let lock = NSLock()
    private var written: [String: BuildCache.Entry] = [:]
    private var rewritten = 0

    public var output: URL { disk.output }

    /// - Parameter fingerprint: the inputs' fingerprint, stored for the next no-op check.
    public init(output: String, fingerprint: String) throws {
        disk = try DiskSink(output: output)
        previous = BuildCache.load(beside: disk.output) ?? BuildCache(fingerprint: "", warnings: 0, entries: [:])
        self.fingerprint = fingerprint
        linkPreviousSite()
    }

    private var fingerprint: String

    /// Warnings of this build, kept in the cache so a later no-op build can say so.
    public func recordWarnings(_ count: Int) {
        lock.lock(); warnings = count; lock.unlock()
    }

    private var warnings = 0

    /// Files written (not unchanged) so far.
    public var rewrittenCount: Int {
        lock.lock(); defer { lock.unlock() }
        return rewritten
    }

    private func linkPreviousSite() {
        let root = disk.output.path, staging = disk.staging.path
        // A folder is visited before anything inside it.
        FileTree.walk(root) { entry in
            if entry.isDirectory {
                _ = mkdir(staging + "/" + entry.path, 0o755)
            } else if previous.entries[entry.path] != nil {
                _ = link(root + "/" + entry.path, staging + "/" + entry.path)
            }
        }
    }

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        guard DiskSink.isSafeRelativePath(path) else {
            throw BuildError.io(path: path, reason: "refusing to write outside the output folder")
        }
        let hash = BuildCache.hash(bytes)
        let target = disk.staging.path + "/" + path
        if let old = previous.entries[path], old.size == bytes.count, old.hash == hash,
           let stamp = FileTree.stamp(of: target), stamp.size == old.size, stamp.modified == old.modified {
            record(path, BuildCache.Entry(size: old.size, modified: old.modified, hash: hash), rewritten: false)
            return
        }
        let folder = (target as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/.tome-tmp-" + UUID().uuidString
        do {
            do {
                try FileWriter.write(bytes, to: temporary)
            } catch {
                throw BuildError.io(path: target, reason: FileWriter.describe(error))
            }
            guard rename(temporary, target) == 0 else { throw BuildError.io(path: target, reason: "cannot move the new file into place") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error as? BuildError ?? BuildError.io(path: target, reason: error.localizedDescription)
        }
        let stamp = FileTree.stamp(of: target) ?? FileTree.Stamp(size: bytes.count, modified: 0)
        record(path, BuildCache.Entry(size: stamp.size, modified: stamp.modified, hash: hash), rewritten: true)
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

    /// Removes outputs this build did not produce, swaps the site in, saves the cache.
    public func commit() throws {
        lock.lock()
        let produced = written
        lock.unlock()
        var folders: [String] = []
        FileTree.walk(disk.staging.path) { entry in
            let full = disk.staging.path + "/" + entry.path
            if entry.isDirectory {
                folders.append(full)
            } else if produced[entry.path] == nil {
                _ = unlink(full)
            }
        }
        // Deepest first, so emptied parents go too (rmdir fails on a folder that is not empty).
        for folder in folders.sorted(by: { $0.count > $1.count }) { _ = rmdir(folder) }
        // Old cache out, site in, new cache in. A build killed in between leaves no cache,
        // so the next build trusts nothing and rewrites every file. (Saving the new cache
        // before the swap could describe a site that never arrived: unchanged files share
        // their inode, so an old site missing only deleted pages would look intact.)
        lock.lock()
        let fingerprint = self.fingerprint, warnings = self.warnings
        lock.unlock()
        try? FileManager.default.removeItem(at: BuildCache.url(beside: disk.output))
        try disk.commit()
        try BuildCache(fingerprint: fingerprint, warnings: warnings, entries: produced).save(beside: disk.output)
    }

    public func discard() { disk.discard() }
}

/// What the previous build wrote, beside the output folder.
public struct BuildCache: Sendable {
    public struct Entry: Sendable, Hashable {
        var size: Int
        /// Modification time in nanoseconds since 1970.
        var modified: Int64
        var hash: UInt64
    }

    var fingerprint: String
    /// Warnings the build that wrote the cache reported.
    var warnings: Int
    var entries: [String: Entry]

    static let version = "tome-cache 2"

    static func url(beside output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tome-cache")
    }

    /// Nil when absent, torn or of another version: the build then rewrites everything.
    static func load(beside output: URL) -> BuildCache? {
        guard let data = FileManager.default.contents(atPath: url(beside: output).path) else { return nil }
        // 20,000 lines on a large site: split bytes, not Strings.
        let lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        guard lines.count >= 4, text(lines[0]) == version, text(lines[lines.count - 1]) == "end",
              case let header = text(lines[2]), header.hasPrefix("warnings "),
              let warnings = Int(header.dropFirst("warnings ".count)) else { return nil }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(lines.count)
        for line in lines[3..<(lines.count - 1)] {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 4, let size = Int(text(fields[1])), let modified = Int64(text(fields[2])),
                  let hash = UInt64(text(fields[3]), radix: 16) else { return nil }
            entries[text(fields[0])] = Entry(size: size, modified: modified, hash: hash)
        }
        return BuildCache(fingerprint: text(lines[1]), warnings: warnings, entries: entries)
    }

    func save(beside output: URL) throws {
        var text = BuildCache.version + "\n" + fingerprint + "\nwarnings \(warnings)\n"
        for path in entries.keys.sorted() {
            let e = entries[path]!
            text += "\(path)\t\(e.size)\t\(e.modified)\t\(String(e.hash, radix: 16))\n"
        }
        text += "end"
        let target = BuildCache.url(beside: output)
        do {
            try Data(text.utf8).write(to: target, options: .atomic)
        } catch {
            throw BuildError.io(path: target.path, reason: "cannot write the build cache: \(error.localizedDescription)")
        }
    }

    /// True when every recorded output is still on disk exactly as written.
    /// The no-op check: the fingerprint and warning count of the previous build if every
    /// file it recorded is still on disk exactly as written, else nil. Read straight from
    /// the cache's bytes, one `fstatat` per file (20,000 on a large site: most of a no-op
    /// build) spread over all cores, without building the cache in memory.
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
              case let header = text(lines[2]), header.hasPrefix("warnings "),
              let warnings = Int(header.dropFirst("warnings ".count)) else { return nil }
        let files = lines[3..<(lines.count - 1)]
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
        return damaged.isSet ? nil : (text(lines[1]), warnings, files.count)
    }

    /// One cache line, `path TAB size TAB modified TAB hash`, against the file on disk.
    private static func fileMatches(_ line: Slice<UnsafeBufferPointer<UInt8>>, root: Int32, path: inout [CChar]) -> Bool {
        var fields: [Slice<UnsafeBufferPointer<UInt8>>] = []
        fields.reserveCapacity(4)
        var start = line.startIndex
        for i in line.indices where line[i] == UInt8(ascii: "\t") {
            fields.append(line[start..<i])
            start = i + 1
        }
        fields.append(line[start..<line.endIndex])
        guard fields.count == 4, let size = decimal(fields[1]), let modified = decimal(fields[2]) else { return false }
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

    /// FNV-1a, 64 bits: fast, and only compared with itself.
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBufferPointer { buffer in
            for b in buffer {
                h ^= UInt64(b)
                h &*= 0x100_0000_01b3
            }
        }
        return h
    }
}

/// A flag any thread may set once; the others see it soon after.
private final class AtomicFlag: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

import Foundation
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
        let fm = FileManager.default
        let root = disk.output.path
        guard let enumerator = fm.enumerator(atPath: root) else { return }
        while let relative = enumerator.nextObject() as? String {
            let source = root + "/" + relative
            let target = disk.staging.path + "/" + relative
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: source, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try? fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            } else if previous.entries[relative] != nil {
                _ = link(source, target)
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
           let stamp = BuildCache.stamp(of: target), stamp.size == old.size, stamp.modified == old.modified {
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
        let stamp = BuildCache.stamp(of: target) ?? (bytes.count, 0)
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
        let fm = FileManager.default
        lock.lock()
        let produced = written
        lock.unlock()
        if let enumerator = fm.enumerator(atPath: disk.staging.path) {
            var folders: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let full = disk.staging.path + "/" + relative
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue { folders.append(full); continue }
                if produced[relative] == nil { try? fm.removeItem(atPath: full) }
            }
            // Deepest first, so emptied parents go too.
            for folder in folders.sorted(by: { $0.count > $1.count }) {
                if (try? fm.contentsOfDirectory(atPath: folder))?.isEmpty == true { try? fm.removeItem(atPath: folder) }
            }
        }
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
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines[0] == version, lines.last == "end",
              lines[2].hasPrefix("warnings "), let warnings = Int(lines[2].dropFirst("warnings ".count)) else { return nil }
        var entries: [String: Entry] = [:]
        for line in lines[3..<(lines.count - 1)] {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let size = Int(fields[1]), let modified = Int64(fields[2]), let hash = UInt64(fields[3], radix: 16) else { return nil }
            entries[String(fields[0])] = Entry(size: size, modified: modified, hash: hash)
        }
        return BuildCache(fingerprint: String(lines[1]), warnings: warnings, entries: entries)
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
    func outputIsIntact(_ output: URL) -> Bool {
        for (path, entry) in entries {
            guard let stamp = BuildCache.stamp(of: output.path + "/" + path), stamp.size == entry.size, stamp.modified == entry.modified else { return false }
        }
        return !entries.isEmpty
    }

    static func stamp(of path: String) -> (size: Int, modified: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
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

import Hummingbird
import Synchronization

/// Recently served files in memory, keyed by real path (and whether the live-reload
/// script was added), checked against the file's size, modification time and inode on
/// every request, so a rebuild is seen at once. An entry keeps the bytes as served and,
/// made on the first request that accepts it, their gzip form: a file is compressed
/// once, not per request.
///
/// Bounded: `limit` bytes over bodies and gzip forms together, so memory stays flat.
/// When a new entry does not fit, random entries leave until it does: under a rotation
/// over more files than fit (a crawler, a load test) random eviction keeps a share of
/// hits, where least-recently-used or starting over would keep none.
final class FileCache: Sendable {
    /// A file as served: its bytes, and their gzip form when it was asked for and is smaller.
    struct Representation: Sendable {
        var body: ByteBuffer
        var gzip: ByteBuffer?
    }

    private struct Key: Hashable {
        var path: String
        var reloadScript: Bool
    }

    private enum Compressed {
        case notYet
        case notSmaller
        case gzip(ByteBuffer)

        var bytes: Int { if case .gzip(let b) = self { b.readableBytes } else { 0 } }
    }

    private struct Entry {
        var info: FileSystem.Info
        var body: ByteBuffer
        var compressed: Compressed
        var slot = 0
        var cost: Int { body.readableBytes + compressed.bytes }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Every key once, for picking a random victim in O(1); `Entry.slot` is its place.
        var keys: [Key] = []
        var bytes = 0

        mutating func remove(at slot: Int) {
            let key = keys[slot]
            let last = keys.removeLast()
            if slot < keys.count {
                keys[slot] = last
                entries[last]!.slot = slot
            }
            bytes -= entries.removeValue(forKey: key)!.cost
        }
    }

    private let state = Mutex(State())
    let limit: Int
    let largestFile: Int

    init(limit: Int = 128 << 20, largestFile: Int = 4 << 20) {
        self.limit = limit
        self.largestFile = largestFile
    }

    /// Bytes and entries held now (tests check the bound).
    var usage: (bytes: Int, entries: Int) { state.withLock { ($0.bytes, $0.entries.count) } }

    /// The file's bytes (with the reload script when `reloadScript`) and, when `gzip` is
    /// true and they compress, their gzip form. Nil when the file cannot be read.
    func representation(of path: String, info: FileSystem.Info, reloadScript: Bool = false, gzip: Bool = false) -> Representation? {
        let key = Key(path: path, reloadScript: reloadScript)
        let body: ByteBuffer
        if let hit = state.withLock({ s in s.entries[key].flatMap { $0.info == info ? $0 : nil } }) {
            switch hit.compressed {
            case .gzip(let z): return Representation(body: hit.body, gzip: gzip ? z : nil)
            case .notSmaller: return Representation(body: hit.body)
            case .notYet: if !gzip { return Representation(body: hit.body) }
            }
            body = hit.body
        } else {
            guard var bytes = FileSystem.read(path) else { return nil }
            if reloadScript { bytes = LiveReload.inject(into: bytes) }
            body = ByteBuffer(bytes: bytes)
            // Too large to keep, or changed while it was read: serve as read, keep nothing.
            guard bytes.count <= largestFile, FileSystem.info(path) == info else { return Representation(body: body) }
        }
        var compressed = Compressed.notYet
        if gzip {
            compressed = body.withUnsafeReadableBytes { HTTPCompression.gzip($0) }.map { .gzip(ByteBuffer(bytes: $0)) } ?? .notSmaller
        }
        store(key, Entry(info: info, body: body, compressed: compressed))
        if case .gzip(let z) = compressed { return Representation(body: body, gzip: z) }
        return Representation(body: body)
    }

    private func store(_ key: Key, _ entry: Entry) {
        var entry = entry
        let cost = entry.cost
        guard cost <= limit else { return }
        state.withLock { s in
            if let old = s.entries[key] { s.remove(at: old.slot) }
            while s.bytes + cost > limit, !s.keys.isEmpty {
                s.remove(at: Int.random(in: 0..<s.keys.count))
            }
            entry.slot = s.keys.count
            s.keys.append(key)
            s.entries[key] = entry
            s.bytes += cost
        }
    }

    func removeAll() { state.withLock { $0 = State() } }
}

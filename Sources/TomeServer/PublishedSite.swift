import Foundation
import Synchronization
import TomeSearch

/// The built site the server answers from: `Public/` on disk, its search index and
/// a small cache of file bytes. `reload()` forgets everything after a rebuild swapped
/// a new `Public/` into place; nothing here ever writes to the site.
public final class PublishedSite: Sendable {
    /// Absolute path of the site folder as given (may itself be a symlink).
    public let root: String
    let searchInstances: Int
    /// Cached `/api/search` answers per loaded index (0 turns the cache off).
    let searchCacheEntries: Int
    private let state = Mutex<State>(State())
    let files = FileCache()

    private struct State {
        var generation = 0
        var pool: SearchPool?
    }

    public init(directory: String, searchInstances: Int? = nil, searchCacheEntries: Int = PublishedSite.defaultSearchCacheEntries) {
        let absolute = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        self.searchInstances = max(1, searchInstances ?? SearchPool.defaultInstances)
        self.searchCacheEntries = max(0, searchCacheEntries)
    }

    /// Increments on every `reload()`; live-reload clients compare it.
    public var generation: Int { state.withLock { $0.generation } }

    /// Forget the cached index and files (the site on disk changed).
    public func reload() {
        state.withLock { $0.generation += 1; $0.pool = nil }
        files.removeAll()
    }

    /// Loads the index now, so the first query does not pay for it. Throws
    /// `IndexFormatError` when the site has no usable index.
    public func warmUp() throws { _ = try searchPool() }

    var searchDirectory: String { root + "/search" }

    package func searchPool() throws -> SearchPool {
        if let pool = state.withLock({ $0.pool }) { return pool }
        let generation = self.generation
        let pool = try SearchPool(directory: searchDirectory, instances: searchInstances,
                                  responses: ResponseCache(capacity: searchCacheEntries))
        return state.withLock { s in
            if s.generation == generation, s.pool == nil { s.pool = pool }
            return s.pool ?? pool
        }
    }

    /// The real path of the site folder right now (a rebuild may swap it).
    func realRoot() -> String? { FileSystem.realPath(root) }
}

extension PublishedSite {
    /// One loaded index per core, at most 4.
    public static var defaultSearchInstances: Int { SearchPool.defaultInstances }
    /// Distinct `/api/search` requests whose answers are kept (CLOCK eviction, 16 MB at most).
    public static let defaultSearchCacheEntries = 1024
}

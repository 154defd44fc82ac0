import Foundation
import Synchronization
import TomeSearch

/// A few fully loaded copies of one search index, each behind its own lock.
///
/// `SearchIndex` fills caches lazily and is not thread-safe, so every copy is loaded
/// completely up front (`loadAll()`, which also verifies every checksum) and only ever
/// touched under its lock. Several copies let queries run on every core at once.
package final class SearchPool: Sendable {
    static var defaultInstances: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    private final class Slot: Sendable {
        let index: Mutex<SearchIndex>
        init(_ index: sending SearchIndex) { self.index = Mutex(index) }
    }

    private let slots: [Slot]
    /// Pages by URL (`/support/faq/`), with their sections, read once from the doc store.
    package let pages: [String: PageRecord]
    /// Page URLs in index order (books and pages as the site lists them).
    package let pageOrder: [String]
    let manifest: Manifest
    /// Encoded answers to repeated requests; goes with this index when a rebuild replaces it.
    let responses: ResponseCache

    init(directory: String, instances: Int, responses: ResponseCache = ResponseCache(capacity: 0)) throws {
        self.responses = responses
        var slots: [Slot] = []
        var pages: [String: PageRecord] = [:]
        var order: [String] = []
        var manifest: Manifest?
        for i in 0..<max(1, instances) {
            let index = try SearchIndex.open(directory: directory)
            try index.loadAll()
            if i == 0 {
                manifest = index.manifest
                for doc in 0..<index.manifest.docCount {
                    guard let s = try index.section(doc) else { continue }
                    if pages[s.pageURL] == nil {
                        order.append(s.pageURL)
                        pages[s.pageURL] = PageRecord(url: s.pageURL, title: s.pageTitle, book: s.book, bookTitle: s.bookTitle,
                                                      type: s.type, tags: s.tags, sections: [])
                    }
                    pages[s.pageURL]!.sections.append(.init(url: s.url, heading: s.heading, headingPath: s.headingPath))
                }
            }
            slots.append(Slot(index))
        }
        self.slots = slots
        self.pages = pages
        self.pageOrder = order
        self.manifest = manifest!
    }

    /// Runs a query on a free copy (or waits for one), starting with the calling thread's
    /// own copy: a thread that keeps using one copy finds its ranking scratch and decoded
    /// postings in its own core's cache, where taking the copies in turn would fetch them
    /// from the other core's.
    package func search(_ query: String, options: SearchOptions) throws -> SearchResults {
        let start = ThreadSlot.current
        let n = slots.count
        for k in 0..<n {
            let slot = slots[(start &+ k) % n]
            if let result = try slot.index.withLockIfAvailable({ index throws -> SearchResults in
                try index.search(query, options: options)
            }) {
                return result
            }
        }
        return try slots[start % n].index.withLock { index throws -> SearchResults in
            try index.search(query, options: options)
        }
    }
}

/// What the doc store knows about one page.
package struct PageRecord: Sendable {
    package struct Section: Sendable {
        package var url: String
        package var heading: String
        package var headingPath: [String]
    }
    package var url: String
    package var title: String
    package var book: String
    package var bookTitle: String
    package var type: String
    package var tags: [String]
    package var sections: [Section]
}

/// A small number per thread, handed out in the order threads first ask (0, 1, 2, …) and
/// kept in a pthread key, so the same thread always gets the same number.
enum ThreadSlot {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    private static let issued = Atomic<Int>(0)

    static var current: Int {
        if let stored = pthread_getspecific(key) { return Int(bitPattern: stored) - 1 }
        let slot = issued.wrappingAdd(1, ordering: .relaxed).oldValue
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: slot + 1))
        return slot
    }
}

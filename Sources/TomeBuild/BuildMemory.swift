import Foundation
import TomeSearch
import TomeSite

/// What one process (`tome serve`, rebuilding on every save) keeps from one build to the
/// next: loaded pages (`LoadMemory`), so only files whose size or time changed are read
/// again; rendered pages, so a page whose Markdown, place and link targets are as they
/// were is not rendered again; and the search index's runs (`IndexMemory`), so only the
/// pages around an edit are analysed again.
///
/// A page's HTML, headings, sections, links and problems are a function of its body,
/// its id, file and first body line (links resolve from it, problems point into it), its
/// type (FAQ checks), the site's URL map and assets (`LinkResolver`), the raw-HTML policy
/// and the language. `RenderStep` keys each page on exactly these.
public final class BuildMemory: @unchecked Sendable {
    // @unchecked: `pages`, `facts` and `lastReused` are only touched under `lock`.
    private let lock = NSLock()
    private var pages: [String: (key: UInt64, rendered: RenderedPage)] = [:]
    private var lastReused = 0
    /// The search index's runs and doc store records from the last build (`IndexMemory`).
    public let index = IndexMemory()
    /// The pages the last build loaded, by file (`LoadMemory`).
    public let load = LoadMemory()
    /// Each page's facts as the last build's page step digested them (`PageKeys`), with the
    /// page and summary they were digested from.
    private var facts: [String: (page: Page, summary: String?, digest: UInt64)] = [:]

    public init() {}

    /// Pages the last build took from memory instead of rendering.
    public var reusedInLastBuild: Int {
        lock.lock(); defer { lock.unlock() }
        return lastReused
    }

    func rendered(_ id: String, key: UInt64) -> RenderedPage? {
        lock.lock(); defer { lock.unlock() }
        guard let kept = pages[id], kept.key == key else { return nil }
        return kept.rendered
    }

    /// The digest of `page`'s facts if the last build digested an equal page with this summary.
    func facts(of page: Page, summary: String?) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        guard let kept = facts[page.id], kept.summary == summary, kept.page == page else { return nil }
        return kept.digest
    }

    func remember(facts: [String: (page: Page, summary: String?, digest: UInt64)]) {
        lock.lock()
        self.facts = facts
        lock.unlock()
    }

    /// This build's pages replace the last build's (a deleted page is forgotten).
    func remember(_ rendered: [String: (key: UInt64, rendered: RenderedPage)], reused: Int) {
        lock.lock()
        pages = rendered
        lastReused = reused
        lock.unlock()
    }
}

extension RenderStep {
    /// What every page's rendering reads besides the page itself.
    static func siteKey(_ site: Site, resolver: LinkResolver, rawHTML: RawHTMLPolicy) -> Digest {
        var digest = resolver.identity
        digest.add(site.configuration.language)
        digest.add(rawHTML.unsafe ? 1 : 0)
        return digest
    }

    static func key(_ page: Page, site: Digest) -> UInt64 {
        var digest = site
        digest.add(page.id)
        digest.add(page.file)
        digest.add(page.bodyFirstLine)
        digest.add(page.type)
        digest.add(page.body)
        return digest.value
    }
}

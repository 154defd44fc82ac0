import Foundation
import TomeCore
import TomeMarkdown
import TomeSite

/// Step 3: Markdown → HTML for every page, in parallel, in a fixed order of results.
/// With a `BuildMemory` (`tome serve`), pages rendered by the previous build from the
/// same inputs are taken from it. With `keyed` (a build whose sink keeps memos), each
/// rendered page carries the key of what it was rendered from (`RenderedPage.source`).
struct RenderStep {
    let site: Site
    let progress: ProgressHandler?
    var memory: BuildMemory?
    var keyed = false

    func run() async -> [String: RenderedPage] {
        let resolver = LinkResolver(site: site)
        let rawHTML = RawHTMLPolicy(unsafe: site.configuration.unsafeHTML)
        let pages = site.orderedPages
        let language = site.configuration.language
        progress?("render", 0, pages.count)
        let memory = self.memory
        let siteKey = memory != nil || keyed ? RenderStep.siteKey(site, resolver: resolver, rawHTML: rawHTML) : nil
        let results = await concurrentMap(pages) { page -> (key: UInt64, rendered: RenderedPage, reused: Bool) in
            let key = siteKey.map { RenderStep.key(page, site: $0) } ?? 0
            if let memory, var kept = memory.rendered(page.id, key: key) {
                kept.page = page
                return (key, kept, true)
            }
            var rendered = RenderStep.render(page, resolver: resolver, rawHTML: rawHTML, language: language)
            rendered.source = key
            return (key, rendered, false)
        }
        if let memory {
            var kept: [String: (key: UInt64, rendered: RenderedPage)] = [:]
            for result in results { kept[result.rendered.page.id] = (result.key, result.rendered) }
            memory.remember(kept, reused: results.count { $0.reused })
        }
        // Moved out of the results, not copied: this runs on one core between two
        // parallel steps, and a copy of 10,000 rendered pages (and their release) showed.
        var byID: [String: RenderedPage] = [:]
        byID.reserveCapacity(results.count)
        var remaining = consume results
        while let result = remaining.popLast() { byID[result.rendered.page.id] = result.rendered }
        return byID
    }

    static func render(_ page: Page, resolver: LinkResolver, rawHTML: RawHTMLPolicy, language: String = "en") -> RenderedPage {
        let lineOffset = page.bodyFirstLine - 1
        let memo = ResolvedLinks.Recorder()
        let options = RenderOptions(
            resolveLink: { target in
                let outcome = resolver.resolve(target.destination, from: page.id, kind: target.kind)
                memo.record(target.destination, kind: target.kind, outcome)
                switch outcome {
                case .external(let url), .asset(let url):
                    return .keep(url)
                case .page(let url, _, let fragment):
                    return .keep(url + (fragment.map { "#" + $0 } ?? ""))
                case .fragmentOnly(let fragment):
                    return .keep("#" + fragment)
                case .missing(let url, let message, let hint):
                    let id = target.kind == .image ? "image.missing" : "link.unresolved"
                    return .broken(url, RenderProblem(.warning, id: id, message: message, hint: hint, line: target.line, column: target.column))
                }
            },
            filterHTML: { html, line, inline in rawHTML.filter(html, line: line, inline: inline) },
            titleFromLeadingHeading: true
        )
        var renderOptions = options
        renderOptions.language = language
        let markdown = HTMLRenderer.render(markdown: page.body, options: renderOptions)
        var diagnostics: [Diagnostic] = []
        for problem in markdown.problems {
            let location = SourceLocation(file: page.file, line: problem.line > 0 ? problem.line + lineOffset : nil,
                                          column: problem.column > 0 ? problem.column : nil)
            diagnostics.append(Diagnostic(problem.severity == .error ? .error : .warning, problem.id, problem.message, at: location, hint: problem.hint))
        }
        if page.type == "faq" {
            diagnostics += FAQ.problems(in: FAQ.groups(from: markdown.sections), file: page.file, lineOffset: lineOffset)
        }
        // Links with a fragment are checked once every page's anchors are known (a
        // destination without `#` has none: most are not resolved a second time).
        let resolved = memo.links
        var pending: [LinkResolver.PendingAnchor] = []
        for link in markdown.links where link.kind == .link && link.destination.utf8.contains(UInt8(ascii: "#")) {
            switch resolved.outcome(of: link.destination, kind: .link, from: page.id, resolver: resolver) {
            case .page(_, let id, let fragment?) where !fragment.isEmpty:
                pending.append(.init(targetID: id, fragment: fragment, line: link.line + lineOffset, column: link.column))
            case .fragmentOnly(let fragment) where !fragment.isEmpty:
                pending.append(.init(targetID: page.id, fragment: fragment, line: link.line + lineOffset, column: link.column))
            default:
                break
            }
        }
        return RenderedPage(page: page, markdown: markdown, diagnostics: diagnostics, pendingAnchors: pending, resolvedLinks: resolved)
    }
}

/// Where a page's link destinations led when it was rendered, for the steps that resolve
/// the same destinations of the same page again (its anchors, its Markdown twin's links):
/// a lookup instead of taking each destination apart once more. An outcome depends only
/// on the destination, the kind and the page, so a recorded one is the one `resolve` gives.
struct ResolvedLinks: Sendable {
    struct Key: Hashable, Sendable {
        var destination: String
        var kind: LinkTarget.Kind
    }

    private(set) var outcomes: [Key: LinkResolver.Outcome] = [:]

    /// The recorded outcome, else `resolver`'s (a destination written differently in the
    /// source than cmark-gfm hands it to rendering is resolved here).
    func outcome(of destination: String, kind: LinkTarget.Kind, from pageID: String, resolver: LinkResolver) -> LinkResolver.Outcome {
        outcomes[Key(destination: destination, kind: kind)] ?? resolver.resolve(destination, from: pageID, kind: kind)
    }

    /// Collects the outcomes while the renderer calls `RenderOptions.resolveLink`.
    final class Recorder: @unchecked Sendable {
        // @unchecked: `recorded` is only touched under `lock` (the renderer calls in from
        // one thread, but its closure must be `@Sendable`).
        private let lock = NSLock()
        private var recorded = ResolvedLinks()

        func record(_ destination: String, kind: LinkTarget.Kind, _ outcome: LinkResolver.Outcome) {
            lock.lock()
            recorded.outcomes[Key(destination: destination, kind: kind)] = outcome
            lock.unlock()
        }

        var links: ResolvedLinks {
            lock.lock(); defer { lock.unlock() }
            return recorded
        }
    }
}

/// Step 4: every `#anchor` a link names must exist on its target page.
struct LinkCheckStep: Sendable {
    let site: Site
    let rendered: [String: RenderedPage]

    func run() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for id in site.order {
            guard let page = rendered[id] else { continue }
            for anchor in page.pendingAnchors {
                guard let target = rendered[anchor.targetID] else { continue }
                let fragment = anchor.fragment.removingPercentEncodingSafely
                if target.markdown.anchors.contains(fragment) || fragment == "top" { continue }
                let where_ = anchor.targetID == id ? "this page" : target.page.file
                diagnostics.append(.warning("link.anchor", "anchor '#\(fragment)' does not exist on \(where_)",
                                            at: SourceLocation(file: page.page.file, line: anchor.line, column: anchor.column),
                                            hint: suggestion(for: fragment, in: target.markdown.anchors)))
            }
        }
        return diagnostics
    }

    private func suggestion(for fragment: String, in anchors: Set<String>) -> String {
        if let close = anchors.sorted().first(where: { $0.hasPrefix(fragment) || fragment.hasPrefix($0) }) {
            return "did you mean '#\(close)'?"
        }
        return "anchors are heading slugs: lower case, spaces as '-', punctuation dropped"
    }
}

extension String {
    var removingPercentEncodingSafely: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

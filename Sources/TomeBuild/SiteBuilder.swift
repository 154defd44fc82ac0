import Foundation
import TomeCore
import TomeMarkdown
import TomeSearch
import TomeSite

public struct BuildOptions: Sendable {
    public var contentDirectory: String
    /// How messages name the content folder (`Content`).
    public var contentDisplayPath: String
    public var templatesDirectory: String?
    public var templatesDisplayPath: String
    /// Overrides `baseURL` from site.yml.
    public var baseURL: String?
    public var includeDrafts = false
    /// Warnings fail the build.
    public var strict = false
    /// Revision numbers and dates from git; without it, file modification dates.
    public var useGit = true
    /// Fall back to file modification dates (off in tests, for stable output).
    public var useFileDates = true
    /// How pages link to each other: site paths (`/support/faq/`, for web hosting), or
    /// relative paths ending in `index.html` so the site works opened from disk.
    public var links: LinkStyle = .site
    /// Whether `publish` frees the site it built before returning. `tome build` exits right
    /// after and leaves that to the operating system, as compilers do (clang's
    /// `-disable-free`): on the C++ corpus, 0.05 s less user CPU at the very end of the build
    /// (medians of 10 alternating pairs).
    /// A process that goes on (`tome serve`, the tests) must free it.
    public var freesSite = true

    public enum LinkStyle: String, Sendable, CaseIterable {
        case site, file
    }

    public init(contentDirectory: String, contentDisplayPath: String? = nil, templatesDirectory: String? = nil,
                templatesDisplayPath: String? = nil, baseURL: String? = nil, includeDrafts: Bool = false,
                strict: Bool = false, useGit: Bool = true, useFileDates: Bool = true) {
        self.contentDirectory = contentDirectory
        self.contentDisplayPath = contentDisplayPath ?? contentDirectory
        self.templatesDirectory = templatesDirectory
        self.templatesDisplayPath = templatesDisplayPath ?? templatesDirectory ?? "Templates"
        self.baseURL = baseURL
        self.includeDrafts = includeDrafts
        self.strict = strict
        self.useGit = useGit
        self.useFileDates = useFileDates
    }
}

public struct BuildReport: Sendable {
    public var pageCount: Int
    public var fileCount: Int
    public var sectionCount: Int
    public var diagnostics: Diagnostics
    /// True when nothing changed since the last build and nothing was built.
    public var upToDate = false
    /// For an up-to-date report: how many warnings the build that is still current had.
    public var previousWarningCount = 0
    /// Files actually written by an incremental build (the rest kept their bytes).
    public var rewrittenFileCount: Int?
    /// Files an incremental build kept without making them again, because everything
    /// they are made from is as it was (`OutputSink.keep`): mostly pages not re-rendered.
    public var memoizedFileCount: Int?
    /// Wall time of each step, in order (`tome build --timings`).
    public var timings: [(step: String, seconds: Double)] = []
    /// False when there were errors (or warnings under `--strict`): nothing should be published.
    public var succeeded: Bool { !diagnostics.hasErrors }
}

/// Reports progress for long builds (the command shows it on a terminal).
public typealias ProgressHandler = @Sendable (_ step: String, _ done: Int, _ total: Int) -> Void

/// `tome build`, as a literal list of named steps:
///
/// 1. load     read Content/ into the site model (front matter, tree, URLs, revisions)
/// 2. theme    load the templates (default theme + overrides) and check them
/// 3. render   Markdown → HTML for every page, on all cores
/// 4. links    check link anchors now that every page's ids are known (beside steps
///             5-7: `--timings` shows its own time last)
/// 5. pages    pour pages through the templates and write them
/// 6. extras   tags, aliases, 404, sitemap, robots.txt, theme and content assets;
///             6b. llms.txt, llms-full.txt and a Markdown twin of every page, which
///             runs beside step 5 (`--timings`: its own time, and the wait for it)
/// 7. search   write the search index for the sections of every page; it runs
///             beside steps 5 and 6 (`--timings` shows its own time and the wait for it)
///
/// `publish` adds `prepare` (the input fingerprint, the previous build's cache and the
/// staging tree) and `commit` (the swap and the cache) to `--timings`.
///
/// Every step adds diagnostics; files go to an `OutputSink`. The caller publishes the
/// sink (the disk sink's atomic swap) only when the report says the build succeeded.
public struct SiteBuilder: Sendable {
    public var options: BuildOptions
    public var progress: ProgressHandler?
    /// What earlier builds of this process (`tome serve`) rendered and indexed, reused
    /// where the inputs did not change.
    public var memory: BuildMemory?

    public init(options: BuildOptions, progress: ProgressHandler? = nil, memory: BuildMemory? = nil) {
        self.options = options
        self.progress = progress
        self.memory = memory
    }

    /// Builds into a staging folder beside `output` and swaps it in only if the build
    /// succeeded; otherwise the previous site stays exactly as it was.
    ///
    /// Incremental (the default): outputs whose bytes did not change are not written
    /// and keep their modification time; when no input changed at all and the output
    /// is intact, nothing is built. `incremental: false` writes every file anew.
    public func publish(to output: String, incremental: Bool = true) async throws -> BuildReport {
        guard incremental else { return try await publishClean(to: output) }
        // The inputs' fingerprint and the previous build's outputs are checked at once:
        // both are mostly `stat` calls, and together they are the whole of a no-op build.
        let started = ContinuousClock.now
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        let options = self.options
        async let walked = InputFingerprint.walk(options, baseURLOverride: options.baseURL, digests: InputDigests.url(beside: outputURL))
        let previous = BuildCache.intactSummary(beside: outputURL)
        let walk = await walked
        // With an intact previous output the fingerprint decides whether to build at all;
        // without one (a first build: every input's bytes to read) it is taken beside the
        // build, which needs it only to commit.
        let known = previous == nil ? nil : await walk.fingerprint()
        if let cache = previous, cache.fingerprint == known {
            var report = BuildReport(pageCount: 0, fileCount: cache.fileCount, sectionCount: 0, diagnostics: Diagnostics())
            report.upToDate = true
            report.previousWarningCount = cache.warnings
            return report
        }
        async let taken: String? = known == nil ? walk.fingerprint() : nil
        let sink = try IncrementalDiskSink(output: output, fingerprint: known ?? "")
        let prepared = StepClock.seconds(started.duration(to: .now))
        var report: BuildReport
        let leftovers = BuildLeftovers()
        do {
            report = try await build(into: sink, leftovers: leftovers)
        } catch {
            sink.discard()
            throw error
        }
        if let fingerprint = await taken { sink.record(fingerprint: fingerprint) }
        report.timings.insert(("prepare", prepared), at: 0)
        // The site and its rendered pages are freed on another core while this one commits.
        async let freed: Void = options.freesSite ? leftovers.free() : leftovers.keepUntilExit()
        guard report.succeeded else {
            sink.discard()
            await freed
            return report
        }
        sink.recordWarnings(report.diagnostics.warningCount)
        let committing = ContinuousClock.now
        try sink.commit()
        report.timings.append(("commit", StepClock.seconds(committing.duration(to: .now))))
        await freed
        report.rewrittenFileCount = sink.rewrittenCount
        report.memoizedFileCount = sink.memoizedCount
        return report
    }

    private func publishClean(to output: String) async throws -> BuildReport {
        let sink = try DiskSink(output: output)
        let report: BuildReport
        let leftovers = BuildLeftovers()
        do {
            report = try await build(into: sink, leftovers: leftovers)
        } catch {
            sink.discard()
            throw error
        }
        // As in `publish`: the site is freed on another core while this one commits.
        async let freed: Void = options.freesSite ? leftovers.free() : leftovers.keepUntilExit()
        guard report.succeeded else {
            sink.discard()
            await freed
            return report
        }
        try sink.commit()
        // A clean build trusts and keeps nothing of earlier incremental builds.
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        for leftover in [BuildCache.url(beside: outputURL), BuildCache.spareCacheURL(beside: outputURL), BuildCache.spareURL(beside: outputURL),
                         InputDigests.url(beside: outputURL)] {
            try? FileManager.default.removeItem(at: leftover)
        }
        await freed
        return report
    }

    public func build(into destination: some OutputSink) async throws -> BuildReport {
        try await build(into: destination, leftovers: nil)
    }

    /// `leftovers`: where the build leaves what it made in memory for the caller to free.
    func build(into destination: some OutputSink, leftovers: BuildLeftovers?) async throws -> BuildReport {
        var diagnostics = Diagnostics()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.contentDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BuildError.missingContent(path: options.contentDisplayPath)
        }

        var clock = StepClock()
        // 1. load
        progress?("load", 0, 0)
        let loader = ContentLoader(options: .init(includeDrafts: options.includeDrafts, useGit: options.useGit, useFileDates: options.useFileDates),
                                   memory: memory?.load)
        var (site, loadProblems) = await loader.load(directory: options.contentDirectory, displayPath: options.contentDisplayPath)
        if let baseURL = options.baseURL { site.configuration.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/" }
        diagnostics.append(contentsOf: loadProblems)
        clock.lap("load")
        let sink: any OutputSink = switch options.links {
        case .site: destination
        case .file: FileLinksSink(base: destination, basePath: site.configuration.basePath)
        }

        // 2. theme
        let (theme, themeProblems) = Theme.load(directory: options.templatesDirectory, displayPath: options.templatesDisplayPath)
        diagnostics.append(contentsOf: themeProblems)
        clock.lap("theme")

        // 3. render
        let rendered = await RenderStep(site: site, progress: progress, memory: memory, keyed: destination.hasMemos).run()
        for page in rendered.values { diagnostics.append(contentsOf: page.diagnostics) }
        clock.lap("render")

        // 4. links, beside the steps below: it only reads the rendered pages and only
        // makes diagnostics, and on its own it held up the next step with one core idle.
        let linkCheck = LinkCheckStep(site: site, rendered: rendered)
        async let anchors: ([Diagnostic], Double) = {
            let started = ContinuousClock.now
            let problems = linkCheck.run()
            return (problems, StepClock.seconds(started.duration(to: .now)))
        }()

        // A broken theme could render nonsense or recurse forever: report it and stop
        // before any template runs. Content checks above still ran.
        let themeIsUsable = !themeProblems.contains { $0.severity == .error }
        var extras = ExtrasStep.Result()
        var search = SearchStep.Result(fileCount: 0, sectionCount: 0)
        let context = SiteContext(site: site, rendered: rendered)
        if themeIsUsable {
            // 7. search, beside steps 5 and 6: it reads only the rendered pages and writes
            // only search/, and its serial parts (merging postings, compressing shards)
            // would otherwise leave a core idle. Its diagnostics-free result is taken last.
            let searchStep = SearchStep(context: context, sink: sink, scriptTwins: options.links == .file, memory: memory?.index)
            let progress = self.progress
            async let indexed: (SearchStep.Result, Double) = {
                progress?("search", 0, 0)
                let started = ContinuousClock.now
                let result = try searchStep.run()
                return (result, StepClock.seconds(started.duration(to: .now)))
            }()

            // 6b. llms.txt, llms-full.txt, a Markdown twin of every page, beside step 5:
            // it writes only twins and llms*.txt and has no diagnostics. Both steps run on
            // all cores, so this fills what pages leave idle (their serial start, the last
            // chunks of a parallel map) instead of waiting for them.
            let llmStep = LLMStep(context: context, sink: sink)
            async let twins: (LLMStep.Result, Double) = {
                let started = ContinuousClock.now
                let result = try await llmStep.run()
                return (result, StepClock.seconds(started.duration(to: .now)))
            }()

            // 5. pages
            let pageProblems = try await PageStep(context: context, theme: theme, sink: sink, progress: progress, memory: memory).run()
            diagnostics.append(contentsOf: pageProblems)
            clock.lap("pages")

            // 6. extras
            extras = try ExtrasStep(context: context, theme: theme, sink: sink).run()
            diagnostics.append(contentsOf: extras.diagnostics)
            clock.lap("extras")
            let (llms, llmSeconds) = try await twins
            extras.fileCount += llms.fileCount
            clock.lap("llms wait")
            clock.record("llms", seconds: llmSeconds)

            let (result, searchSeconds) = try await indexed
            search = result
            clock.lap("search wait")
            clock.record("search", seconds: searchSeconds)
        }

        let (anchorProblems, linkSeconds) = await anchors
        diagnostics.append(contentsOf: anchorProblems)
        clock.record("links", seconds: linkSeconds)

        leftovers?.keep(context)
        if options.strict { diagnostics = diagnostics.promotingWarnings() }
        return BuildReport(
            pageCount: site.pages.count,
            fileCount: site.pages.count + extras.fileCount + search.fileCount,
            sectionCount: search.sectionCount,
            diagnostics: diagnostics,
            timings: clock.laps
        )
    }
}

/// What a build made in memory: the site and its rendered pages, referenced from
/// here after the build's own copies are gone. Freeing them (10,000 pages' HTML, sections
/// and headings: about 0.1 s for the C++ corpus) took the last moment of every build on
/// one core; `publish` frees them on another while it commits.
final class BuildLeftovers: @unchecked Sendable {
    // @unchecked: `context` is only touched under `lock`.
    private let lock = NSLock()
    private var context: SiteContext?

    func keep(_ context: SiteContext) {
        lock.lock(); self.context = context; lock.unlock()
    }

    /// Keeps the references until the process exits (`BuildOptions.freesSite` false).
    func keepUntilExit() {
        _ = Unmanaged.passRetained(self)
    }

    /// Drops the last references: the memory is freed here, on the caller's thread.
    func free() {
        lock.lock()
        let last = context
        context = nil
        lock.unlock()
        _ = consume last
    }
}

/// Wall time per build step.
struct StepClock {
    private var last = ContinuousClock.now
    private(set) var laps: [(step: String, seconds: Double)] = []

    mutating func lap(_ step: String) {
        let now = ContinuousClock.now
        laps.append((step, StepClock.seconds(last.duration(to: now))))
        last = now
    }

    /// A step that ran beside the others, timed on its own.
    mutating func record(_ step: String, seconds: Double) {
        laps.append((step, seconds))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// A page's rendered Markdown, with its problems made into diagnostics.
struct RenderedPage: Sendable {
    var page: Page
    var markdown: RenderedMarkdown
    var diagnostics: [Diagnostic]
    /// Anchors this page links to on other pages (or itself), checked in step 4.
    var pendingAnchors: [LinkResolver.PendingAnchor]
    /// Where its links led, for its Markdown twin (`TwinLinks`).
    var resolvedLinks = ResolvedLinks()
    /// What it was rendered from (`RenderStep.key`: everything above is a function of
    /// it), in a build that keeps memos or memory; else 0.
    var source: UInt64 = 0
}

/// What every later step reads: the site and its rendered pages.
struct SiteContext: Sendable {
    let site: Site
    let rendered: [String: RenderedPage]
    /// Worked out from `baseURL` once: `href` runs for every link of every page.
    let basePath: String
    private let origin: String

    init(site: Site, rendered: [String: RenderedPage]) {
        self.site = site
        self.rendered = rendered
        basePath = site.configuration.basePath
        origin = site.configuration.origin
    }

    /// A page URL as published: with the site's base path.
    func href(_ url: String) -> String { basePath + url }

    func absoluteURL(_ url: String) -> String {
        origin + basePath + url
    }
}

import Foundation
import TomeCore

/// Reads a content folder into a `Site`: discovers files, splits and validates front
/// matter, gives every page its URL and place in the tree, and reads revision info
/// from git in one pass.
public struct ContentLoader: Sendable {
    public struct Options: Sendable {
        public var includeDrafts = false
        /// Read revision numbers and dates from git (one `git log` for the whole tree).
        public var useGit = true
        /// Largest Markdown file read, in bytes, and largest front matter block; `load`
        /// takes both from site.yml's `limits:` (`SiteConfiguration.Limits`).
        public var maximumFileSize = SiteConfiguration.Limits().pageBytes
        public var maximumFrontMatterSize = SiteConfiguration.Limits().frontMatterBytes

        /// Outside git, take the updated date from the file's modification time.
        public var useFileDates = true

        public init(includeDrafts: Bool = false, useGit: Bool = true, useFileDates: Bool = true) {
            self.includeDrafts = includeDrafts
            self.useGit = useGit
            self.useFileDates = useFileDates
        }
    }

    public var options: Options
    /// The last load's pages (`tome serve`): files unchanged since are not read again.
    public var memory: LoadMemory?

    public init(options: Options = Options(), memory: LoadMemory? = nil) {
        self.options = options
        self.memory = memory
    }

    /// - Parameters:
    ///   - directory: the content folder.
    ///   - displayPath: how messages name it (`Content`).
    public func load(directory: String, displayPath: String) async -> (Site, Diagnostics) {
        var diagnostics = Diagnostics()
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        let (markdownFiles, assets, walkProblems) = Self.discover(root: root, displayPath: displayPath)
        diagnostics.append(contentsOf: walkProblems)

        var configuration = SiteConfiguration()
        var configProblems: [Diagnostic] = []
        if let yaml = Self.readText(root + "/site.yml") {
            configuration = SiteConfiguration.parse(yaml: yaml, file: displayPath + "/site.yml", diagnostics: &configProblems)
        }
        if let yaml = Self.readText(root + "/synonyms.yml") {
            configuration.synonyms += SiteConfiguration.parseSynonyms(yaml: yaml, file: displayPath + "/synonyms.yml", diagnostics: &configProblems)
        }
        diagnostics.append(contentsOf: configProblems)

        let history = options.useGit ? RevisionHistory.read(directory: root) : nil
        var limited = self.options
        limited.maximumFileSize = configuration.limits.pageBytes
        limited.maximumFrontMatterSize = configuration.limits.frontMatterBytes
        let options = limited
        let memory = self.memory
        let context = LoadMemory.context(root: root, displayPath: displayPath, options: options)
        let loaded = await concurrentMap(markdownFiles) { relative -> (Page?, [Diagnostic], FileTree.Stamp?, kept: Bool) in
            if let memory, let stamp = FileTree.stamp(of: root + "/" + relative),
               let kept = memory.kept(relative, stamp: stamp, context: context) {
                var page = kept.page
                Self.date(&page, history: history, root: root, options: options, stamp: stamp)
                return (page, kept.problems, stamp, true)
            }
            var (page, problems, stamp) = Self.loadPage(root: root, relative: relative, displayPath: displayPath, options: options)
            Self.date(&page, history: history, root: root, options: options, stamp: stamp)
            return (page, problems, stamp, false)
        }
        if let memory {
            var entries: [String: LoadMemory.Entry] = [:]
            for (relative, (page, problems, stamp, _)) in zip(markdownFiles, loaded) {
                if let stamp { entries[relative] = LoadMemory.Entry(stamp: stamp, page: page, problems: problems) }
            }
            memory.remember(entries, context: context, reused: loaded.count { $0.kept })
        }
        var pages: [String: Page] = [:]
        pages.reserveCapacity(loaded.count)
        for (page, problems, _, _) in loaded {
            diagnostics.append(contentsOf: problems)
            guard let page else { continue }
            // Swift compares strings by canonical equivalence, so `café.md` written
            // precomposed and decomposed are one key: two files, one page, one URL.
            // Report it instead of silently keeping only one of them.
            if let other = pages[page.id] {
                diagnostics.append(.error("url.duplicate", "file names \(other.file) and \(page.file) differ only in Unicode normalisation (composed or decomposed accents) and publish to the same URL",
                                          at: SourceLocation(file: page.file), hint: "rename or remove one of the two files"))
                continue
            }
            pages[page.id] = page
        }
        var tree = TreeBuilder(pages: consume pages, configuration: configuration, displayPath: displayPath)
        tree.build()
        diagnostics.append(contentsOf: tree.diagnostics)
        let site = Site(configuration: configuration, pages: tree.pages, order: tree.order, assets: assets,
                        contentDisplayPath: displayPath, contentDirectory: root)
        return (site, diagnostics)
    }

    static func readText(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        switch SourceText.decode(Array(data)) {
        case .success(let text): return text
        case .failure: return String(decoding: data, as: UTF8.self)
        }
    }

    // MARK: Discovery

    /// Markdown files and other files below `root`, relative and sorted. Hidden files and
    /// folders are skipped; so are symbolic links that lead outside the content folder.
    static func discover(root: String, displayPath: String) -> (markdown: [String], assets: [String], problems: [Diagnostic]) {
        var markdown: [String] = []
        var assets: [String] = []
        var problems: [Diagnostic] = []
        // Real paths are worked out once per folder and only resolved again through a
        // symbolic link: resolving every file's path costs a system call per component.
        let realRoot = FileTree.resolved(root) ?? root
        var stack = [(relative: "", real: realRoot)]
        var visited = Set<String>()
        while let (relative, real) = stack.popLast() {
            guard visited.insert(real).inserted else {
                problems.append(.warning("content.symlink", "folder is reached twice (a symbolic link loop?); skipped",
                                         at: SourceLocation(file: displayPath + "/" + relative)))
                continue
            }
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let children = FileTree.children(of: absolute) else { continue }
            for (name, kind) in children.sorted(by: { $0.name < $1.name }) where !name.hasPrefix(".") {
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                var isDirectory = kind == .directory
                var childReal = real + "/" + name
                if kind == .symbolicLink {
                    guard let target = FileTree.resolved(absolute + "/" + name) else { continue }
                    if target != realRoot, !target.hasPrefix(realRoot + "/") {
                        problems.append(.warning("content.symlink", "symbolic link leads outside the content folder; skipped",
                                                 at: SourceLocation(file: displayPath + "/" + childRelative),
                                                 hint: "copy the file into the content folder instead"))
                        continue
                    }
                    childReal = target
                    isDirectory = FileTree.isDirectory(target)
                } else if kind == .other {
                    continue
                }
                if isDirectory {
                    stack.append((childRelative, childReal))
                } else if name.hasSuffix(".md") || name.hasSuffix(".markdown") {
                    markdown.append(childRelative)
                } else if relative.isEmpty, name == "site.yml" || name == "synonyms.yml" {
                    continue
                } else {
                    assets.append(childRelative)
                }
            }
        }
        return (markdown.sorted(), assets.sorted(), problems)
    }

    // MARK: Pages

    /// The page of one file (nil when it is not published), its problems, and the
    /// file's size and time (taken once: a revision date falls back on it).
    static func loadPage(root: String, relative: String, displayPath: String, options: Options) -> (Page?, [Diagnostic], FileTree.Stamp?) {
        let path = root + "/" + relative
        let stamp = FileTree.stamp(of: path)
        let (page, problems) = loadPage(root: root, relative: relative, displayPath: displayPath, options: options, size: stamp?.size)
        return (page, problems, stamp)
    }

    private static func loadPage(root: String, relative: String, displayPath: String, options: Options, size: Int?) -> (Page?, [Diagnostic]) {
        let file = displayPath + "/" + relative
        var problems: [Diagnostic] = []
        let path = root + "/" + relative
        guard let size else {
            return (nil, [.error("content.read", "cannot read file", at: SourceLocation(file: file))])
        }
        if size > options.maximumFileSize {
            let mb = Double(size) / 1_048_576
            return (nil, [.error("limit.file-size", "file is \(mb < 10 ? String(format: "%.1f", mb) : String(Int(mb))) MB, larger than the \(options.maximumFileSize / 1_048_576) MB page size limit",
                                 at: SourceLocation(file: file, line: 1),
                                 hint: "split the page into smaller pages, or raise the limit in site.yml: 'limits: {page_size_mb: N}'")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [.error("content.read", "cannot read file", at: SourceLocation(file: file))])
        }
        let text: String
        switch SourceText.decode(Array(data)) {
        case .success(let t): text = t
        case .failure(.binary(let line)):
            return (nil, [.error("content.binary", "file contains NUL bytes; it looks like a binary file, not Markdown",
                                 at: SourceLocation(file: file, line: line), hint: "rename it so it does not end in .md")])
        case .failure(.invalidUTF8(let line, let column)):
            return (nil, [.error("content.encoding", "file is not valid UTF-8",
                                 at: SourceLocation(file: file, line: line, column: column), hint: "save the file as UTF-8")])
        }
        let split: FrontMatterSplit
        switch FrontMatterSplit.split(text) {
        case .success(let s): split = s
        case .failure(.unclosed):
            return (nil, [.error("frontmatter.unclosed", "front matter opened with '---' is never closed",
                                 at: SourceLocation(file: file, line: 1, column: 1), hint: "add a line with '---' after the front matter")])
        }
        // Checked before the YAML parser sees it: a huge block is slow to parse even when
        // every value limit holds.
        if let yaml = split.yaml, yaml.utf8.count > options.maximumFrontMatterSize {
            return (nil, [.error("limit.front-matter", "front matter is \(yaml.utf8.count / 1024) KB, larger than the \(options.maximumFrontMatterSize / 1024) KB limit",
                                 at: SourceLocation(file: file, line: 1, column: 1),
                                 hint: "keep front matter to short metadata, or raise the limit in site.yml: 'limits: {front_matter_kb: N}'")])
        }
        let metadata = split.yaml.map { PageMetadata.parse(yaml: $0, file: file, diagnostics: &problems) } ?? PageMetadata()
        if metadata.draft, !options.includeDrafts { return (nil, problems) }

        let (folder, name) = splitPath(relative)
        let isIndex = name == "_index.md"
        let title = metadata.title ?? firstHeading(in: split.body) ?? humanize(isIndex ? splitPath(folder).name : name)
        let segments = folder.isEmpty ? [] : folder.split(separator: "/").map(String.init)
        let kind: Page.Kind = isIndex ? (segments.isEmpty ? .home : segments.count == 1 ? .book : .chapter) : .page
        let page = Page(
            id: isIndex ? (folder.isEmpty ? Site.homeID : folder + "/" + "_index.md") : relative,
            file: file, kind: kind, url: "", title: title.isEmpty ? humanize(name) : title, metadata: metadata,
            body: split.body, bodyFirstLine: split.bodyFirstLine,
            book: segments.first, parent: nil, revision: Revision()
        )
        return (page, problems)
    }

    /// `a/b/c.md` → (`a/b`, `c.md`); `c.md` → (``, `c.md`). The paths here are made by
    /// `discover` (segments joined by single slashes), so this is NSString's
    /// `deletingLastPathComponent` and `lastPathComponent`, which cost more than the rest
    /// of reading a small page.
    static func splitPath(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (String(path[..<slash]), String(path[path.utf8.index(after: slash)...]))
    }

    /// The text of the first `# Heading` line, outside code fences.
    static func firstHeading(in body: String) -> String? {
        var inFence = false
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).prefix(200) {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); continue }
            if !inFence, line.hasPrefix("# ") {
                var text = line.dropFirst(2).trimmingSpaces
                while text.hasSuffix("#") { text.removeLast() }
                return text.trimmingSpaces
            }
        }
        return nil
    }

    /// `getting-started.md` → `Getting started`.
    static func humanize(_ name: String) -> String {
        var base = name
        for ext in [".md", ".markdown"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        let words = base.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ").trimmingSpaces
        guard let first = words.first else { return name }
        return first.uppercased() + words.dropFirst()
    }

    // MARK: Revisions

    /// Gives a loaded page its revision on the core that loaded it: set in the serial
    /// loop after the load, every page's fields were copied (the loaded array still
    /// shared them).
    private static func date(_ page: inout Page?, history: RevisionHistory?, root: String, options: Options, stamp: FileTree.Stamp?) {
        guard page != nil else { return }
        page!.revision = revision(for: page!, history: history, root: root, useFileDates: options.useFileDates, stamp: stamp)
    }

    static func revision(for page: Page, history: RevisionHistory?, root: String, useFileDates: Bool, stamp: FileTree.Stamp? = nil) -> Revision {
        let meta = page.metadata
        let relative = page.id.hasSuffix("/") ? nil : page.id == Site.homeID ? "_index.md" : page.id
        var revision = Revision()
        if let relative, let history, let entry = history.entries[relative] {
            revision = entry
        } else if useFileDates, let relative, let stamp = stamp ?? FileTree.stamp(of: root + "/" + relative) {
            revision.updated = Timestamp(date: Date(timeIntervalSince1970: Double(stamp.modified / 1_000_000_000)))
        }
        if let created = meta.created { revision.created = created }
        if let updated = meta.updated { revision.updated = updated }
        if let number = meta.revision { revision.number = number }
        return revision
    }
}

extension Timestamp {
    /// A moment in UTC.
    public init(date: Date) {
        // gmtime_r, not Calendar: a Calendar per page costs more than reading the page.
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        self.init(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                  hour: Int(parts.tm_hour), minute: Int(parts.tm_min))
    }
}

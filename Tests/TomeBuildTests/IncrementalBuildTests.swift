import Foundation
import Testing
@testable import TomeBuild
import TomeCore

/// Incremental builds write only what changed and end with exactly the tree a clean
/// build writes; parallel builds write exactly what a one-core build writes.
@Suite struct IncrementalBuildTests {
    /// Every file below `root`, relative path → bytes.
    func tree(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.path + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[relative] = FileManager.default.contents(atPath: root.path + "/" + relative) }
        }
        return files
    }

    /// Builds `clean` from scratch with `builder` and expects `output` to hold the same files.
    func expectSameAsClean(_ output: URL, _ clean: URL, _ builder: SiteBuilder, after step: String) async throws {
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try tree(output) == tree(clean), "after \(step), the incremental output equals a clean build")
    }

    func modified(_ url: URL) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
    }

    @Test func incrementalEqualsCleanAfterEditsAddsRenamesAndDeletes() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()

        let first = try await builder.publish(to: output.path)
        #expect(first.succeeded)
        let untouched = output.appendingPathComponent("guide/images/overview.svg")
        let untouchedTime = try modified(untouched)

        let noop = try await builder.publish(to: output.path)
        #expect(noop.upToDate)

        // Edit, add, rename and delete pages; move an alias.
        try Fixture.write("---\ntitle: Introduction\naliases: [/old/intro-two/]\n---\nRewritten.\n", to: "guide/intro.md", in: content)
        try Fixture.write("---\ntitle: Brand new\ntags: [fresh]\n---\nNew page.\n", to: "guide/new-page.md", in: content)
        try FileManager.default.moveItem(at: content.appendingPathComponent("guide/setup/install.md"),
                                         to: content.appendingPathComponent("guide/setup/installing.md"))
        try FileManager.default.removeItem(at: content.appendingPathComponent("faq/questions.md"))
        try await Task.sleep(for: .milliseconds(20))

        let second = try await builder.publish(to: output.path)
        #expect(second.succeeded)
        #expect(!second.upToDate)
        #expect((second.rewrittenFileCount ?? 0) > 0)
        #expect((second.rewrittenFileCount ?? .max) < second.fileCount, "unchanged outputs are not rewritten")

        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        let incrementalTree = try tree(output)
        let cleanTree = try tree(clean)
        #expect(Set(incrementalTree.keys) == Set(cleanTree.keys))
        for (path, bytes) in cleanTree where incrementalTree[path] != bytes {
            Issue.record("\(path) differs between the incremental and the clean build")
        }
        #expect(incrementalTree["faq/questions/index.html"] == nil, "a deleted page's output disappears")
        #expect(incrementalTree["old/intro/index.html"] == nil, "a removed alias disappears")
        #expect(incrementalTree["old/intro-two/index.html"] != nil)
        #expect(incrementalTree["tags/fresh/index.html"] != nil)
        #expect(try modified(untouched) == untouchedTime, "an unchanged output keeps its modification time")
    }

    @Test func noOpBuildRemembersThePreviousWarnings() async throws {
        let folder = try Fixture.copy()
        let content = folder.appendingPathComponent("Content")
        let output = folder.appendingPathComponent("Public")
        try Fixture.write("---\ntitle: Intro\n---\nSee [nothing](missing.md).\n", to: "guide/intro.md", in: content)
        let builder = SiteBuilder(options: Fixture.options(content: content))
        let first = try await builder.publish(to: output.path)
        #expect(first.succeeded && first.diagnostics.warningCount == 1)
        let second = try await builder.publish(to: output.path)
        #expect(second.upToDate)
        #expect(second.previousWarningCount == 1)
        // Touching the output by hand makes the next build run again.
        try Data("changed".utf8).write(to: output.appendingPathComponent("robots.txt"))
        let third = try await builder.publish(to: output.path)
        #expect(!third.upToDate)
        #expect(try String(contentsOf: output.appendingPathComponent("robots.txt"), encoding: .utf8) != "changed")
    }

    /// Each build brings the spare tree (the site one build ago) up to date and swaps it
    /// in: an output changed by the previous build and not by this one keeps that build's
    /// file and time, and caches are trusted only for the folder they describe.
    @Test func spareTreeFollowsTheSwaps() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: output.path)

        try Fixture.write("---\ntitle: Introduction\n---\nFirst edit.\n", to: "guide/intro.md", in: content)
        let second = try await builder.publish(to: output.path)
        #expect(second.succeeded && (second.rewrittenFileCount ?? .max) < second.fileCount)
        #expect(FileManager.default.fileExists(atPath: BuildCache.spareURL(beside: output).path), "the old site is kept as the spare")
        let intro = output.appendingPathComponent("guide/intro/index.html")
        let introTime = try modified(intro)
        try await expectSameAsClean(output, clean, builder, after: "one edit")

        try await Task.sleep(for: .milliseconds(20))
        try Fixture.write("# Installing\n\nSecond edit, same title.\n", to: "guide/setup/install.md", in: content)
        let third = try await builder.publish(to: output.path)
        #expect(third.succeeded && (third.rewrittenFileCount ?? .max) < third.fileCount)
        #expect(try modified(intro) == introTime, "the page edited one build ago keeps its file and time")
        try await expectSameAsClean(output, clean, builder, after: "a second edit")

        // The two caches trade names: each must still be matched to its own folder.
        let live = BuildCache.url(beside: output), spare = BuildCache.spareCacheURL(beside: output)
        let liveBytes = try Data(contentsOf: live), spareBytes = try Data(contentsOf: spare)
        try spareBytes.write(to: live)
        try liveBytes.write(to: spare)
        #expect(try await !builder.publish(to: output.path).upToDate, "a cache that names another folder is not trusted")
        try Fixture.write("---\ntitle: Introduction\n---\nThird edit.\n", to: "guide/intro.md", in: content)
        _ = try await builder.publish(to: output.path)
        try await expectSameAsClean(output, clean, builder, after: "swapped caches")

        // A file put into the site by hand is not part of any later build.
        try Data("stray".utf8).write(to: output.appendingPathComponent("stray.txt"))
        for edit in ["Hand-made file, first build.", "Hand-made file, second build."] {
            try Fixture.write("---\ntitle: Introduction\n---\n\(edit)\n", to: "guide/intro.md", in: content)
            _ = try await builder.publish(to: output.path)
            try await expectSameAsClean(output, clean, builder, after: edit)
        }

        // A spare that lost files, or vanished, is started afresh.
        try FileManager.default.removeItem(at: BuildCache.spareURL(beside: output).appendingPathComponent("robots.txt"))
        try Fixture.write("---\ntitle: Introduction\n---\nFourth edit.\n", to: "guide/intro.md", in: content)
        _ = try await builder.publish(to: output.path)
        try await expectSameAsClean(output, clean, builder, after: "a damaged spare")
        try FileManager.default.removeItem(at: BuildCache.spareURL(beside: output))
        try Fixture.write("---\ntitle: Introduction\n---\nFifth edit.\n", to: "guide/intro.md", in: content)
        _ = try await builder.publish(to: output.path)
        try await expectSameAsClean(output, clean, builder, after: "a deleted spare")
    }

    /// A build with errors publishes nothing, and the build after the fix still writes
    /// only what changed: the half-updated spare keeps a cache that describes it.
    @Test func failedBuildKeepsTheSpareUsable() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        _ = try await builder.publish(to: output.path)
        try Fixture.write("---\ntitle: Introduction\n---\nOne edit.\n", to: "guide/intro.md", in: content)
        _ = try await builder.publish(to: output.path)
        let published = try tree(output)

        try Fixture.write("---\ntitle: [unclosed\n---\nBroken.\n", to: "guide/intro.md", in: content)
        let failed = try await builder.publish(to: output.path)
        #expect(!failed.succeeded)
        #expect(try tree(output) == published, "nothing of a failed build is published")
        let spare = try #require(BuildCache.load(from: BuildCache.spareCacheURL(beside: output)), "the half-updated spare keeps a cache")
        #expect(spare.folder == FileTree.FolderID(path: BuildCache.spareURL(beside: output).path))

        try Fixture.write("---\ntitle: Introduction\n---\nFixed.\n", to: "guide/intro.md", in: content)
        let fixed = try await builder.publish(to: output.path)
        #expect(fixed.succeeded)
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try tree(output) == tree(clean))
    }

    /// A spare no cache describes is emptied and started afresh, so it holds only what
    /// this build writes and `commit` does not walk it: stray files and folders that were
    /// in it must not reach the published site.
    @Test func spareStartedAfreshHoldsOnlyThisBuildsFiles() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        _ = try await builder.publish(to: output.path)
        try Fixture.write("---\ntitle: Introduction\n---\nOne edit.\n", to: "guide/intro.md", in: content)
        _ = try await builder.publish(to: output.path)
        let spare = BuildCache.spareURL(beside: output)
        try Data("stray".utf8).write(to: spare.appendingPathComponent("stray.txt"))
        try FileManager.default.createDirectory(at: spare.appendingPathComponent("stray/deeper"), withIntermediateDirectories: true)
        try Data("stray".utf8).write(to: spare.appendingPathComponent("stray/deeper/index.html"))
        try FileManager.default.removeItem(at: BuildCache.spareCacheURL(beside: output))

        try Fixture.write("---\ntitle: Introduction\n---\nTwo edits.\n", to: "guide/intro.md", in: content)
        let report = try await builder.publish(to: output.path)
        #expect(report.succeeded)
        #expect(report.timings.first?.step == "prepare" && report.timings.last?.step == "commit")
        #expect(Set(report.timings.map(\.step)).isSuperset(of: ["pages", "llms", "llms wait", "search"]))
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try tree(output) == tree(clean))
    }

    @Test func tornCacheIsIgnored() async throws {
        let (folder, _, output, builder) = try Fixture.publishable()
        _ = try await builder.publish(to: output.path)
        let cache = BuildCache.url(beside: output)
        let bytes = try Data(contentsOf: cache)
        try bytes.prefix(bytes.count / 2).write(to: cache)
        let report = try await builder.publish(to: output.path)
        #expect(report.succeeded && !report.upToDate)
        #expect(report.rewrittenFileCount == report.fileCount, "with no usable cache every file is written")
        _ = try await builder.publish(to: folder.appendingPathComponent("Clean").path, incremental: false)
        #expect(try tree(output) == tree(folder.appendingPathComponent("Clean")))
    }

    /// A source saved again with the same bytes (a new modification time) leaves the build
    /// up to date, and its new time is recorded so the next check reads no file; different
    /// bytes of the same size, a rename, an added or a deleted file build again, and a torn
    /// or missing record of the inputs' digests only makes the check read every input.
    @Test func touchedButUnchangedSourceIsANoOp() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: output.path)
        let install = content.appendingPathComponent("guide/setup/install.md")
        let record = InputDigests.url(beside: output)
        func touch(_ url: URL, by seconds: Double) throws {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(seconds)], ofItemAtPath: url.path)
        }

        try touch(install, by: 60)
        #expect(try await builder.publish(to: output.path).upToDate, "same bytes, new time")
        let stamp = try #require(FileTree.stamp(of: install.path))
        let read = try #require(FileTree.contents(of: install.path))
        guard case .digests(let recorded) = InputDigests.load(from: record, unlessStampsAre: "") else {
            Issue.record("the record of digests is missing")
            return
        }
        #expect(recorded.digest(install.path, stamp) == Digest.of(read.bytes), "the new time is recorded")

        // Same size, other bytes.
        var text = try String(contentsOf: install, encoding: .utf8)
        let original = text
        text = text.replacingOccurrences(of: "Coffee", with: "Coffea")
        #expect(text.utf8.count == original.utf8.count && text != original)
        try Data(text.utf8).write(to: install)
        try touch(install, by: 120)
        #expect(try await !builder.publish(to: output.path).upToDate, "same size, other bytes")
        try await expectSameAsClean(output, clean, builder, after: "an edit of the same size")

        // Back to the first bytes: a change again, since the last build read the second.
        try Data(original.utf8).write(to: install)
        try touch(install, by: 180)
        #expect(try await !builder.publish(to: output.path).upToDate, "the first bytes back")
        #expect(try await builder.publish(to: output.path).upToDate)

        // A torn record: every input is read, and the build is still up to date.
        let bytes = try Data(contentsOf: record)
        try bytes.prefix(bytes.count / 2).write(to: record)
        try touch(install, by: 240)
        #expect(try await builder.publish(to: output.path).upToDate, "a torn record of digests is read as none")
        try Data("\(InputDigests.version)\nother stamps\tentries 0 0\nend".utf8).write(to: record)
        #expect(try await builder.publish(to: output.path).upToDate, "a record of other stamps is not used")
        // Same stamps, but a summary missing: the record does not fit and every input is read.
        let header = try #require(String(contentsOf: record, encoding: .utf8).split(separator: "\n")[1].split(separator: "\t").first)
        try Data("\(InputDigests.version)\n\(header)\nend".utf8).write(to: record)
        #expect(try await builder.publish(to: output.path).upToDate, "a record that does not fit is not used")
        // A missing record, and an edit: the edit is seen.
        try FileManager.default.removeItem(at: record)
        try Fixture.write("---\ntitle: Introduction\n---\nEdited without a record.\n", to: "guide/intro.md", in: content)
        #expect(try await !builder.publish(to: output.path).upToDate)
        try await expectSameAsClean(output, clean, builder, after: "an edit with no record of digests")

        // Renamed with the same bytes, added, deleted: each builds again.
        let moved = content.appendingPathComponent("guide/setup/installing.md")
        try FileManager.default.moveItem(at: install, to: moved)
        #expect(try await !builder.publish(to: output.path).upToDate, "a rename")
        try await expectSameAsClean(output, clean, builder, after: "a rename")
        try Data(original.utf8).write(to: install)
        #expect(try await !builder.publish(to: output.path).upToDate, "an added file")
        try await expectSameAsClean(output, clean, builder, after: "an added file")
        try FileManager.default.removeItem(at: moved)
        #expect(try await !builder.publish(to: output.path).upToDate, "a deleted file")
        try await expectSameAsClean(output, clean, builder, after: "a deleted file")
    }

    /// Where a page is dated by its file's modification time, a touch that moves the time
    /// to another minute changes the page, so it is not a no-op.
    @Test func touchChangesAPageDatedByItsFile() async throws {
        let (folder, content, output, _) = try Fixture.publishable()
        var options = Fixture.options(content: content)
        options.useFileDates = true
        let builder = SiteBuilder(options: options)
        _ = try await builder.publish(to: output.path)
        let install = content.appendingPathComponent("guide/setup/install.md")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)], ofItemAtPath: install.path)
        let report = try await builder.publish(to: output.path)
        #expect(!report.upToDate, "a touch into another minute redates the page")
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try tree(output) == tree(clean))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_010)], ofItemAtPath: install.path)
        #expect(try await builder.publish(to: output.path).upToDate, "the same minute")
    }

    /// A page is rendered again only when its view changed, and a Markdown twin only when
    /// its page's source did: a touched source makes nothing again, an edit makes the pages
    /// that show what changed and its own twin (and llms-full.txt), a template change
    /// renders every page and no twin, and nothing made for another link style is kept.
    @Test func pagesAreRenderedAgainOnlyWhenTheirViewChanged() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        let clean = folder.appendingPathComponent("Clean")
        let first = try await builder.publish(to: output.path)
        let pages = first.pageCount
        let twins = pages, full = 1
        #expect(first.memoizedFileCount == 0)

        let install = content.appendingPathComponent("guide/setup/install.md")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: install.path)
        let touched = try await builder.publish(to: output.path)
        #expect(touched.upToDate, "a touched source with the same bytes builds nothing")

        // A new last paragraph changes the page and nothing another page shows of it.
        var text = try String(contentsOf: install, encoding: .utf8)
        text = text.replacingOccurrences(of: "- [ ] Coffee\n", with: "- [ ] Coffee\n\nA new last paragraph.\n")
        try Data(text.utf8).write(to: install)
        let edited = try await builder.publish(to: output.path)
        #expect(edited.memoizedFileCount == (pages - 1) + (twins - 1), "only the edited page, its twin and llms-full.txt are made")
        try await expectSameAsClean(output, clean, builder, after: "an edit")

        // A new title shows in navigation, breadcrumbs and listings of other pages.
        try Fixture.write("---\ntitle: Getting started\ntags: [basics]\norder: 1\n---\nNew text.\n", to: "guide/intro.md", in: content)
        let retitled = try await builder.publish(to: output.path)
        #expect((retitled.memoizedFileCount ?? 0) < (pages - 1) + (twins - 1), "pages showing the title are rendered too")
        try await expectSameAsClean(output, clean, builder, after: "a new title")

        // What other pages show of a page besides its title: its summary (first paragraph),
        // its description, its tags, a front matter key only templates read; and a page
        // that is not in a listing at all (a key no view reads still changes the facts).
        let edits = [
            ("a new summary", "guide/intro.md", "---\ntitle: Getting started\ntags: [basics]\norder: 1\n---\nAnother first paragraph.\n"),
            ("a description", "guide/intro.md", "---\ntitle: Getting started\ndescription: Where to begin.\ntags: [basics]\norder: 1\n---\nAnother first paragraph.\n"),
            ("a tag change", "guide/intro.md", "---\ntitle: Getting started\ndescription: Where to begin.\ntags: [basics, first]\norder: 1\n---\nAnother first paragraph.\n"),
            ("a template key", "guide/intro.md", "---\ntitle: Getting started\ndescription: Where to begin.\ntags: [basics, first]\norder: 1\nms.custom: new value\n---\nAnother first paragraph.\n"),
            ("a new order", "guide/intro.md", "---\ntitle: Getting started\ndescription: Where to begin.\ntags: [basics, first]\norder: 9\nms.custom: new value\n---\nAnother first paragraph.\n"),
        ]
        for (step, path, text) in edits {
            try Fixture.write(text, to: path, in: content)
            #expect(try await !builder.publish(to: output.path).upToDate, "\(step)")
            try await expectSameAsClean(output, clean, builder, after: step)
        }

        // Any template change: every page is rendered again.
        let templates = folder.appendingPathComponent("Templates")
        try Fixture.write("<p>unused</p>\n", to: "unused.mustache", in: templates)
        let themed = SiteBuilder(options: Fixture.options(content: content, templates: templates))
        let rethemed = try await themed.publish(to: output.path)
        #expect(rethemed.succeeded)
        #expect(rethemed.memoizedFileCount == twins + full, "a template change renders every page, and no twin")
        try await expectSameAsClean(output, clean, themed, after: "a template change")

        // Pages for opening from disk have other links: none is kept from the hosted build.
        var fileOptions = Fixture.options(content: content, templates: templates)
        fileOptions.links = .file
        let forDisk = SiteBuilder(options: fileOptions)
        let disk = try await forDisk.publish(to: output.path)
        #expect(disk.memoizedFileCount == 0)
        try await expectSameAsClean(output, clean, forDisk, after: "a change of link style")
    }

    /// A memo keeps a file only while it is exactly as the build that made it left it:
    /// a page or twin changed by hand in the live site, or missing from it, is made again.
    @Test func memoNeverKeepsAFileChangedByHand() async throws {
        let (folder, content, output, builder) = try Fixture.publishable()
        _ = try await builder.publish(to: output.path)
        let page = output.appendingPathComponent("faq/questions/index.html")
        let twin = output.appendingPathComponent("faq/questions/index.md")
        try Data("<p>changed by hand</p>".utf8).write(to: page)
        try Data("changed by hand".utf8).write(to: twin)
        try FileManager.default.removeItem(at: output.appendingPathComponent("guide/intro/index.html"))
        let install = content.appendingPathComponent("guide/setup/install.md")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: install.path)

        let report = try await builder.publish(to: output.path)
        #expect(report.succeeded && !report.upToDate)
        #expect((report.memoizedFileCount ?? 0) > 0)
        let clean = folder.appendingPathComponent("Clean")
        _ = try await builder.publish(to: clean.path, incremental: false)
        #expect(try tree(output) == tree(clean))
    }

    @Test func parallelBuildEqualsOneCoreBuild() async throws {
        let content = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Content")
        let (parallel, _) = try await ConcurrencyLimit.$width.withValue(4) { try await Fixture.build(content: content) }
        let (serial, _) = try await ConcurrencyLimit.$width.withValue(1) { try await Fixture.build(content: content) }
        #expect(parallel.files.count == serial.files.count)
        #expect(parallel.files == serial.files)
    }
}

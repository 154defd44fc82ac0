import Foundation
import Testing
@testable import TomeBuild
import TomeCore

/// Helpers shared by the build tests: fixture sites copied into unique temporary
/// folders (so tests can edit them), and builds into memory.
enum Fixture {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// A fresh copy of a fixture's content folder in a unique temporary folder.
    /// A copy of the basic fixture, the output folder beside its content, and a builder.
    static func publishable() throws -> (folder: URL, content: URL, output: URL, builder: SiteBuilder) {
        let folder = try copy()
        let content = folder.appendingPathComponent("Content")
        return (folder, content, folder.appendingPathComponent("Public"), SiteBuilder(options: options(content: content)))
    }

    static func copy(_ name: String = "basic") throws -> URL {
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent("tome-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent(name).appendingPathComponent("Content"),
                                         to: target.appendingPathComponent("Content"))
        return target
    }

    static func options(content: URL, templates: URL? = nil, strict: Bool = false) -> BuildOptions {
        BuildOptions(contentDirectory: content.path, contentDisplayPath: "Content",
                     templatesDirectory: templates?.path, templatesDisplayPath: "Templates",
                     strict: strict, useGit: false, useFileDates: false)
    }

    static func build(content: URL, templates: URL? = nil, strict: Bool = false) async throws -> (MemorySink, BuildReport) {
        let sink = MemorySink()
        let report = try await SiteBuilder(options: options(content: content, templates: templates, strict: strict)).build(into: sink)
        return (sink, report)
    }

    static func write(_ text: String, to relative: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

/// Golden files: compared byte for byte; re-recorded with TOME_RECORD_GOLDEN=1.
/// A missing golden file fails the test (record it first).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TOME_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("golden file \(name) is missing; run the tests with TOME_RECORD_GOLDEN=1 to record it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(a, e)).firstIndex { $0.0 != $0.1 } ?? min(a.count, e.count)
            Issue.record("""
            \(name) differs from the golden file at line \(line + 1):
              expected: \(line < e.count ? String(e[line]) : "<end>")
              actual:   \(line < a.count ? String(a[line]) : "<end>")
            (re-record with TOME_RECORD_GOLDEN=1 if the change is intended)
            """, sourceLocation: sourceLocation)
        }
    }
}

import Foundation
import Logging
import TomeBuild
@testable import TomeServer

/// A small knowledge base built into a unique temporary folder:
///
///     <root>/Content/...   the sources
///     <root>/Public/...    the built site (plus two symlinks that point outside it)
///     <root>/secret.txt    a file no request may ever read
struct Fixture {
    let root: String
    var content: String { root + "/Content" }
    var publicDirectory: String { root + "/Public" }
    static let secret = "TOP-SECRET-DO-NOT-SERVE"
    /// Request logs only from warnings up (a 1 MB query would fill the test log).
    static let logger: Logger = {
        var logger = Logger(label: "tome.test")
        logger.logLevel = .warning
        return logger
    }()

    static let files: [String: String] = [
        "site.yml": "title: Fixture KB\ndescription: A tiny help centre.\nbaseURL: https://kb.example.com/\n",
        "_index.md": "---\ntitle: Home\n---\n\nWelcome to the fixture knowledge base.\n",
        "support/_index.md": "---\ntitle: Support\ndescription: How to reach us.\n---\n\nAll about support.\n",
        "support/faq.md": """
            ---
            title: Support FAQ
            type: faq
            tags: [support, hours]
            revision: 3
            ---

            ## Can I get help after hours?

            Yes, after-hours support covers critical issues only. Email the on-call desk.

            ## How do I reset my password?

            Use the forgotten password link on the sign-in page.
            """,
        "billing/_index.md": "---\ntitle: Billing\n---\n\nInvoices and refunds.\n",
        "billing/refunds.md": """
            ---
            title: Refunds
            tags: [money]
            ---

            # Refunds

            Refunds for parking permits are issued within ten business days.

            ## Fees

            A cancellation fee applies to annual permits.
            """,
    ]

    /// The fixture site, plus `extra` content files (path relative to `Content/` → text).
    static func make(extra: [String: String] = [:]) async throws -> Fixture {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("tome-server-\(UUID().uuidString)").path
        let fixture = Fixture(root: root)
        for (path, text) in files.merging(extra, uniquingKeysWith: { $1 }) {
            let full = fixture.content + "/" + path
            try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try secret.write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
        let report = try await fixture.build()
        precondition(report.succeeded, "fixture build failed: \(report.diagnostics.all)")
        try fixture.addEscapingSymlinks()
        return fixture
    }

    func build() async throws -> BuildReport {
        let options = BuildOptions(contentDirectory: content, contentDisplayPath: "Content", useGit: false, useFileDates: false)
        return try await SiteBuilder(options: options).publish(to: publicDirectory)
    }

    /// `Public/leak.txt -> ../secret.txt` and `Public/up -> ..`.
    func addEscapingSymlinks() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: publicDirectory + "/leak.txt")
        try? fm.removeItem(atPath: publicDirectory + "/up")
        try fm.createSymbolicLink(atPath: publicDirectory + "/leak.txt", withDestinationPath: root + "/secret.txt")
        try fm.createSymbolicLink(atPath: publicDirectory + "/up", withDestinationPath: "..")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func site(instances: Int = 2) -> PublishedSite { PublishedSite(directory: publicDirectory, searchInstances: instances) }

    func configuration(liveReload: Bool = false, cors: [String] = []) -> ServerConfiguration {
        ServerConfiguration(siteDirectory: publicDirectory, port: 0, liveReload: liveReload, corsOrigins: cors, searchInstances: 2)
    }
}

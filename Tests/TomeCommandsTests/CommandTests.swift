import Foundation
import ArgumentParser
import Testing
import TomeCore
@testable import TomeCommands

@Suite struct CommandTests {
    @Test func buildDefaultsMatchTheRepositoryLayout() throws {
        let command = try BuildCommand.parse([])
        #expect(command.content == "Content")
        #expect(command.templates == "Templates")
        #expect(command.output == "Public")
        #expect(!command.strict && !command.drafts)
    }

    /// Only production serving moves Swift concurrency onto the server's event loops;
    /// a watching server builds in the same process and keeps the default pool.
    @Test func onlyServeNoWatchAdoptsTheEventLoops() {
        #expect(TomeCommand.servesOnly(["tome", "serve", "--no-watch"]))
        #expect(TomeCommand.servesOnly(["tome", "serve", "--output", "site", "--no-watch", "--port", "80"]))
        #expect(!TomeCommand.servesOnly(["tome", "serve"]))
        #expect(!TomeCommand.servesOnly(["tome", "serve", "--drafts"]))
        #expect(!TomeCommand.servesOnly(["tome", "build", "--no-watch"]))
        #expect(!TomeCommand.servesOnly(["tome", "--no-watch", "serve"]))
        #expect(!TomeCommand.servesOnly(["tome"]))
    }

    @Test func badUsageExitsWith64() {
        do {
            _ = try TomeCommand.parseAsRoot(["build", "--no-such-flag"])
            Issue.record("parsing should fail")
        } catch {
            #expect(TomeCommand.exitCode(for: error).rawValue == 64)
        }
    }

    @Test func printerSummarisesFloodsOfOneKind() {
        var diagnostics = Diagnostics()
        for line in 1...25 {
            diagnostics.append(.warning("link.unresolved", "link target 'x\(line).md' does not exist",
                                        at: SourceLocation(file: "Content/a.md", line: line, column: 1)))
        }
        diagnostics.append(.error("frontmatter.yaml", "front matter: bad", at: SourceLocation(file: "Content/b.md", line: 2, column: 3)))
        let lines = DiagnosticPrinter(limitPerID: 20).lines(for: diagnostics)
        #expect(lines.count == 22)
        #expect(lines.last == "… and 5 more [link.unresolved] (use --all-diagnostics to see every one)")
        #expect(lines.contains("Content/b.md:2:3: error: front matter: bad [frontmatter.yaml]"))
    }
}

@Suite struct NewCommandTests {
    @Test func createsThePageAndRefusesToOverwriteIt() throws {
        let content = FileManager.default.temporaryDirectory.appendingPathComponent("tome-new-\(UUID().uuidString)").path
        var command = try NewCommand.parse(["faq", "Billing questions", "--book", "support", "--content", content])
        try command.run()
        let path = content + "/support/billing-questions.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("type: faq"))
        command = try NewCommand.parse(["faq", "Billing questions", "--book", "support", "--content", content])
        #expect(throws: ExitCode.self) { try command.run() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func articleNeedsABook() {
        #expect(throws: (any Error).self) { try NewCommand.parse(["article", "Title"]) }
        #expect(throws: (any Error).self) { try NewCommand.parse(["poem", "Title", "--book", "x"]) }
    }
}

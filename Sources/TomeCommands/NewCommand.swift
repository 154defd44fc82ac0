import ArgumentParser
import Foundation
import TomeSite

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a page with the right front matter in the right folder.",
        discussion: "Kinds: faq, article, lesson (goes to training/), release (goes to releases/). Never overwrites a file."
    )

    @Argument(help: "faq, article, lesson or release.")
    var kind: String

    @Argument(help: "The page title.")
    var title: String

    @Option(help: "The book (top-level folder) to put the page in.")
    var book: String?

    @Option(help: "The content folder.")
    var content = "Content"

    func validate() throws {
        guard let kind = Scaffold.Kind(rawValue: kind) else {
            throw ValidationError("unknown kind '\(kind)'; use one of: faq, article, lesson, release")
        }
        if book == nil, kind.defaultBook == nil {
            throw ValidationError("name the book for the new \(kind.rawValue) with --book (a folder in \(content)/)")
        }
        if let book, book.contains("/") || book.contains("..") || book.isEmpty {
            throw ValidationError("--book takes a single folder name such as 'support'")
        }
    }

    func run() throws {
        let kind = Scaffold.Kind(rawValue: kind)!
        let folder = book ?? kind.defaultBook!
        let (fileName, text) = Scaffold.page(kind, title: title, today: Timestamp(date: Date()))
        let directory = URL(fileURLWithPath: content).appendingPathComponent(folder)
        let target = directory.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: target.path) {
            Terminal.error("error: \(content)/\(folder)/\(fileName) already exists; choose another title or edit that page")
            throw ExitCode(1)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target, options: .withoutOverwriting)
        print("Created \(content)/\(folder)/\(fileName)")
    }
}

import ArgumentParser
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a small working site to start from."
    )

    @Argument(help: "The folder to create (must not exist or be empty).")
    var directory: String

    func run() throws {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            Terminal.error("error: \(directory) is not empty; choose a new folder")
            throw ExitCode(1)
        }
        for (path, text) in StarterSite.files {
            let target = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
        }
        print("""
        Created a new knowledge base in \(directory)/.
          cd \(directory)
          tome build        # writes the site into Public/
        Edit Content/ to write pages; copy templates from the Tome repository's Templates/ to change the look.
        """)
    }
}

/// The site `tome init` writes: one book with an article and an FAQ.
enum StarterSite {
    static let files: [(String, String)] = [
        ("Content/site.yml", """
        title: My Help Centre
        description: Answers to common questions.
        baseURL: https://help.example.com/
        language: en
        footer: "My Help Centre"
        books: [getting-started]

        """),
        ("Content/_index.md", """
        ---
        title: My Help Centre
        ---
        Welcome. Start with [Getting started](getting-started/_index.md) or read the [FAQ](getting-started/faq.md).

        """),
        ("Content/getting-started/_index.md", """
        ---
        title: Getting started
        description: First steps.
        order: 1
        ---
        Everything a new user needs on day one.

        """),
        ("Content/getting-started/first-steps.md", """
        ---
        title: First steps
        tags: [basics]
        order: 1
        ---
        ## Sign in

        Open the application and sign in with the account your administrator gave you.

        > [!TIP]
        > Bookmark the sign-in page.

        ## Next

        See the [FAQ](faq.md#how-do-i-reset-my-password) if you cannot sign in.

        """),
        ("Content/getting-started/faq.md", """
        ---
        title: Frequently asked questions
        type: faq
        tags: [basics]
        order: 2
        ---
        ## How do I reset my password?

        Use the "Forgot password" link on the sign-in page.

        ## Who do I contact for help?

        Write to your support team.

        """),
    ]
}

import TomeCore

/// New pages for `tome new`: the right front matter for each page type.
public enum Scaffold {
    public enum Kind: String, CaseIterable, Sendable {
        case faq, article, lesson, release

        /// The book a page of this kind goes to when none is named.
        public var defaultBook: String? {
            switch self {
            case .lesson: "training"
            case .release: "releases"
            case .faq, .article: nil
            }
        }
    }

    /// The file name (`refund-policy.md`) and text of a new page.
    public static func page(_ kind: Kind, title: String, today: Timestamp) -> (fileName: String, text: String) {
        let slug = Slug.segmentFallback(title)
        let quotedTitle = "\"" + title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        var text = "---\ntitle: \(quotedTitle)\ndescription: \"\"\n"
        switch kind {
        case .article:
            text += "tags: []\n---\nWrite the article here. Start with what the reader wants to do.\n\n## First step\n\nDescribe it.\n"
        case .faq:
            text += "type: faq\ntags: [faq]\n---\n## What is the first question?\n\nAnswer it here. Every question is a `##` heading with its answer below.\n"
        case .lesson:
            text += "type: lesson\nduration: 30m\nday: 1\nmodule: \"\"\nobjectives:\n  - \"\"\nprerequisites: []\n---\nWhat the learner does in this lesson, step by step.\n"
        case .release:
            text += "type: release\nversion: \(quotedTitle)\ndate: \(today.iso8601Date)\nstatus: upcoming\n---\n## Features\n\n- \n\n## Improvements\n\n- \n\n## Fixes\n\n- \n"
        }
        return (slug + ".md", text)
    }
}



extension Slug {
    /// A URL segment for a title, never empty.
    static func segmentFallback(_ title: String) -> String {
        let s = Slug.segment(title)
        return s.isEmpty ? "page" : s
    }
}

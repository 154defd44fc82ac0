import Mustache
import TomeCore
import TomeMarkdown
import TomeSite

// The knowledge-base page types: FAQ, training agenda and lessons, release notes.

/// One FAQ question: a heading and the answer below it.
struct FAQItem: Sendable, Hashable {
    var question: String
    var id: String
    var answer: String
    var line: Int
}

struct FAQGroup: Sendable, Hashable {
    var title: String
    var id: String
    var items: [FAQItem]
}

enum FAQ {
    /// Questions are `##` headings, or `###` under a `##` that only groups them (a
    /// `##` with no text of its own followed by `###` questions).
    static func groups(from sections: [Section]) -> [FAQGroup] {
        var groups: [FAQGroup] = []
        var i = 0
        while i < sections.count {
            let section = sections[i]
            defer { i += 1 }
            guard section.level == 2 else {
                if section.level == 3, !groups.isEmpty, !groups[groups.count - 1].title.isEmpty {
                    groups[groups.count - 1].items.append(FAQItem(question: section.heading, id: section.anchor, answer: section.text, line: section.line))
                }
                continue
            }
            let hasSubquestions = i + 1 < sections.count && sections[i + 1].level == 3
            if !section.hasBody, hasSubquestions {
                groups.append(FAQGroup(title: section.heading, id: section.anchor, items: []))
            } else {
                if groups.isEmpty || !groups[groups.count - 1].title.isEmpty {
                    groups.append(FAQGroup(title: "", id: "", items: []))
                }
                groups[groups.count - 1].items.append(FAQItem(question: section.heading, id: section.anchor, answer: section.text, line: section.line))
            }
        }
        return groups.filter { !$0.items.isEmpty || !$0.title.isEmpty }
    }

    /// Questions without an answer, as warnings at their heading.
    static func problems(in groups: [FAQGroup], file: String, lineOffset: Int) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for group in groups {
            if group.items.isEmpty {
                out.append(.warning("faq.unanswered", "FAQ group '\(group.title)' has no questions", at: SourceLocation(file: file)))
            }
            for item in group.items where item.answer.isEmpty {
                out.append(.warning("faq.unanswered", "FAQ question '\(item.question)' has no answer",
                                    at: SourceLocation(file: file, line: item.line + lineOffset, column: 1),
                                    hint: "write the answer below the question's heading"))
            }
        }
        return out
    }

    /// schema.org FAQPage structured data, safe to place inside a `<script>` element.
    static func jsonLD(_ groups: [FAQGroup]) -> String {
        let entities = groups.flatMap(\.items).map { item in
            "{\"@type\":\"Question\",\"name\":\(JSONText.string(item.question)),\"acceptedAnswer\":{\"@type\":\"Answer\",\"text\":\(JSONText.string(item.answer))}}"
        }
        return "{\"@context\":\"https://schema.org\",\"@type\":\"FAQPage\",\"mainEntity\":[\(entities.joined(separator: ","))]}"
    }
}

/// JSON string literals that are also safe inside HTML `<script>`: `<`, `>` and `&` are
/// written as `\u003c`-style escapes, so no text can close the script element.
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

struct FAQGroupView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var id: String
    var questions: [LinkView]

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "title": .string(title)
        case "id": .string(id)
        case "questions": .list(questions)
        default: nil
        }
    }
}

/// A lesson as the agenda and the lesson page show it.
struct LessonView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var url: String
    var id: String
    var duration: String
    var objectives: [String]
    var prerequisites: [String]
    var video: String

    var hasObjectives: Bool { !objectives.isEmpty }
    var hasPrerequisites: Bool { !prerequisites.isEmpty }

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "title": .string(title)
        case "url": .string(url)
        case "id": .string(id)
        case "duration": .string(duration)
        case "objectives": .list(objectives)
        case "prerequisites": .list(prerequisites)
        case "hasObjectives": .bool(hasObjectives)
        case "hasPrerequisites": .bool(hasPrerequisites)
        case "video": .string(video)
        default: nil
        }
    }
}

/// A module (or day) of an agenda with its lessons and their total time.
struct AgendaModuleView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var day: String
    var duration: String
    var lessons: [LessonView]

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "title": .string(title)
        case "day": .string(day)
        case "duration": .string(duration)
        case "lessons": .list(lessons)
        default: nil
        }
    }
}

struct AgendaView: TemplateObject, MustacheParent, Sendable, Encodable {
    var title: String
    var url: String
    /// Identifies the agenda's progress in the browser's storage.
    var key: String
    var modules: [AgendaModuleView]
    var lessonCount: Int
    var duration: String

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "title": .string(title)
        case "url": .string(url)
        case "key": .string(key)
        case "modules": .list(modules)
        case "lessonCount": .int(lessonCount)
        case "duration": .string(duration)
        default: nil
        }
    }
}

struct ReleaseView: TemplateObject, MustacheParent, Sendable, Encodable {
    var version: String
    var date: String
    var isoDate: String
    var status: String
    var upcoming: Bool

    func value(forKey name: String) -> TemplateValue? {
        switch name {
        case "version": .string(version)
        case "date": .string(date)
        case "isoDate": .string(isoDate)
        case "status": .string(status)
        case "upcoming": .bool(upcoming)
        default: nil
        }
    }
}

extension ViewBuilder {
    func lessonView(_ page: Page) -> LessonView {
        let lesson = page.metadata.lesson ?? LessonMetadata()
        return LessonView(
            title: page.title, url: context.href(page.url), id: page.id,
            duration: lesson.minutes.map(LessonMetadata.display(minutes:)) ?? "",
            objectives: lesson.objectives, prerequisites: lesson.prerequisites, video: lesson.video ?? ""
        )
    }

    /// The agenda a lesson belongs to: the nearest ancestor with `type: agenda`.
    func agendaPage(for page: Page) -> Page? {
        if page.type == "agenda" { return page }
        return context.site.ancestors(of: page).last { $0.type == "agenda" }
    }

    /// Lessons of an agenda in order, grouped by day, then module (in order of appearance).
    func agendaView(_ agenda: Page) -> AgendaView {
        let site = context.site
        var lessons: [Page] = []
        func collect(_ page: Page) {
            for id in page.children {
                guard let child = site.pages[id] else { continue }
                if child.type == "lesson" { lessons.append(child) }
                collect(child)
            }
        }
        collect(agenda)
        let ordered = lessons.enumerated().sorted { a, b in
            let da = a.element.metadata.lesson?.day ?? Int.max, db = b.element.metadata.lesson?.day ?? Int.max
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
        var modules: [AgendaModuleView] = []
        var minutesByModule: [Int] = []
        for lesson in ordered {
            let meta = lesson.metadata.lesson
            let day = meta?.day.map { "Day \($0)" } ?? ""
            let title = meta?.module ?? ""
            if let last = modules.last, last.title == title, last.day == day {
                modules[modules.count - 1].lessons.append(lessonView(lesson))
                minutesByModule[minutesByModule.count - 1] += meta?.minutes ?? 0
            } else {
                modules.append(AgendaModuleView(title: title, day: day, duration: "", lessons: [lessonView(lesson)]))
                minutesByModule.append(meta?.minutes ?? 0)
            }
        }
        for i in modules.indices { modules[i].duration = LessonMetadata.display(minutes: minutesByModule[i]) }
        return AgendaView(title: agenda.title, url: context.href(agenda.url), key: "tome-progress:" + context.href(agenda.url),
                          modules: modules, lessonCount: ordered.count,
                          duration: LessonMetadata.display(minutes: minutesByModule.reduce(0, +)))
    }

    /// Previous and next lessons within the agenda.
    func lessonNeighbours(_ page: Page, in agenda: AgendaView) -> (LinkView?, LinkView?) {
        let all = agenda.modules.flatMap(\.lessons)
        guard let i = all.firstIndex(where: { $0.id == page.id }) else { return (nil, nil) }
        let previous = i > 0 ? LinkView(title: all[i - 1].title, url: all[i - 1].url) : nil
        let next = i + 1 < all.count ? LinkView(title: all[i + 1].title, url: all[i + 1].url) : nil
        return (previous, next)
    }

    func releaseView(_ page: Page) -> ReleaseView? {
        guard let release = page.metadata.release else { return nil }
        return ReleaseView(version: release.version ?? "", date: release.date?.display ?? "", isoDate: release.date?.iso8601Date ?? "",
                           status: release.status == .upcoming ? "Upcoming" : "Released", upcoming: release.status == .upcoming)
    }

    /// Release pages, newest first (upcoming before released, then by date).
    static func newestFirst(_ pages: [Page]) -> [Page] {
        pages.sorted { a, b in
            let ua = a.metadata.release?.status == .upcoming, ub = b.metadata.release?.status == .upcoming
            if ua != ub { return ua }
            let da = a.metadata.release?.date, db = b.metadata.release?.date
            if da != db { return (da ?? Timestamp(year: 1, month: 1, day: 1)) > (db ?? Timestamp(year: 1, month: 1, day: 1)) }
            return a.id < b.id
        }
    }
}

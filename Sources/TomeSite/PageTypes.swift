import TomeCore

/// Front matter of a training lesson (`type: lesson`).
public struct LessonMetadata: Sendable, Hashable, Encodable {
    /// Minutes; nil when absent or unreadable (the latter is reported).
    public var minutes: Int?
    public var objectives: [String] = []
    public var prerequisites: [String] = []
    public var day: Int?
    public var module: String?
    public var video: String?

    public init() {}

    /// `45m`, `1h30m`, `2h`, `1h 30m`, `90` (minutes) → minutes.
    public static func parseDuration(_ text: String) -> Int? {
        let t = text.lowercased().filter { !$0.isWhitespace }
        if let plain = Int(t) { return plain > 0 ? plain : nil }
        var total = 0
        var number = ""
        var sawUnit = false
        for ch in t {
            if ch.isNumber {
                number.append(ch)
            } else {
                guard let n = Int(number) else { return nil }
                switch ch {
                case "h": total += n * 60
                case "m": total += n
                default: return nil
                }
                number = ""
                sawUnit = true
            }
        }
        guard number.isEmpty, sawUnit, total > 0 else { return nil }
        return total
    }

    /// `1h 30m`, `45m`, `2h`.
    public static func display(minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        switch (h, m) {
        case (0, _): return "\(m)m"
        case (_, 0): return "\(h)h"
        default: return "\(h)h \(m)m"
        }
    }
}

/// Front matter of a release-notes page (`type: release`).
public struct ReleaseMetadata: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Encodable { case upcoming, released }
    public var version: String?
    public var date: Timestamp?
    public var status: Status = .released

    public init() {}
}

extension PageMetadata {
    /// Reads the keys of lessons and releases from `extra`, reporting wrong values at
    /// their line. Called by the loader for pages of those types.
    mutating func readTypeKeys(diagnostics: inout [Diagnostic]) {
        func location(_ key: String) -> SourceLocation? { locations[key] }
        func wrongType(_ key: String, _ expected: String, _ value: Value) {
            diagnostics.append(.error("frontmatter.type", "front matter: '\(key)' must be \(expected), found \(value.kindDescription)",
                                      at: location(key), hint: "write '\(key)' as \(expected)"))
        }
        switch type {
        case "lesson":
            var lesson = LessonMetadata()
            if let value = extra["duration"] {
                if let text = value.scalarText, let minutes = LessonMetadata.parseDuration(text) {
                    lesson.minutes = minutes
                } else {
                    diagnostics.append(.error("lesson.duration", "lesson duration '\(value.displayText)' is not a duration",
                                              at: location("duration"), hint: "write it like 45m, 1h30m or 2h"))
                }
            }
            for key in ["objectives", "prerequisites"] {
                guard let value = extra[key] else { continue }
                guard let list = value.stringList else { wrongType(key, "a list of strings", value); continue }
                if key == "objectives" { lesson.objectives = list } else { lesson.prerequisites = list }
            }
            if let value = extra["day"] {
                if case .int(let d) = value { lesson.day = d } else { wrongType("day", "an integer", value) }
            }
            if let value = extra["module"] {
                if let s = value.scalarText { lesson.module = s } else { wrongType("module", "a string", value) }
            }
            if let value = extra["video"] {
                if case .string(let s) = value { lesson.video = s } else { wrongType("video", "a URL", value) }
            }
            self.lesson = lesson
        case "release":
            var release = ReleaseMetadata()
            if let value = extra["version"] {
                if let s = value.scalarText { release.version = s } else { wrongType("version", "a string such as \"2026.11\"", value) }
            }
            release.date = date ?? created
            if let value = extra["status"] {
                if let s = value.scalarText, let status = ReleaseMetadata.Status(rawValue: s.lowercased()) {
                    release.status = status
                } else {
                    diagnostics.append(.error("release.status", "release status '\(value.displayText)' is not 'upcoming' or 'released'",
                                              at: location("status"), hint: "write status: upcoming or status: released"))
                }
            }
            self.release = release
        default:
            break
        }
    }
}

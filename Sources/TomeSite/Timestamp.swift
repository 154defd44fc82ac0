/// A calendar date with an optional time of day, as written in front matter or taken
/// from git (always UTC). Printed the way the wiki Tome replaces prints it:
/// `24 May 2024 14:45`.
public struct Timestamp: Hashable, Sendable, Comparable, Encodable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int?
    public var minute: Int?

    public init(year: Int, month: Int, day: Int, hour: Int? = nil, minute: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// Parses `2024-05-24`, `2024-05-24 14:45`, `2024-05-24T14:45:00Z` (time zone
    /// offsets are dropped: dates are shown as written) and US-style `5/24/2024`.
    public init?(parsing text: String) {
        let t = text.trimmingSpaces
        let digitsAndSeparators = t.split(whereSeparator: { !$0.isNumber })
        if t.contains("-"), digitsAndSeparators.count >= 3, digitsAndSeparators[0].count == 4 {
            guard let y = Int(digitsAndSeparators[0]), let m = Int(digitsAndSeparators[1]), let d = Int(digitsAndSeparators[2]) else { return nil }
            self.init(year: y, month: m, day: d)
            if digitsAndSeparators.count >= 5, let h = Int(digitsAndSeparators[3]), let mi = Int(digitsAndSeparators[4]) {
                hour = h
                minute = mi
            }
        } else if t.contains("/"), digitsAndSeparators.count == 3 {
            guard let m = Int(digitsAndSeparators[0]), let d = Int(digitsAndSeparators[1]), let y = Int(digitsAndSeparators[2]) else { return nil }
            self.init(year: y, month: m, day: d)
        } else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day), (1...9999).contains(year),
              (0...23).contains(hour ?? 0), (0...59).contains(minute ?? 0) else { return nil }
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"]

    /// `24 May 2024 14:45`, or `24 May 2024` without a time.
    public var display: String {
        var s = "\(day) \(Timestamp.monthNames[month - 1]) \(year)"
        if let hour, let minute { s += " " + pad(hour) + ":" + pad(minute) }
        return s
    }

    /// `2024-05-24` (sitemaps) or `2024-05-24T14:45:00Z` (feeds).
    public var iso8601Date: String { "\(year)-\(pad(month))-\(pad(day))" }
    public var iso8601: String { "\(iso8601Date)T\(pad(hour ?? 0)):\(pad(minute ?? 0)):00Z" }

    private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.year, a.month, a.day, a.hour ?? 0, a.minute ?? 0) < (b.year, b.month, b.day, b.hour ?? 0, b.minute ?? 0)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

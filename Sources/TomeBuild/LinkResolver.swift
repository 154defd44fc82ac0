import Foundation
import TomeCore
import TomeHTML
import TomeMarkdown
import TomeSite

/// Turns link destinations as authors write them (`../billing/refunds.md#fees`,
/// `images/map.png`) into the URLs the site publishes, and says which ones point
/// nowhere. Anchors are checked after every page is rendered, when all ids are known.
struct LinkResolver: Sendable {
    /// Page URL (without base path) by source id (`support/faq.md`).
    let urlByID: [String: String]
    /// Page id by URL, for links written as site paths (`/support/faq/`).
    let idByURL: [String: String]
    let assets: Set<String>
    let basePath: String

    init(site: Site) {
        var urlByID: [String: String] = [:]
        var idByURL: [String: String] = [:]
        for page in site.pages.values {
            urlByID[page.id] = page.url
            idByURL[page.url] = page.id
        }
        self.urlByID = urlByID
        self.idByURL = idByURL
        assets = Set(site.assets)
        basePath = site.configuration.basePath
    }

    /// Everything `resolve` reads besides its arguments: the URL map, the assets and the
    /// base path. Part of the memo key of anything made by resolving links.
    var identity: Digest {
        var digest = Digest()
        digest.add(basePath)
        for id in urlByID.keys.sorted() {
            digest.add(id)
            digest.add(urlByID[id]!)
        }
        for asset in assets.sorted() { digest.add(asset) }
        return digest
    }

    /// An anchor to check once every page's ids are known.
    struct PendingAnchor: Sendable, Hashable {
        var targetID: String
        var fragment: String
        var line: Int
        var column: Int
    }

    enum Outcome: Sendable, Hashable {
        case external(String)
        case page(url: String, id: String, fragment: String?)
        case asset(url: String)
        case fragmentOnly(String)
        case missing(url: String, message: String, hint: String)
    }

    static func isExternal(_ destination: String) -> Bool {
        let slash = UInt8(ascii: "/")
        if destination.utf8.first == slash, destination.utf8.dropFirst().first == slash { return true }
        // Most destinations have no colon: no need to walk their Characters.
        guard let colon = destination.utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let scheme = destination[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
            && destination[..<colon].first?.isLetter == true
    }

    /// Resolves `destination` written in the page `fromID`. URL syntax is ASCII, so the
    /// destination is taken apart over its UTF-8 bytes (walking Characters was most of
    /// the cost of resolving the C++ corpus's links).
    func resolve(_ destination: String, from fromID: String, kind: LinkTarget.Kind) -> Outcome {
        let trimmed = LinkResolver.trimmed(destination)
        if trimmed.isEmpty { return .external(trimmed) }
        // Markdown links skip the HTML sanitiser: refuse `javascript:` and friends here.
        if !MarkdownURLPolicy.isSafe(trimmed, image: kind == .image) {
            return .missing(url: "#", message: "link target '\(destination)' could run script in the reader's browser; it was removed",
                            hint: "link to an http(s), mailto or tel URL, or to a page or file of this site")
        }
        if LinkResolver.isExternal(trimmed) { return .external(trimmed) }
        if trimmed.utf8.first == UInt8(ascii: "#") { return .fragmentOnly(String(trimmed.utf8.dropFirst())!) }
        var path = Substring(trimmed)
        var fragment: String?
        if let hash = path.utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(path[path.utf8.index(after: hash)...])
            path = path[..<hash]
        }
        var query = ""
        if let q = path.utf8.firstIndex(of: UInt8(ascii: "?")) {
            query = String(path[q...])
            path = path[..<q]
        }
        // Foundation's decoding is slow, and most paths have nothing to decode.
        let decoded = path.utf8.contains(UInt8(ascii: "%")) ? String(path).removingPercentEncoding ?? String(path) : String(path)
        let suffix = query + (fragment.map { "#" + $0 } ?? "")

        if decoded.utf8.first == UInt8(ascii: "/") {
            // A site path: a page URL or an asset.
            var url = decoded
            if let id = idByURL[url] ?? idByURL[url + "/"] {
                url = urlByID[id]!
                return .page(url: basePath + url + query, id: id, fragment: fragment)
            }
            if assets.contains(String(decoded.utf8.dropFirst())!) { return .asset(url: basePath + decoded + suffix) }
            return .missing(url: basePath + trimmed, message: "link target '\(destination)' is not a page or file of this site",
                            hint: "link to the Markdown file instead, such as '../book/page.md'")
        }

        let base = LinkResolver.folder(ofPageID: fromID)
        guard let target = LinkResolver.normalise(base.isEmpty ? decoded : base + "/" + decoded) else {
            return .missing(url: trimmed, message: "link target '\(destination)' leads outside the content folder",
                            hint: "link only to files inside the content folder")
        }
        if LinkResolver.hasSuffix(target, ".md") || LinkResolver.hasSuffix(target, ".markdown") {
            if let url = urlByID[target] {
                return .page(url: basePath + url + query, id: target, fragment: fragment)
            }
            let kindWord = kind == .image ? "image" : "link target"
            return .missing(url: trimmed, message: "\(kindWord) '\(destination)' does not exist",
                            hint: "check the file name and path relative to this page (or the page is a draft)")
        }
        if assets.contains(target) {
            return .asset(url: basePath + "/" + target.split(separator: "/").map { LinkResolver.percentEncode(String($0)) }.joined(separator: "/") + suffix)
        }
        // A folder: its index page.
        let folderID = target.isEmpty ? Site.homeID : target + "/_index.md"
        if let url = urlByID[folderID] {
            return .page(url: basePath + url + query, id: folderID, fragment: fragment)
        }
        let what = kind == .image ? "image" : "link target"
        return .missing(url: trimmed, message: "\(what) '\(destination)' does not exist",
                        hint: kind == .image ? "put the image next to the page or fix the path" : "check the path relative to this page")
    }

    /// The folder a page's relative links start from.
    static func folder(ofPageID id: String) -> String {
        if id == Site.homeID { return "" }
        if id.utf8.last == UInt8(ascii: "/") { return String(id.utf8.dropLast())! }
        guard let slash = id.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(id[..<slash])
    }

    /// The destination without leading and trailing spaces, tabs and line feeds
    /// (`trimmingCharacters`), without a copy when there are none: a first and last byte
    /// that are none of these cannot begin or end such a Character.
    static func trimmed(_ destination: String) -> String {
        func edge(_ byte: UInt8?) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        }
        return edge(destination.utf8.first) || edge(destination.utf8.last) ? destination.trimmingCharacters : destination
    }

    /// `hasSuffix` for an ASCII suffix, over bytes.
    static func hasSuffix(_ text: String, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard text.utf8.count >= count else { return false }
        return suffix.withUTF8Buffer { text.utf8.suffix(count).elementsEqual($0) }
    }

    /// Resolves `.` and `..`; nil when the path climbs above the root.
    static func normalise(_ path: String) -> String? {
        if isNormal(path) { return path }
        // In ASCII text bytes are Characters, and working on bytes is much faster.
        if path.utf8.allSatisfy({ $0 < 0x80 }) { return resolvingDots(ascii: path) }
        return resolvingDots(path.split(separator: "/", omittingEmptySubsequences: true))
    }

    /// `resolvingDots` for an ASCII path, segment by segment into one byte buffer
    /// (an array of segments joined again cost most of resolving a relative link).
    private static func resolvingDots(ascii path: String) -> String? {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var path = path
        return path.withUTF8 { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            // Where each segment kept in `out` begins, with the slash before it.
            var starts: [Int] = []
            var next = 0
            while next <= bytes.count {
                var end = next
                while end < bytes.count, bytes[end] != slash { end += 1 }
                let segment = UnsafeBufferPointer(rebasing: bytes[next..<end])
                next = end + 1
                if segment.isEmpty || segment.count == 1 && segment[0] == dot { continue }
                if segment.count == 2 && segment[0] == dot && segment[1] == dot {
                    guard let start = starts.popLast() else { return nil }
                    out.removeSubrange(start...)
                    continue
                }
                starts.append(out.count)
                if !out.isEmpty { out.append(slash) }
                out.append(contentsOf: segment)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func resolvingDots(_ segments: [Substring]) -> String? {
        var parts: [Substring] = []
        for part in segments {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// No empty, `.` or `..` segment: `normalise` would return the path as it is.
    static func isNormal(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var length = 0
        var onlyDots = true
        for byte in path.utf8 {
            if byte == slash {
                if length == 0 || (onlyDots && length <= 2) { return false }
                (length, onlyDots) = (0, true)
            } else {
                length += 1
                onlyDots = onlyDots && byte == dot
            }
        }
        return path.isEmpty || length > 0 && !(onlyDots && length <= 2)
    }

    static func percentEncode(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}

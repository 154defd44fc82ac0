/// A YouTube or Vimeo link standing alone in a paragraph becomes an embedded player.
/// YouTube uses its privacy-enhanced domain; players load lazily.
struct VideoEmbed {
    enum Host { case youtube, vimeo }
    var host: Host
    var id: String

    init?(url: String) {
        guard let components = URLParts(url) else { return nil }
        switch components.host {
        case "www.youtube.com", "youtube.com", "m.youtube.com":
            if components.path == "/watch", let v = components.query["v"] {
                id = v
            } else if components.path.hasPrefix("/embed/") {
                id = String(components.path.dropFirst("/embed/".count))
            } else {
                return nil
            }
            host = .youtube
        case "youtu.be":
            id = String(components.path.dropFirst())
            host = .youtube
        case "vimeo.com", "www.vimeo.com", "player.vimeo.com":
            id = String(components.path.split(separator: "/").last ?? "")
            host = .vimeo
        default:
            return nil
        }
        guard !id.isEmpty, id.utf8.allSatisfy({ byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
        }) else { return nil }
    }

    var html: String {
        let source = switch host {
        case .youtube: "https://www.youtube-nocookie.com/embed/\(id)"
        case .vimeo: "https://player.vimeo.com/video/\(id)"
        }
        let title = host == .youtube ? "YouTube video" : "Vimeo video"
        return "<figure class=\"video\"><iframe src=\"\(source)\" title=\"\(title)\" loading=\"lazy\" allow=\"fullscreen; picture-in-picture\" allowfullscreen></iframe></figure>\n"
    }

    static func isLocalVideo(_ source: String) -> Bool {
        let lower = source.lowercased()
        return !lower.contains("://") && (lower.hasSuffix(".mp4") || lower.hasSuffix(".webm"))
    }
}

/// Just enough URL parsing for video links, without Foundation.
struct URLParts {
    var host: String
    var path: String
    var query: [String: String]

    init?(_ url: String) {
        let schemeEnd: String.Index
        if url.hasPrefix("https://") {
            schemeEnd = url.index(url.startIndex, offsetBy: 8)
        } else if url.hasPrefix("http://") {
            schemeEnd = url.index(url.startIndex, offsetBy: 7)
        } else {
            return nil
        }
        let rest = url[schemeEnd...]
        let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        host = rest[..<hostEnd].lowercased()
        var tail = rest[hostEnd...]
        if let hash = tail.firstIndex(of: "#") { tail = tail[..<hash] }
        let queryStart = tail.firstIndex(of: "?")
        path = String(tail[..<(queryStart ?? tail.endIndex)])
        query = [:]
        if let queryStart {
            for pair in tail[tail.index(after: queryStart)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { query[String(parts[0])] = String(parts[1]) }
            }
        }
    }
}

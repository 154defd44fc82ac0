/// Makes a site work when opened straight from disk (`file://`): every site path in an
/// HTML page (`href="/support/faq/"`, `src="/assets/tome.css"`, a redirect's `url=/…`)
/// becomes a path relative to the page, and folder URLs end in `index.html`, which a
/// browser does not add by itself on `file://`. Used with `tome build --links file`;
/// everything else (canonical URLs, the sitemap, the feed) keeps absolute URLs.
struct FileLinksSink: OutputSink {
    let base: any OutputSink
    /// The site's base path (`""` or `/docs`): site paths start with it.
    let basePath: String

    func write(_ path: String, _ bytes: [UInt8]) throws {
        guard path.hasSuffix(".html") else { return try base.write(path, bytes) }
        try base.write(path, rewrite(bytes, in: path))
    }

    func copy(from source: String, to path: String) throws {
        try base.copy(from: source, to: path)
    }

    // A step whose files this sink rewrites would need the rewriting in its key; the
    // steps that reuse (search) write no HTML.
    func reuse(step: String, key: String) -> [String]? { base.reuse(step: step, key: key) }
    func remember(step: String, key: String, paths: [String]) { base.remember(step: step, key: key, paths: paths) }

    // A file's key says what it was made from; this sink's rewriting is part of that, so
    // a page built for disk is never kept for a hosted build or another base path.
    func keep(_ path: String, dependingOn dependencies: UInt64) -> Bool { base.keep(path, dependingOn: rewritten(dependencies)) }
    func keep(_ path: String, madeFrom key: UInt64, dependingOn dependencies: UInt64?) -> Bool {
        base.keep(path, madeFrom: rewritten(key), dependingOn: dependencies.map(rewritten))
    }
    var memoizes: Bool { base.memoizes }
    var hasMemos: Bool { base.hasMemos }
    func keptContents(_ path: String) -> [UInt8]? { base.keptContents(path) }

    func write(_ path: String, _ bytes: [UInt8], madeFrom key: UInt64, dependingOn dependencies: UInt64?) throws {
        try base.write(path, path.hasSuffix(".html") ? rewrite(bytes, in: path) : bytes, madeFrom: rewritten(key),
                       dependingOn: dependencies.map(rewritten))
    }

    private func rewritten(_ key: UInt64) -> UInt64 {
        var digest = Digest()
        digest.add(Int(bitPattern: UInt(key)))
        digest.add("file links")
        digest.add(basePath)
        return digest.value
    }

    private static let attributes: [[UInt8]] = [" href=\"/", " src=\"/", " action=\"/", "; url=/"].map { Array($0.utf8) }

    func rewrite(_ bytes: [UInt8], in path: String) -> [UInt8] {
        let depth = path.split(separator: "/").count - 1
        let up = Array(String(repeating: "../", count: depth).utf8)
        let prefix = Array(basePath.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1024)
        var i = 0
        outer: while i < bytes.count {
            if bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ";") {
                for pattern in FileLinksSink.attributes where FileLinksSink.matches(bytes, at: i, pattern) {
                    // Copy the attribute up to (not including) the leading slash.
                    out += pattern.dropLast()
                    var j = i + pattern.count - 1
                    // A protocol-relative URL (`//host/…`) is not a site path.
                    if j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "/") { i = j; continue outer }
                    if !prefix.isEmpty, FileLinksSink.matches(bytes, at: j, prefix) { j += prefix.count }
                    var end = j
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "'") { end += 1 }
                    out += FileLinksSink.relative(Array(bytes[j..<end]), up: up)
                    i = end
                    continue outer
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// `/support/faq/#x` → `../../support/faq/index.html#x`.
    static func relative(_ url: [UInt8], up: [UInt8]) -> [UInt8] {
        let split = url.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? url.count
        var path = Array(url[..<split].drop { $0 == UInt8(ascii: "/") })
        if path.isEmpty || path.last == UInt8(ascii: "/") { path += Array("index.html".utf8) }
        return up + path + url[split...]
    }

    static func matches(_ bytes: [UInt8], at index: Int, _ pattern: [UInt8]) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for k in 0..<pattern.count where bytes[index + k] != pattern[k] { return false }
        return true
    }
}

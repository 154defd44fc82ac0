import Synchronization

/// One problem of a failed build, as the page overlay shows it.
public struct BuildProblem: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: String
    public var id: String
    public var message: String
    public var hint: String?

    public init(file: String, line: Int, column: Int, severity: String, id: String, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.id = id
        self.message = message
        self.hint = hint
    }
}

/// What open pages are told over `/api/events` (server-sent events).
public enum SiteEvent: Sendable, Equatable {
    /// A rebuild succeeded: reload the page.
    case reload(generation: Int)
    /// A rebuild failed: show the problems over the page (the old site is still served).
    case buildFailed([BuildProblem])

    var name: String {
        switch self {
        case .reload: "reload"
        case .buildFailed: "build-error"
        }
    }

    /// The SSE frame: `event: NAME`, one `data:` line of JSON, a blank line.
    var frame: String {
        var w = JSONWriter()
        switch self {
        case .reload(let generation):
            w.object { $0.key("generation"); $0.number(generation) }
        case .buildFailed(let problems):
            w.object { o in
                o.key("problems")
                o.array { a in
                    for p in problems {
                        a.object { e in
                            e.key("file"); e.string(p.file)
                            e.key("line"); e.number(p.line)
                            e.key("column"); e.number(p.column)
                            e.key("severity"); e.string(p.severity)
                            e.key("id"); e.string(p.id)
                            e.key("message"); e.string(p.message)
                            if let hint = p.hint { e.key("hint"); e.string(hint) }
                        }
                    }
                }
            }
        }
        return "event: \(name)\ndata: \(String(decoding: w.bytes, as: UTF8.self))\n\n"
    }
}

/// Fans site events out to every open `/api/events` stream. A new subscriber first gets
/// the current state (the last failure, if the site is broken right now), so a page
/// reloaded while the build is broken shows the overlay at once.
public final class LiveReload: Sendable {
    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<SiteEvent>.Continuation] = [:]
        var lastFailure: [BuildProblem]?
    }

    private let state = Mutex(State())

    public init() {}

    /// Number of open event streams (tests wait for a subscriber before changing files).
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    public func publish(_ event: SiteEvent) {
        let targets = state.withLock { s -> [AsyncStream<SiteEvent>.Continuation] in
            switch event {
            case .reload: s.lastFailure = nil
            case .buildFailed(let problems): s.lastFailure = problems
            }
            return Array(s.subscribers.values)
        }
        for t in targets { t.yield(event) }
    }

    /// The stream of events, and a function that ends it.
    func subscribe() -> (AsyncStream<SiteEvent>, @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: SiteEvent.self, bufferingPolicy: .bufferingNewest(16))
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            if let failure = s.lastFailure { continuation.yield(.buildFailed(failure)) }
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return (stream, { continuation.finish() })
    }

    /// Ends every stream (server shutdown).
    public func finishAll() {
        let targets = state.withLock { s -> [AsyncStream<SiteEvent>.Continuation] in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for t in targets { t.finish() }
    }

    static let scriptPath = "/__tome/reload.js"
    static let scriptTag = "<script src=\"\(scriptPath)\" defer></script>"

    /// Inserts the client script before the last `</body>` (or at the end).
    static func inject(into html: [UInt8]) -> [UInt8] {
        let needle = Array("</body>".utf8)
        var out = html
        let tag = Array(scriptTag.utf8)
        if html.count >= needle.count {
            var i = html.count - needle.count
            while i >= 0 {
                if html[i] == needle[0], Array(html[i..<(i + needle.count)]).elementsEqual(needle, by: { a, b in a | 0x20 == b | 0x20 }) {
                    out.insert(contentsOf: tag, at: i)
                    return out
                }
                i -= 1
            }
        }
        out.append(contentsOf: tag)
        return out
    }

    /// The client: reload on `reload`, show an overlay on `build-error`, and reconnect
    /// (reloading once the server is back) when the connection drops.
    static let script = #"""
    (function () {
      "use strict";
      if (!window.EventSource) return;
      var overlay = null;
      function clear() { if (overlay) { overlay.remove(); overlay = null; } }
      function show(problems) {
        clear();
        overlay = document.createElement("div");
        overlay.id = "tome-build-error";
        overlay.setAttribute("role", "alert");
        overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);" +
          "color:#f5f5f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem";
        var h = document.createElement("h2");
        h.textContent = "Build failed — the last good version is still being served";
        h.style.cssText = "margin:0 0 1rem;color:#ff8a80;font:600 18px system-ui,sans-serif";
        overlay.appendChild(h);
        problems.forEach(function (p) {
          var pre = document.createElement("pre");
          pre.style.cssText = "white-space:pre-wrap;margin:0 0 .75rem";
          pre.textContent = p.file + ":" + p.line + ":" + p.column + ": " + p.severity + ": " + p.message +
            " [" + p.id + "]" + (p.hint ? "\n  hint: " + p.hint : "");
          overlay.appendChild(pre);
        });
        var close = document.createElement("button");
        close.textContent = "Dismiss";
        close.onclick = clear;
        overlay.appendChild(close);
        document.body.appendChild(overlay);
      }
      var lost = false;
      function connect() {
        var source = new EventSource("/api/events");
        source.addEventListener("open", function () { if (lost) location.reload(); });
        source.addEventListener("reload", function () { location.reload(); });
        source.addEventListener("build-error", function (e) {
          try { show(JSON.parse(e.data).problems || []); } catch (err) { console.error(err); }
        });
        source.onerror = function () { lost = true; };
      }
      connect();
    })();

    """#
}

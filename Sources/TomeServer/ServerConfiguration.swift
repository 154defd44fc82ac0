/// How `tome serve` (and the tests) set up the HTTP application.
public struct ServerConfiguration: Sendable {
    /// The built site to serve (`Public`).
    public var siteDirectory: String
    /// Loopback by default: a preview server is not a public web server.
    public var host: String
    /// 0 asks the system for a free port (tests).
    public var port: Int
    /// Development mode: inject the live-reload script into HTML pages and keep `/api/events` open.
    public var liveReload: Bool
    /// Origins allowed to call `/api/*` from a browser; empty = CORS off. `["*"]` allows any.
    public var corsOrigins: [String]
    /// Search engines kept in memory, each behind its own lock (queries run in parallel).
    public var searchInstances: Int
    /// Name the server reports in `/api/health` and to MCP clients.
    public var serverName: String
    public var version: String

    public init(siteDirectory: String, host: String = "127.0.0.1", port: Int = 8080, liveReload: Bool = false,
                corsOrigins: [String] = [], searchInstances: Int? = nil, serverName: String = "tome", version: String = "0.1.0") {
        self.siteDirectory = siteDirectory
        self.host = host
        self.port = port
        self.liveReload = liveReload
        self.corsOrigins = corsOrigins
        self.searchInstances = max(1, searchInstances ?? PublishedSite.defaultSearchInstances)
        self.serverName = serverName
        self.version = version
    }
}

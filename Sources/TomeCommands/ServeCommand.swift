import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TomeBuild
import TomeCore
import TomeServer
import TomeSite

/// `tome serve`: build, serve `Public/` with the API, rebuild on every save and reload
/// open pages. `--no-watch` is the production mode: serve a built site, nothing else.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the site with live reload, or serve a built site with the search API.",
        discussion: """
            Routes: the site's files; GET /api/search?q=&limit=&book=&tag=&type=, /api/pages/{path}, \
            /api/health, /api/openapi.json; /api/events (live reload, not with --no-watch).
            Stops gracefully on SIGTERM or Ctrl-C. Exit: 0 stopped, 1 the site could not be served, 64 bad usage.
            """
    )

    @Option(help: "The content folder to build and watch.")
    var content = "Content"

    @Option(help: "The templates folder; files here override the built-in theme one by one.")
    var templates = "Templates"

    @Option(help: "The built site to serve (rebuilt in place unless --no-watch).")
    var output = "Public"

    @Option(help: "Address to listen on. Loopback by default; 0.0.0.0 serves the network.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Flag(name: .customLong("no-watch"), help: "Production mode: serve the built site as it is; no build, no watching, no reload script.")
    var noWatch = false

    @Flag(help: "Include pages marked draft: true (watch mode).")
    var drafts = false

    @Option(name: .customLong("cors"), help: "An origin allowed to call /api/* from a browser (repeatable; * for any). Adds to site.yml's server.cors.")
    var corsOrigins: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("search-cache"),
            help: "Distinct /api/search requests whose answers are kept in memory (0 turns the cache off). Emptied on every rebuild.")
    var searchCache = PublishedSite.defaultSearchCacheEntries

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard searchCache >= 0 else { throw ValidationError("--search-cache must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tome.serve")
        let cors = corsOrigins + ServeCommand.siteCORS(contentDirectory: content)

        let site = PublishedSite(directory: output, searchCacheEntries: searchCache)
        var services: [any Service] = []
        var liveReload: LiveReload?
        if !noWatch {
            let reload = LiveReload()
            liveReload = reload
            let templatesExists = FileManager.default.fileExists(atPath: templates)
            let options = BuildOptions(contentDirectory: content, contentDisplayPath: content,
                                       templatesDirectory: templatesExists ? templates : nil, templatesDisplayPath: templates,
                                       baseURL: "/", includeDrafts: drafts)
            let live = LiveSite(options: options, output: output, site: site, liveReload: reload,
                                watched: [content] + (templatesExists ? [templates] : []), logger: logger)
            let first = await live.rebuild(reason: "start")
            if !first, !FileManager.default.fileExists(atPath: output + "/index.html") {
                Terminal.error("The first build failed and \(output)/ has no site yet; fix the errors above, the server keeps watching.")
            }
            services.append(live)
        } else {
            do {
                try site.warmUp()
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(1)
            }
        }
        let configuration = ServerConfiguration(siteDirectory: output, host: host, port: port, liveReload: !noWatch,
                                                corsOrigins: cors, version: TomeVersion.string)
        let hostForURL = host.contains(":") ? "[\(host)]" : host
        let app = makeApplication(configuration: configuration, site: site, liveReload: liveReload, services: services,
                                  logger: logger) { port in
            Terminal.error("Serving \(output)/ at http://\(hostForURL):\(port)/\(noWatch ? "" : " — watching for changes") (Ctrl-C to stop)")
        }
        do {
            try await app.runService()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// `server: {cors: [origins]}` in site.yml (or `server: {cors: "*"}`).
    static func siteCORS(contentDirectory: String) -> [String] {
        guard let yaml = try? String(contentsOfFile: contentDirectory + "/site.yml", encoding: .utf8) else { return [] }
        var problems: [Diagnostic] = []
        let config = SiteConfiguration.parse(yaml: yaml, file: contentDirectory + "/site.yml", diagnostics: &problems)
        guard case .map(let server)? = config.extra["server"] else { return [] }
        switch server["cors"] {
        case .string(let origin)?: return [origin]
        case .list(let origins)?: return origins.compactMap(\.string)
        default: return []
        }
    }
}

import Hummingbird
import Logging
import ServiceLifecycle
import TomeSearch

/// The one factory for Tome's HTTP server, used by `tome serve` and by the tests.
///
/// Routes: `/api/search`, `/api/pages/{path}`, `/api/health`, `/api/openapi.json`,
/// `/api/events` (live reload, development only), `/__tome/reload.js` (ditto), and
/// every other GET/HEAD as a file of the built site.
public func makeApplication(
    configuration: ServerConfiguration,
    site: PublishedSite,
    liveReload: LiveReload? = nil,
    services: [any Service] = [],
    logger: Logger = Logger(label: "tome.server"),
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, site: site, liveReload: liveReload)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// The router behind `makeApplication` (tests drive it directly with `.router`).
public func buildRouter(configuration: ServerConfiguration, site: PublishedSite, liveReload: LiveReload?) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info, includeHeaders: .none))
    router.add(middleware: APIGuardMiddleware(corsOrigins: configuration.corsOrigins))

    let search = SearchAPI(site: site)
    router.get("/api/search") { request, _ in search.respond(to: request) }
    router.get("/api/pages") { request, _ in pageResponse("/", site: site, request: request) }
    router.get("/api/pages/**") { request, _ in
        pageResponse(String(request.uri.path.dropFirst("/api/pages".count)), site: site, request: request)
    }
    router.get("/api/health") { _, _ in health(site: site, version: configuration.version) }
    let openAPI = Array(OpenAPIDocument.json(version: configuration.version).utf8)
    router.get("/api/openapi.json") { request, _ in Response.json(openAPI, for: request) }
    if let liveReload, configuration.liveReload {
        router.get("/api/events") { _, _ in events(liveReload, site: site) }
        let script = Array(LiveReload.script.utf8)
        router.get(RouterPath(LiveReload.scriptPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(bytes: script)))
        }
    }
    router.get("/api/**") { request, _ in APIError(.notFound, "no API route \(request.uri.path); see /api/openapi.json").response }

    let files = StaticFiles(site: site, liveReload: configuration.liveReload && liveReload != nil)
    router.get("/") { request, _ in files.respond(to: request) }
    router.head("/") { request, _ in files.respond(to: request) }
    router.get("**") { request, _ in files.respond(to: request) }
    router.head("**") { request, _ in files.respond(to: request) }
    return router
}

private func pageResponse(_ path: String, site: PublishedSite, request: Request) -> Response {
    do throws(APIError) {
        let article = try ArticleLookup.find(path.isEmpty ? "/" : path, in: site)
        return Response.json(ArticleLookup.encode(article), for: request)
    } catch {
        return error.response
    }
}

private func health(site: PublishedSite, version: String) -> Response {
    do {
        let pool = try site.searchPool()
        var w = JSONWriter()
        w.object { o in
            o.key("status"); o.string("ok")
            o.key("pages"); o.number(pool.manifest.pageCount)
            o.key("sections"); o.number(pool.manifest.docCount)
            o.key("generation"); o.number(site.generation)
            o.key("version"); o.string(version)
        }
        return Response.json(w.bytes)
    } catch {
        return APIError(.serviceUnavailable, "\(error)").response
    }
}

/// Server-sent events: `retry`, a hello comment, then every `SiteEvent` as it happens.
private func events(_ liveReload: LiveReload, site: PublishedSite) -> Response {
    let (stream, end) = liveReload.subscribe()
    let hello = "retry: 1000\n: tome live reload, generation \(site.generation)\n\n"
    return Response(
        status: .ok,
        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
        body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: hello))
            // Ends with the server's graceful shutdown, so an open page never holds it up.
            try await withGracefulShutdownHandler {
                for await event in stream {
                    try await writer.write(ByteBuffer(string: event.frame))
                }
            } onGracefulShutdown: {
                end()
            }
            try await writer.finish(nil)
        }
    )
}

/// Adds `X-Request-Id` (the id in every log line of the request) and
/// `X-Content-Type-Options: nosniff` (a body is only ever what its type says) to each response.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xRequestID] = context.id
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// `/api/*` only: JSON errors for anything thrown, and CORS for the configured origins
/// (none by default). Other methods than GET/HEAD/OPTIONS get 405.
struct APIGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let corsOrigins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" else {
            guard request.method == .get || request.method == .head else {
                return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD", .contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "Method not allowed\n")))
            }
            return try await next(request, context)
        }
        let origin = request.headers[.origin]
        let allowed = origin.flatMap { o in corsOrigins.contains("*") ? "*" : (corsOrigins.contains(o) ? o : nil) }
        var response: Response
        if request.method == .options {
            guard let allowed else { return APIError(.forbidden, "cross-origin requests are not allowed").response }
            response = Response(status: .noContent, headers: [
                .accessControlAllowOrigin: allowed, .accessControlAllowMethods: "GET, HEAD, OPTIONS",
                .accessControlAllowHeaders: request.headers[.accessControlRequestHeaders] ?? "", .accessControlMaxAge: "600",
            ])
            if allowed != "*" { response.headers[.vary] = "Origin" }
            return response
        }
        if request.method != .get && request.method != .head {
            response = APIError(.methodNotAllowed, "\(request.method) is not supported; the API is read-only").response
            response.headers[.allow] = "GET, HEAD, OPTIONS"
        } else {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                response = APIError(error.status, error.status.reasonPhrase).response
            }
        }
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            if allowed != "*" { response.headers[.vary] = "Origin" }
        }
        return response
    }
}

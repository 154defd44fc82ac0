import NIOCore
import NIOPosix

/// Where a serving-only process runs its Swift concurrency jobs.
///
/// By default a request crosses threads twice: NIO's event loop reads it, Hummingbird's
/// handler runs on Swift's global pool, and the response goes back to the event loop to
/// be written. Making NIO's event loops (the singleton group the server listens on) the
/// global executor runs the handler on the thread that read the request, so the search
/// and the write happen there with no hop and no wake-up of another thread.
public enum ServingExecutor {
    /// Installs the event loops as the global executor. Call it first thing in `main`,
    /// before any task has run, and only in a process that does nothing but serve: a long
    /// synchronous job (a site build) would then hold up every request on its loop.
    /// Returns false where NIO cannot install it (the default pool then stays).
    @discardableResult
    public static func adoptEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}

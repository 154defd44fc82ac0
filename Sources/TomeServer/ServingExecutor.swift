import CConcurrencyHook
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
    /// Returns false where it cannot be installed (the default pool then stays).
    @discardableResult
    public static func adoptEventLoops() -> Bool {
        // NIO looks the runtime's hook up with dlsym, which finds it only where the runtime is
        // a shared library: linked statically (`make release`), the hook is set directly.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() || installHook()
    }

    /// The runtime's signature for the hook: the job, and the default enqueue (not used).
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// What NIO's installer sets: each job goes to the event loop of the thread that enqueues
    /// it (`any()` is the current loop on one of the group's threads), else to the next loop.
    private static func installHook() -> Bool {
        let slot = tome_swift_task_enqueueGlobal_hook()!
        guard slot.pointee == nil else { return false }
        let hook: EnqueueGlobalHook = { job, _ in MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job)) }
        slot.pointee = unsafeBitCast(hook, to: UnsafeMutableRawPointer.self)
        return true
    }
}

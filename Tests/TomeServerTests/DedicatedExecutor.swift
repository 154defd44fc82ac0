import Foundation
import Synchronization

/// A task executor with threads of its own. `swift test` runs every suite on the same
/// cooperative pool (one thread per core, two here); a test whose synchronous body runs
/// for a minute holds one of them that long. An end-to-end test that must see an event
/// within its time limit runs its tasks here instead (`withTaskExecutorPreference`), so
/// the rest of the suite can make it slower but cannot stop it.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []  // guarded by `condition`
    private let threads = Mutex<[pthread_t]>([])

    init(threads count: Int = 2) {
        for _ in 0..<count {
            Thread { [unowned self] in
                threads.withLock { $0.append(pthread_self()) }
                drain()
            }.start()
        }
    }

    /// Whether the caller runs on one of this executor's threads (synchronous: a task's
    /// thread means something only between two suspension points).
    var isCurrent: Bool {
        let me = pthread_self()
        return threads.withLock { $0.contains { pthread_equal($0, me) != 0 } }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs in arrival order, forever: the executor lives as long as the test process.
    private func drain() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

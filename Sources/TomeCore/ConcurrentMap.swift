/// Maps `items` on all cores with a bounded task group and returns the results in the
/// input's order, so output never depends on scheduling.
public func concurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item],
    width: Int = ConcurrencyLimit.width,
    _ transform: @escaping @Sendable (Item) -> Result
) async -> [Result] {
    guard items.count > 1, width > 1 else { return items.map(transform) }
    // Chunks keep task overhead small for many tiny items (10k short pages); 32 per
    // task at a time keep the last ones short, so the other cores do not wait long at
    // the end of a step (with 8, a step's last chunk was an eighth of each core's share).
    let chunkCount = min(items.count, width * 32)
    let chunkSize = (items.count + chunkCount - 1) / chunkCount
    // Each chunk's results go straight to their place in one buffer, which becomes the
    // result without a copy: joining per-chunk arrays copied every result (a retain per
    // field of 10,000 rendered pages, and their release with the chunks) on the waiting
    // task, while the cores idled. Chunks read `items` in place for the same reason.
    let slots = ResultSlots<Result>(count: items.count)
    await withTaskGroup(of: Void.self) { group in
        var next = 0
        var running = 0
        let count = (items.count + chunkSize - 1) / chunkSize
        func submit(_ chunk: Int) {
            let range = (chunk * chunkSize)..<min(items.count, (chunk + 1) * chunkSize)
            group.addTask {
                for index in range { (slots.base + index).initialize(to: transform(items[index])) }
            }
        }
        while next < count, running < width {
            submit(next); next += 1; running += 1
        }
        while await group.next() != nil {
            if next < count { submit(next); next += 1 }
        }
    }
    return slots.take()
}

/// Where `concurrentMap`'s tasks put their results: one uninitialized buffer, each task
/// writing only its own chunk's places.
private final class ResultSlots<Result>: @unchecked Sendable {
    // @unchecked: tasks initialize disjoint ranges of `base`, and `take` runs only after
    // every task has finished (the task group is awaited), with all places initialized.
    let base: UnsafeMutablePointer<Result>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
    }

    /// The results as an array, moved (not copied) out of the buffer, which is freed.
    func take() -> [Result] {
        defer { base.deallocate() }
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: base, count: count)
            initialized = count
        }
    }
}

/// How many tasks `concurrentMap` runs at once in the current task: the number of
/// processors unless a caller (a test proving that parallel output equals serial
/// output) says otherwise with `ConcurrencyLimit.$width.withValue(1) { … }`.
public enum ConcurrencyLimit {
    @TaskLocal public static var width: Int = defaultConcurrency
}

/// The number of tasks that run at once: the number of active processors.
public let defaultConcurrency: Int = {
    #if canImport(Glibc) || canImport(Darwin)
    return max(1, sysconfNProcessors())
    #else
    return 2
    #endif
}()

#if canImport(Glibc)
import Glibc
private func sysconfNProcessors() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func sysconfNProcessors() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif

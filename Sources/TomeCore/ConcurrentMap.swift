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
    return await withTaskGroup(of: (Int, [Result]).self) { group in
        var next = 0
        var running = 0
        var chunks = [[Result]?](repeating: nil, count: (items.count + chunkSize - 1) / chunkSize)
        func submit(_ chunk: Int) {
            let range = (chunk * chunkSize)..<min(items.count, (chunk + 1) * chunkSize)
            let slice = Array(items[range])
            group.addTask { (chunk, slice.map(transform)) }
        }
        while next < chunks.count, running < width {
            submit(next); next += 1; running += 1
        }
        while let (index, results) = await group.next() {
            chunks[index] = results
            if next < chunks.count { submit(next); next += 1 }
        }
        return chunks.flatMap { $0 ?? [] }
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

import Foundation
import TomeCore

/// The pages one load read, by file, for the next load in the same process (`tome
/// serve`, loading the whole content folder on every save): a file whose size and
/// modification time are those of the last load is not read or parsed again. A page is a
/// function of its file's bytes, its path and the loader's options; the stamp stands for
/// the bytes, as it does for the build's no-op check.
public final class LoadMemory: @unchecked Sendable {
    // @unchecked: `files`, `context` and `lastReused` are only touched under `lock`.
    private let lock = NSLock()
    private var files: [String: Entry] = [:]
    private var context = ""
    private var lastReused = 0

    struct Entry {
        var stamp: FileTree.Stamp
        var page: Page?
        var problems: [Diagnostic]
    }

    public init() {}

    /// Files the last load took from memory.
    public var reusedInLastLoad: Int {
        lock.lock(); defer { lock.unlock() }
        return lastReused
    }

    /// What every page read depends on besides its file: a change empties the memory.
    static func context(root: String, displayPath: String, options: ContentLoader.Options) -> String {
        "\(root)\n\(displayPath)\n\(options.includeDrafts) \(options.maximumFileSize) \(options.maximumFrontMatterSize)"
    }

    func kept(_ relative: String, stamp: FileTree.Stamp, context: String) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        guard context == self.context, let entry = files[relative], entry.stamp == stamp else { return nil }
        return entry
    }

    /// This load's files replace the last load's (a deleted file is forgotten).
    func remember(_ entries: [String: Entry], context: String, reused: Int) {
        lock.lock()
        files = entries
        self.context = context
        lastReused = reused
        lock.unlock()
    }
}

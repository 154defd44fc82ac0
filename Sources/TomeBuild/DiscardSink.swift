import Foundation

/// A sink that keeps nothing: `tome check` runs the whole build through it, so every
/// template and output problem is found, without writing or holding the site.
/// It still refuses the paths `DiskSink` would refuse, so a check finds those too.
public struct DiscardSink: OutputSink {
    public init() {}

    public func write(_ path: String, _ bytes: [UInt8]) throws {
        guard DiskSink.isSafeRelativePath(path) else {
            throw BuildError.io(path: path, reason: "refusing to write outside the output folder")
        }
    }

    public func copy(from source: String, to path: String) throws {
        guard DiskSink.isSafeRelativePath(path) else {
            throw BuildError.io(path: path, reason: "refusing to write outside the output folder")
        }
        guard FileManager.default.isReadableFile(atPath: source) else {
            throw BuildError.io(path: source, reason: "cannot read file")
        }
    }
}

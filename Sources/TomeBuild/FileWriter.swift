#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TomeCore

/// Writes a whole file with plain `open`/`write`/`close`. Foundation's `Data.write`
/// also calls `fsync` for every file, which made writing a 10,000-page site spend most
/// of its time waiting for the disk. A build needs no per-file durability: the site is
/// swapped in whole, and a killed build leaves the previous site (see `DiskSink`).
enum FileWriter {
    enum Failure: Error {
        case open(errno: Int32)
        case write(errno: Int32)
    }

    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .open(errno: errno) }
        defer { close(fd) }
        try write(bytes, into: fd)
    }

    /// Creates the file at `path` with `bytes` and returns its stamp, or nil when
    /// something already exists there (`O_EXCL`: an existing file, which may be a hard
    /// link to another tree's copy, is never opened).
    static func create(_ bytes: [UInt8], at path: String) throws(Failure) -> FileTree.Stamp? {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { return nil }
            throw .open(errno: errno)
        }
        defer { close(fd) }
        do {
            try write(bytes, into: fd)
        } catch {
            unlink(path)
            throw error
        }
        return FileTree.stamp(ofDescriptor: fd) ?? FileTree.Stamp(size: bytes.count, modified: 0)
    }

    private static func write(_ bytes: [UInt8], into fd: Int32) throws(Failure) {
        var offset = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            while offset < buffer.count {
                let n = Glibc.write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failure { throw .write(errno: failure) }
    }

    static func describe(_ failure: Failure) -> String {
        switch failure {
        case .open(let code), .write(let code): String(cString: strerror(code))
        }
    }
}

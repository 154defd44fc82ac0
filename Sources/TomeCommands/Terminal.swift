#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard error and terminal detection, for the commands only. Writes go straight
/// to file descriptor 2 (no shared C `FILE*`), so they are safe from any task.
enum Terminal {
    static let stderrIsTTY = isatty(2) == 1
    static let stdoutIsTTY = isatty(1) == 1

    static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(2, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    static func error(_ text: String) {
        writeStderr(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Rewrites the current line of a terminal (progress); does nothing elsewhere.
    static func progress(_ text: String) {
        guard stderrIsTTY else { return }
        writeStderr("\r\u{1B}[2K" + text)
    }

    static func clearProgress() {
        guard stderrIsTTY else { return }
        writeStderr("\r\u{1B}[2K")
    }
}

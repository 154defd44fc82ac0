import Foundation
import TomeCore

/// A content file's bytes made into text that every later step can trust: valid
/// UTF-8, no byte-order mark, `\n` line ends (CRLF and lone CR become LF, so line
/// numbers stay those an editor shows).
public enum SourceText {
    public enum Problem: Error, Equatable {
        case binary(line: Int)
        case invalidUTF8(line: Int, column: Int)
    }

    public static func decode(_ bytes: [UInt8]) -> Result<String, Problem> {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let body = bytes[start...]
        if let nul = firstIndex(of: 0, in: body) {
            return .failure(.binary(line: lineNumber(in: body, at: nul)))
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            let offset = firstInvalidOffset(body)
            let line = lineNumber(in: body, at: offset)
            let lineStart = body[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? body.startIndex
            return .failure(.invalidUTF8(line: line, column: offset - lineStart + 1))
        }
        guard firstIndex(of: UInt8(ascii: "\r"), in: body) != nil else { return .success(text) }
        return .success(text.replacing("\r\n", with: "\n").replacing("\r", with: "\n"))
    }

    /// The index of the first `byte` in `bytes` (memchr: a page's bytes are scanned for
    /// NUL and CR on every load).
    private static func firstIndex(of byte: UInt8, in bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { b -> Int? in
            guard let base = b.baseAddress, let hit = memchr(base, Int32(byte), b.count) else { return nil }
            return bytes.startIndex + (UnsafeRawPointer(hit) - UnsafeRawPointer(base))
        }
    }

    private static func lineNumber(in bytes: ArraySlice<UInt8>, at offset: Int) -> Int {
        var line = 1
        var previousCR = false
        for byte in bytes[..<offset] {
            if byte == UInt8(ascii: "\n") {
                if !previousCR { line += 1 }
                previousCR = false
            } else if byte == UInt8(ascii: "\r") {
                line += 1
                previousCR = true
            } else {
                previousCR = false
            }
        }
        return line
    }

    private static func firstInvalidOffset(_ bytes: ArraySlice<UInt8>) -> Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            if i + length > bytes.endIndex { return i }
            if length > 1, String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { return i }
            i += length
        }
        return bytes.endIndex
    }
}

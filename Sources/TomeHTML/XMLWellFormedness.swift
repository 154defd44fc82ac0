/// Why a document is not well-formed XML: libxml2's message and the line it names.
public struct XMLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var line: Int?

    public init(message: String, line: Int?) {
        self.message = message
        self.line = line
    }

    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}

/// Checks generated XML (sitemaps, feeds) the way a feed reader would: with a
/// conforming parser that fetches nothing.
public enum XMLWellFormedness {
    /// nil when `bytes` are a well-formed XML document, else the first error.
    public static func check(_ bytes: [UInt8]) -> XMLSyntaxError? {
        LibXML2.xmlWellFormednessError(bytes)
    }
}

/// A place in a source file that a person can open: `Content/faq/support.md:12:5`.
///
/// Lines and columns count from 1; a column counts UTF-8 bytes, as compilers do.
/// A location without a line points at the whole file.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible, Encodable {
    /// The path as the user should see it, usually relative to the working directory.
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The same file, another position.
    public func at(line: Int, column: Int? = nil) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    public var description: String {
        switch (line, column) {
        case let (line?, column?): "\(file):\(line):\(column)"
        case let (line?, nil): "\(file):\(line)"
        default: file
        }
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.column ?? 0) < (rhs.file, rhs.line ?? 0, rhs.column ?? 0)
    }
}

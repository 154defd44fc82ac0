import Foundation

extension SearchIndex {
    /// Opens the index in `directory` (e.g. `Public/search`). Files are read lazily;
    /// a missing manifest throws `IndexFormatError.missing` naming it.
    public static func open(directory: String) throws -> SearchIndex {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        return try SearchIndex(read: { name in
            let path = base.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IndexFormatError.missing(file: path)
            }
            return [UInt8](data)
        })
    }
}

extension IndexFiles {
    /// Writes every file into `directory` (created if needed). The site build uses its
    /// own output sink instead; this is for tools and tests.
    public func write(to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for f in files {
            try Data(f.bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(f.name))
        }
    }
}

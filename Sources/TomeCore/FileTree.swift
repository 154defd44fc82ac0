#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Directory walks and file stamps with plain POSIX calls: one `opendir`/`readdir` per
/// folder and one `fstatat` per entry. Foundation's enumerator costs several times
/// more per file, which a no-op build over 20,000 outputs pays in full.
public enum FileTree {
    /// What a build trusts to say "this file did not change": its size and its
    /// modification time in nanoseconds since 1970.
    public struct Stamp: Sendable, Hashable {
        public var size: Int
        public var modified: Int64

        public init(size: Int, modified: Int64) {
            self.size = size
            self.modified = modified
        }

        init(_ info: stat) {
            self.init(size: Int(info.st_size), modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
    }

    public struct Entry: Sendable {
        /// Relative to the walk's root, `/`-separated.
        public var path: String
        public var isDirectory: Bool
        public var stamp: Stamp
    }

    /// The stamp of the file at `path` (symbolic links followed); nil if there is none.
    public static func stamp(of path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(info)
    }

    /// The stamp of an open file (`fstat`): no second lookup of its path.
    public static func stamp(ofDescriptor descriptor: Int32) -> Stamp? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Stamp(info)
    }

    /// A file's bytes and the stamp of the very file they were read from (`fstat` of the
    /// open descriptor, links followed); nil if it cannot be opened or read.
    public static func contents(of path: String) -> (bytes: [UInt8], stamp: Stamp)? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(bytes.count - filled)
        return (bytes, Stamp(info))
    }

    /// Every file and folder below `root` (not `root` itself), in no particular order.
    /// Symbolic links are followed (a link's entry carries its target's stamp and a
    /// linked folder is walked), each real folder at most once, so a link loop ends.
    /// Entries that vanish during the walk are skipped. A folder for which `descendInto`
    /// says false is visited but not walked.
    public static func walk(_ root: String, descendInto: (Entry) -> Bool = { _ in true }, _ visit: (Entry) -> Void) {
        var rootInfo = stat()
        guard stat(root, &rootInfo) == 0 else { return }
        var seen: Set<FolderID> = [FolderID(rootInfo)]
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard let handle = opendir(folder) else { continue }
            defer { closedir(handle) }
            let fd = dirfd(handle)
            while let item = readdir(handle) {
                let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                var info = stat()
                guard fstatat(fd, name, &info, 0) == 0 else { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                let entry = Entry(path: path, isDirectory: isDirectory, stamp: Stamp(info))
                visit(entry)
                if isDirectory, descendInto(entry), seen.insert(FolderID(info)).inserted { pending.append(path) }
            }
        }
    }

    /// What `readdir` says a folder entry is, without a `stat`.
    public enum Kind: Sendable {
        case file, directory, symbolicLink, other
    }

    /// The names in one folder (without `.` and `..`) and their kinds, in no particular
    /// order; nil if the folder cannot be read.
    public static func children(of folder: String) -> [(name: String, kind: Kind)]? {
        guard let handle = opendir(folder) else { return nil }
        defer { closedir(handle) }
        var out: [(name: String, kind: Kind)] = []
        while let item = readdir(handle) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var kind: Kind
            switch Int32(item.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symbolicLink
            default: kind = .other
            }
            if kind == .other {
                // Some file systems leave the type unknown: ask.
                var info = stat()
                if fstatat(dirfd(handle), name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                    switch info.st_mode & S_IFMT {
                    case S_IFREG: kind = .file
                    case S_IFDIR: kind = .directory
                    case S_IFLNK: kind = .symbolicLink
                    default: break
                    }
                }
            }
            out.append((name, kind))
        }
        return out
    }

    /// The path with every symbolic link resolved (`realpath`); nil if it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// Whether `path` (links followed) is a folder.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A folder's identity (device and inode), which survives a rename: the walk's loop
    /// check, and how a build cache knows which tree it describes after swaps.
    public struct FolderID: Hashable, Sendable, CustomStringConvertible {
        public var device: UInt64
        public var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }

        /// The folder at `path` (links followed); nil if there is none.
        public init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
            self.init(info)
        }

        /// Parses `description`, `device:inode`.
        public init?(_ text: Substring) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
            self.device = device
            self.inode = inode
        }

        public var description: String { "\(device):\(inode)" }
    }
}

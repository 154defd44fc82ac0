import Foundation
import TomeCore

/// A fingerprint of everything a build reads: every file under the content and
/// templates folders (path, size and a digest of its bytes; and the minute of its
/// modification time where page dates may come from it), the build options, the tome
/// binary itself, and the git commit (revision lines come from history). Equal
/// fingerprints and an intact output mean a build would write the same bytes again.
///
/// A file's bytes are read only when its size or modification time is not the one
/// `InputDigests` recorded with its digest: a no-op build is all `stat` calls, and a file
/// saved again with the same bytes (or touched) leaves the fingerprint as it was.
enum InputFingerprint {
    /// - Parameter digests: where the inputs' digests are kept between builds; nil to
    ///   read every input (the file is rewritten when a digest was read or an input went).
    static func compute(_ options: BuildOptions, baseURLOverride: String?, digests file: URL?) async -> String {
        await walk(options, baseURLOverride: baseURLOverride, digests: file).fingerprint()
    }

    /// Every input's stamp, and its digest where `InputDigests` knows it: all `stat` calls.
    /// A build that reads its inputs after this may take the fingerprint later, beside its
    /// own work (`Walk.fingerprint`): an input whose stamp is not the walk's by then counts
    /// as changed, so the next build runs.
    static func walk(_ options: BuildOptions, baseURLOverride: String?, digests file: URL?) -> Walk {
        let known = file.map(InputDigests.load) ?? InputDigests()
        var lines: [String] = ["tome \(TomeVersion.string)"]
        lines.append("options \(options.includeDrafts) \(options.strict) \(options.useGit) \(options.useFileDates) \(options.links.rawValue) \(baseURLOverride ?? "-")")
        lines.append("content " + options.contentDirectory)
        var tail = ["binary " + binary]
        if options.useGit, let head = gitHead(options.contentDirectory) { tail.append("git " + head) }
        return Walk(head: lines, content: inputs(under: options.contentDirectory, known: known),
                    templates: options.templatesDirectory.map { ("templates " + $0, inputs(under: $0, known: known)) },
                    tail: tail, datesFromFiles: options.useFileDates, known: known, file: file)
    }

    struct Walk: Sendable {
        fileprivate let head: [String]
        fileprivate let content: [Input]
        fileprivate let templates: (line: String, inputs: [Input])?
        fileprivate let tail: [String]
        fileprivate let datesFromFiles: Bool
        fileprivate let known: InputDigests
        fileprivate let file: URL?

        /// Reads the inputs whose digests are not known, on all cores, records the digests
        /// and returns the fingerprint.
        func fingerprint() async -> String {
            var content = await InputFingerprint.read(self.content)
            // A page without a date in front matter or git history is dated by its file's
            // modification time, to the minute (`ContentLoader.revision`).
            if datesFromFiles {
                for i in content.indices { content[i].minute = content[i].stamp.map { Int($0.modified / 60_000_000_000) } }
            }
            var lines = head
            lines.append(InputFingerprint.summary(content))
            var all = content
            if let templates {
                let theme = await InputFingerprint.read(templates.inputs)
                lines += [templates.line, InputFingerprint.summary(theme)]
                all += theme
            }
            lines += tail
            if let file {
                let seen = InputDigests(all)
                if seen != known { seen.save(to: file) }
            }
            let bytes = Array(lines.joined(separator: "\n").utf8)
            return String(BuildCache.hash(bytes), radix: 16) + "-" + String(bytes.count)
        }
    }

    /// The running executable's size and modification time: it stands for the
    /// analyzer, the index format, the theme and every other rule compiled into it.
    static let binary: String = {
        guard let executable = Bundle.main.executablePath, let stamp = FileTree.stamp(of: executable) else { return "-" }
        return "\(stamp.size) \(stamp.modified)"
    }()

    /// One input: a folder, or a file with its stamp and the digest of its bytes (no stamp
    /// if it could not be read).
    struct Input: Sendable {
        var path: String
        var isFolder = false
        var stamp: FileTree.Stamp?
        var digest: UInt64 = 0
        /// A file whose digest is still to be read (`read`).
        var unread = false
        /// The modification time's minute, when page dates may come from it.
        var minute: Int? = nil
    }

    /// Every file and folder below `root`, with absolute paths; a file's digest from `known`
    /// when its size and time are the recorded ones (else 0, `unread`).
    static func inputs(under root: String, known: InputDigests) -> [Input] {
        var found: [Input] = []
        FileTree.walk(root) { entry in
            let path = root + "/" + entry.path
            guard !entry.isDirectory else { return found.append(Input(path: path, isFolder: true)) }
            let digest = known.digest(path, entry.stamp)
            found.append(Input(path: path, stamp: entry.stamp, digest: digest ?? 0, unread: digest == nil))
        }
        return found
    }

    /// The inputs with every unread file's digest, from its bytes, read on all cores. A file
    /// that cannot be read, or whose stamp is no longer the walk's, gets a digest no bytes
    /// have and no stamp (nothing is recorded for it), so the next build reads it again and
    /// runs.
    static func read(_ inputs: [Input]) async -> [Input] {
        var inputs = inputs
        let unread = inputs.indices.filter { inputs[$0].unread }
        let walked = unread.map { (path: inputs[$0].path, stamp: inputs[$0].stamp) }
        let read = await concurrentMap(walked) { path, stamp -> UInt64? in
            guard let read = FileTree.contents(of: path), read.stamp == stamp else { return nil }
            return Digest.of(read.bytes)
        }
        for (i, digest) in zip(unread, read) {
            inputs[i].unread = false
            if let digest {
                inputs[i].digest = digest
            } else {
                var unreadable = Digest()
                unreadable.add("unreadable or changed")
                unreadable.add(Int(inputs[i].stamp?.modified ?? 0))
                inputs[i].digest = unreadable.value
                inputs[i].stamp = nil
            }
        }
        return inputs
    }

    /// The inputs' count and an order-independent sum of per-entry digests (path, size,
    /// bytes, minute), so the walk's order does not matter and 10,000 entries need
    /// neither a string nor a sort each.
    private static func summary(_ inputs: [Input]) -> String {
        var sum: UInt64 = 0
        for input in inputs {
            var digest = Digest()
            digest.add(input.path)
            if input.isFolder {
                digest.add("folder")
            } else {
                digest.add(input.stamp?.size ?? -1)
                digest.add(Int(bitPattern: UInt(input.digest)))
                digest.add(input.minute ?? -1)
            }
            sum &+= digest.value
        }
        return "entries \(inputs.count) \(String(sum, radix: 16))"
    }

    /// The commit checked out, read from `.git` without starting git.
    private static func gitHead(_ directory: String) -> String? {
        var folder = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<32 {
            let git = folder.appendingPathComponent(".git")
            if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8) {
                let trimmed = head.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.hasPrefix("ref: ") else { return trimmed }
                let ref = String(trimmed.dropFirst(5))
                if let value = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
                    return value.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                // Packed refs.
                if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8) {
                    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                        return String(line.prefix { $0 != " " })
                    }
                }
                return trimmed
            }
            let parent = folder.deletingLastPathComponent()
            if parent == folder { break }
            folder = parent
        }
        return nil
    }
}

/// The digest of every input file's bytes as the last build read them, with the size and
/// modification time it had then: `.Public.tome-inputs` beside the output. A digest is
/// used only while the file's size and time are still the recorded ones, so this file
/// vouches for nothing on its own; torn, missing or of another version, it is empty and
/// every input is read.
struct InputDigests: Equatable, Sendable {
    private var entries: [String: Entry] = [:]

    struct Entry: Equatable, Sendable {
        var stamp: FileTree.Stamp
        var digest: UInt64
    }

    init() {}

    /// The files among `inputs` that could be read.
    init(_ inputs: [InputFingerprint.Input]) {
        for input in inputs {
            if let stamp = input.stamp { entries[input.path] = Entry(stamp: stamp, digest: input.digest) }
        }
    }

    func digest(_ path: String, _ stamp: FileTree.Stamp) -> UInt64? {
        guard let entry = entries[path], entry.stamp == stamp else { return nil }
        return entry.digest
    }

    static let version = "tome-inputs 1"

    static func url(beside output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tome-inputs")
    }

    static func load(from file: URL) -> InputDigests {
        var loaded = InputDigests()
        guard let data = FileManager.default.contents(atPath: file.path) else { return loaded }
        let lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        guard lines.count >= 2, text(lines[0]) == version, text(lines[lines.count - 1]) == "end" else { return loaded }
        loaded.entries.reserveCapacity(lines.count)
        for line in lines[1..<(lines.count - 1)] {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 4, let size = Int(text(fields[1])), let modified = Int64(text(fields[2])),
                  let digest = UInt64(text(fields[3]), radix: 16) else { return InputDigests() }
            loaded.entries[text(fields[0])] = Entry(stamp: FileTree.Stamp(size: size, modified: modified), digest: digest)
        }
        return loaded
    }

    /// Written to a temporary file and renamed into place; a failure only costs the next
    /// build reading the inputs again.
    func save(to file: URL) {
        var text = InputDigests.version + "\n"
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            text += "\(path)\t\(entry.stamp.size)\t\(entry.stamp.modified)\t\(String(entry.digest, radix: 16))\n"
        }
        text += "end"
        try? Data(text.utf8).write(to: file, options: .atomic)
    }
}

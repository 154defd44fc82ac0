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
    ///
    /// When every stamp is the one the record was written at (`InputDigests.stamps`), the
    /// record's summaries are the fingerprint's and its entries are not even parsed: a
    /// no-op build reads one header line besides its `stat` calls.
    static func walk(_ options: BuildOptions, baseURLOverride: String?, digests file: URL?) -> Walk {
        var lines: [String] = ["tome \(TomeVersion.string)"]
        lines.append("options \(options.includeDrafts) \(options.strict) \(options.useGit) \(options.useFileDates) \(options.links.rawValue) \(baseURLOverride ?? "-")")
        lines.append("content " + options.contentDirectory)
        var tail = ["binary " + binary]
        if options.useGit, let head = gitHead(options.contentDirectory) { tail.append("git " + head) }
        var content = inputs(under: options.contentDirectory)
        var templates = options.templatesDirectory.map { ("templates " + $0, inputs(under: $0)) }
        let stamps = ([options.useFileDates ? "dates" : "-", stampSum(content)] + (templates.map { [stampSum($0.1)] } ?? ["-"]))
            .joined(separator: " ")
        let record = file.map { InputDigests.load(from: $0, unlessStampsAre: stamps) } ?? .digests(InputDigests())
        var summaries: [String]?
        switch record {
        case .unchanged(let recorded) where recorded.count == (templates == nil ? 1 : 2):
            summaries = recorded
        case .unchanged:
            break // a record that does not fit: every input is read
        case .digests(let known):
            known.fill(&content)
            if templates != nil { known.fill(&templates!.1) }
        }
        return Walk(head: lines, content: content, templates: templates, tail: tail, datesFromFiles: options.useFileDates,
                    stamps: stamps, summaries: summaries, file: file)
    }

    struct Walk: Sendable {
        fileprivate let head: [String]
        fileprivate let content: [Input]
        fileprivate let templates: (line: String, inputs: [Input])?
        fileprivate let tail: [String]
        fileprivate let datesFromFiles: Bool
        /// Every input's path and stamp, summed; the recorded summaries when they were taken
        /// at these stamps.
        fileprivate let stamps: String
        fileprivate let summaries: [String]?
        fileprivate let file: URL?

        /// Reads the inputs whose digests are not known, on all cores, records the digests
        /// and returns the fingerprint.
        func fingerprint() async -> String {
            if let summaries { return fingerprint(summaries: summaries) }
            var content = await InputFingerprint.read(self.content)
            // A page without a date in front matter or git history is dated by its file's
            // modification time, to the minute (`ContentLoader.revision`).
            if datesFromFiles {
                for i in content.indices { content[i].minute = content[i].stamp.map { Int($0.modified / 60_000_000_000) } }
            }
            var summaries = [InputFingerprint.summary(content)]
            var all = content
            var theme: [Input] = []
            if let templates {
                theme = await InputFingerprint.read(templates.inputs)
                summaries.append(InputFingerprint.summary(theme))
                all += theme
            }
            if let file { InputDigests(all, stamps: stamps, summaries: summaries).save(to: file) }
            return fingerprint(summaries: summaries)
        }

        /// The fingerprint from the content's summary and the templates' (when there are any).
        private func fingerprint(summaries: [String]) -> String {
            InputFingerprint.fingerprint(head + [summaries[0]] + (templates.map { [$0.line, summaries[1]] } ?? []) + tail)
        }
    }

    private static func fingerprint(_ lines: [String]) -> String {
        let bytes = Array(lines.joined(separator: "\n").utf8)
        return String(BuildCache.hash(bytes), radix: 16) + "-" + String(bytes.count)
    }

    /// An order-independent sum of every input's path and stamp.
    private static func stampSum(_ inputs: [Input]) -> String {
        var sum: UInt64 = 0
        for input in inputs {
            var digest = Digest()
            digest.add(input.path)
            digest.add(input.stamp?.size ?? -1)
            digest.add(Int(input.stamp?.modified ?? -1))
            sum &+= digest.value
        }
        return "\(inputs.count):\(String(sum, radix: 16))"
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

    /// Every file and folder below `root`, with absolute paths; files are `unread` until
    /// `InputDigests.fill` gives them their digest.
    static func inputs(under root: String) -> [Input] {
        var found: [Input] = []
        FileTree.walk(root) { entry in
            let path = root + "/" + entry.path
            found.append(entry.isDirectory ? Input(path: path, isFolder: true) : Input(path: path, stamp: entry.stamp, unread: true))
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
    /// The stamps of every input when these digests were recorded (`InputFingerprint.walk`),
    /// and the fingerprint's summaries worked out from them.
    private var stamps = ""
    private var summaries: [String] = []

    struct Entry: Equatable, Sendable {
        var stamp: FileTree.Stamp
        var digest: UInt64
    }

    init() {}

    /// The files among `inputs` that could be read.
    init(_ inputs: [InputFingerprint.Input], stamps: String, summaries: [String]) {
        for input in inputs {
            if let stamp = input.stamp { entries[input.path] = Entry(stamp: stamp, digest: input.digest) }
        }
        self.stamps = stamps
        self.summaries = summaries
    }

    func digest(_ path: String, _ stamp: FileTree.Stamp) -> UInt64? {
        guard let entry = entries[path], entry.stamp == stamp else { return nil }
        return entry.digest
    }

    /// Gives each file whose stamp is the recorded one its digest.
    func fill(_ inputs: inout [InputFingerprint.Input]) {
        for i in inputs.indices where inputs[i].unread {
            if let stamp = inputs[i].stamp, let digest = digest(inputs[i].path, stamp) {
                inputs[i].digest = digest
                inputs[i].unread = false
            }
        }
    }

    enum Loaded {
        /// The record was written at the stamps asked about: its summaries.
        case unchanged([String])
        case digests(InputDigests)
    }

    static let version = "tome-inputs 2"

    static func url(beside output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).tome-inputs")
    }

    /// The record's summaries if it was written at `stamps`, else its digests (none when
    /// it is missing, torn or of another version).
    static func load(from file: URL, unlessStampsAre stamps: String) -> Loaded {
        var loaded = InputDigests()
        guard let data = FileManager.default.contents(atPath: file.path) else { return .digests(loaded) }
        let bytes = [UInt8](data)
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        // `version`, the stamps and summaries (tab-separated), the entries, `end`.
        guard bytes.suffix(4).elementsEqual("\nend".utf8),
              let first = bytes.firstIndex(of: UInt8(ascii: "\n")), text(bytes[..<first]) == version,
              let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: "\n")) else { return .digests(loaded) }
        let header = bytes[(first + 1)..<second].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(text)
        guard let recorded = header.first else { return .digests(loaded) }
        if recorded == stamps { return .unchanged(Array(header.dropFirst())) }
        let lines = bytes[(second + 1)...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let last = lines.last, text(last) == "end" else { return .digests(loaded) }
        loaded.entries.reserveCapacity(lines.count)
        for line in lines.dropLast() {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 4, let size = Int(text(fields[1])), let modified = Int64(text(fields[2])),
                  let digest = UInt64(text(fields[3]), radix: 16) else { return .digests(InputDigests()) }
            loaded.entries[text(fields[0])] = Entry(stamp: FileTree.Stamp(size: size, modified: modified), digest: digest)
        }
        return .digests(loaded)
    }

    /// Written to a temporary file and renamed into place; a failure only costs the next
    /// build reading the inputs again.
    func save(to file: URL) {
        var text = InputDigests.version + "\n" + ([stamps] + summaries).joined(separator: "\t") + "\n"
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            text += "\(path)\t\(entry.stamp.size)\t\(entry.stamp.modified)\t\(String(entry.digest, radix: 16))\n"
        }
        text += "end"
        try? Data(text.utf8).write(to: file, options: .atomic)
    }
}

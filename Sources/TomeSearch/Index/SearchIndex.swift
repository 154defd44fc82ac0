/// A file named in the manifest with its size and CRC-32.
public struct IndexFileRef: Sendable, Equatable {
    public var name: String
    public var bytes: Int
    public var crc32: UInt32
}

/// The parsed, validated `manifest.json`.
public struct Manifest: Sendable {
    public var version: Int
    public var analyzer: String
    public var docCount: Int
    public var pageCount: Int
    public var termCount: Int
    public var fieldTotalLengths: [Int]
    public var ranking: RankingParameters
    public var analyzerFile: IndexFileRef
    public var docMeta: IndexFileRef
    public var norms: IndexFileRef
    public var facets: IndexFileRef
    public var shards: [(first: [UInt8], terms: IndexFileRef, positions: IndexFileRef)]
    public var docChunks: [(firstDoc: Int, file: IndexFileRef)]

    /// Every file the manifest names (without itself), sorted, without duplicates.
    public var allFiles: [IndexFileRef] {
        var all = [analyzerFile, docMeta, norms, facets]
        for s in shards { all.append(s.terms); all.append(s.positions) }
        for c in docChunks { all.append(c.file) }
        var seen = Set<String>()
        return all.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
    }

    static func parse(_ bytes: [UInt8]) throws -> Manifest {
        let file = IndexFormat.manifestName
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch let e as JSONValue.ParseError {
            throw IndexFormatError.corrupt(file: file, detail: "invalid JSON at byte \(e.offset): \(e.message)")
        }
        guard json["format"]?.string == IndexFormat.formatName else { throw IndexFormatError.foreign(file: file) }
        guard let version = json["version"]?.int else { throw IndexFormatError.corrupt(file: file, detail: "no version") }
        guard version == Int(IndexFormat.version) else {
            throw IndexFormatError.versionMismatch(file: file, found: "\(version)", expected: "\(IndexFormat.version)")
        }
        let analyzer = json["analyzer"]?.string ?? "(none)"
        guard analyzer == Analyzer.identifier else {
            throw IndexFormatError.analyzerMismatch(file: file, found: analyzer, expected: Analyzer.identifier)
        }
        func bad(_ what: String) -> IndexFormatError { .corrupt(file: file, detail: "missing or invalid '\(what)'") }
        func ref(_ v: JSONValue?, _ what: String) throws -> IndexFileRef {
            guard let v, let name = v["name"]?.string, let n = v["bytes"]?.int, let c = v["crc32"]?.int,
                  c >= 0, c <= Int(UInt32.max), !name.contains("/"), !name.hasPrefix(".") else { throw bad(what) }
            return IndexFileRef(name: name, bytes: n, crc32: UInt32(c))
        }
        guard let docCount = json["docCount"]?.int, docCount >= 0 else { throw bad("docCount") }
        guard let pageCount = json["pageCount"]?.int, pageCount >= 0 else { throw bad("pageCount") }
        guard let termCount = json["termCount"]?.int else { throw bad("termCount") }
        guard let fields = json["fields"]?.array, fields.count == IndexFormat.fieldCount else { throw bad("fields") }
        var ranking = RankingParameters()
        var totals: [Int] = []
        var weights: [Double] = []
        for f in fields {
            guard let t = f["totalLength"]?.int, let w = f["weight"]?.double else { throw bad("fields") }
            totals.append(t); weights.append(w)
        }
        ranking.fieldWeights = weights
        guard let r = json["ranking"] else { throw bad("ranking") }
        func num(_ k: String) throws -> Double { guard let d = r[k]?.double else { throw bad("ranking.\(k)") }; return d }
        ranking.k1 = try num("k1"); ranking.b = try num("b")
        ranking.exactWeight = try num("exact"); ranking.stemWeight = try num("stem")
        ranking.synonymWeight = try num("synonym"); ranking.prefixWeight = try num("prefix")
        ranking.typoWeight = try num("typo"); ranking.proximity = try num("proximity")
        ranking.coverage = try num("coverage")
        guard let tiers = r["tiers"]?.bool else { throw bad("ranking.tiers") }
        ranking.tiers = tiers
        var shards: [(first: [UInt8], terms: IndexFileRef, positions: IndexFileRef)] = []
        for s in json["shards"]?.array ?? [] {
            guard let h = s["first"]?.string, let first = bytesFromHex(h) else { throw bad("shards.first") }
            shards.append((first, try ref(s["terms"], "shards.terms"), try ref(s["positions"], "shards.positions")))
        }
        var chunks: [(firstDoc: Int, file: IndexFileRef)] = []
        for c in json["docChunks"]?.array ?? [] {
            guard let f = c["firstDoc"]?.int else { throw bad("docChunks.firstDoc") }
            chunks.append((f, try ref(c["file"], "docChunks.file")))
        }
        return Manifest(version: version, analyzer: analyzer, docCount: docCount, pageCount: pageCount, termCount: termCount,
                        fieldTotalLengths: totals, ranking: ranking,
                        analyzerFile: try ref(json["analyzerFile"], "analyzerFile"),
                        docMeta: try ref(json["docMeta"], "docMeta"), norms: try ref(json["norms"], "norms"), facets: try ref(json["facets"], "facets"),
                        shards: shards, docChunks: chunks)
    }
}

/// One term shard, decoded: sorted terms with their stems, document frequencies and
/// the byte ranges of their postings (in this file) and positions (in the twin file).
/// A class: the index hands the same shard to every lookup without copying its arrays.
final class TermShard {
    var name: String
    var bytes: [UInt8]
    var terms: [[UInt8]] = []
    var stems: [[UInt8]] = []
    var df: [Int] = []
    var postingsStart: [Int] = []
    var postingsEnd: [Int] = []
    var positionsStart: [Int] = []
    var positionsEnd: [Int] = []
    var index: [[UInt8]: Int] = [:]

    init(name: String, bytes: [UInt8]) throws {
        self.name = name
        self.bytes = bytes
        var r = ByteReader(bytes, file: name)
        try r.expectMagic("TOMT")
        let count = try r.varint()
        guard count <= bytes.count else { throw r.fail("term count \(count) too large") }
        var prev: [UInt8] = []
        var postLens: [Int] = [], posLens: [Int] = []
        for _ in 0..<count {
            let shared = try r.varint()
            guard shared <= prev.count else { throw r.fail("bad shared prefix length") }
            let suffixLength = try r.varint()
            var term = Array(prev[0..<shared])
            term.append(contentsOf: try r.take(suffixLength))
            let stemShared = try r.varint()
            guard stemShared <= term.count else { throw r.fail("bad stem prefix length") }
            let stemSuffixLength = try r.varint()
            var stem = Array(term[0..<stemShared])
            stem.append(contentsOf: try r.take(stemSuffixLength))
            index[term] = terms.count
            terms.append(term); stems.append(stem)
            df.append(try r.varint())
            postLens.append(try r.varint())
            posLens.append(try r.varint())
            prev = term
        }
        var o = r.offset
        for l in postLens {
            postingsStart.append(o); o += l
            postingsEnd.append(o)
            guard o <= bytes.count else { throw IndexFormatError.corrupt(file: name, detail: "postings run past the end of the file") }
        }
        guard o == bytes.count else { throw IndexFormatError.corrupt(file: name, detail: "unexpected trailing bytes") }
        var p = 5
        for l in posLens { positionsStart.append(p); p += l; positionsEnd.append(p) }
    }
}

/// Decoded postings of one term.
struct PostingList {
    var docs: [Int] = []
    var masks: [UInt8] = []
    /// `fieldCount` entries per doc (field lengths are per doc, in `DocMeta.norms`).
    var tfs: [Int32] = []
    /// Per doc (made by `queryPostings`): bit 0 set when its title tf is above 0, bit 1
    /// when its heading tf is: what the counting pass reads, a byte instead of 20.
    var titleHeading: [UInt8] = []
}

/// Page grouping and boosts for every document.
/// A class: read on every query; handed out without copying its arrays.
final class DocMeta {
    var pageOfDoc: [Int32] = []
    var pageFirstDoc: [Int] = []
    var boosts: [Int: Double] = [:]
    /// Quantised field lengths, field-major: doc d's field f at `f * docCount + d`.
    var norms: [UInt8] = []
    /// Doc store blocks in order: first doc, store file (index into the manifest's
    /// `docChunks`), offset and length of its record in that file.
    var blocks: [(firstDoc: Int, chunk: Int, offset: Int, bytes: Int)] = []
    /// The doc store's preset deflate dictionary.
    var dictionary: [UInt8] = []
    /// Per page, the block holding its first section: a result's block without a binary
    /// search over `blocks` (a dozen cache misses in a server's large index).
    var blockOfPage: [Int32] = []

    init() {}
}

/// A section as stored in the doc store.
public struct StoredSection: Sendable, Hashable {
    public var docID: Int
    public var url: String
    public var pageURL: String
    public var pageTitle: String
    public var heading: String
    public var headingPath: [String]
    public var text: String
    public var tags: [String]
    public var book: String
    public var bookTitle: String
    public var type: String
}

/// Facet name -> folded value -> sorted page indexes.
typealias Facets = [String: [String: [Int]]]

/// A read-only view of an index directory that loads files lazily and caches them.
/// Not thread-safe (it mutates its caches); use one per task, or `loadAll()` once and
/// share read access behind your own synchronisation.
public final class SearchIndex {
    public let manifest: Manifest
    let read: (String) throws -> [UInt8]
    var shardCache: [Int: TermShard] = [:]
    var positionsCache: [Int: [UInt8]] = [:]
    var storeCache: [Int: [UInt8]] = [:]
    /// Doc store blocks loaded so far, by number (empty until the first).
    var blockCache: [DocChunk?] = []
    /// The snippets' buffers, kept from query to query (`search`).
    var snippetMaker = SnippetMaker()
    var docMetaCache: DocMeta?
    var facetsCache: Facets?
    var synonymsCache: SynonymTable?
    let scratch = RankScratch()
    /// Exact dynamic pruning of the ranking (Query/Pruning.swift): on unless a test
    /// compares it with the exhaustive ranking; windows of `1 << pruningWindowShift`
    /// doc ids; per-variant score bounds per window, made on a term's first use.
    var pruningEnabled = true
    var pruningWindowShift = 7 {
        didSet { boundCache = [:]; boundCacheBytes = 0 }
    }
    var boundCache: [[UInt64]: [Double]] = [:]
    var boundCacheBytes = 0
    /// The last pruned ranking's candidates and how many of them it scored to settle the
    /// head (for tests).
    var pruningStats = (candidates: 0, scored: 0)
    /// Decoded postings of frequent terms (`cachedPostings`, Query/Postings.swift).
    var postingsCache: [Int: PostingList] = [:]
    var postingsCacheBytes = 0
    /// Positions skip tables of long posting lists (`positionSkips`, Query/Postings.swift).
    var positionSkipCache: [Int: [Int]] = [:]
    /// Where each pruning window starts in long posting lists (`windowStarts`,
    /// Query/Postings.swift), for lists of `windowStartMinDF` postings or more (lowered
    /// by tests, so their small indexes take this path).
    var windowStartCache: [Int: [Int32]] = [:]
    var windowStartCacheBytes = 0
    var windowStartMinDF = 256
    /// Per shard, its terms by stored stem (`stemIndex`, Query/Searcher.swift).
    var stemIndexCache: [Int: [[UInt8]: [Int]]] = [:]
    /// Per shard, its terms summed up for the typo scan (`typoTerms`, Query/Searcher.swift).
    var typoTermCache: [Int: [TypoTerm]] = [:]
    /// File names fetched so far (for byte accounting in benchmarks and tests).
    public private(set) var loadedFiles: [String] = []

    /// `read` returns the bytes of a file by name, or throws.
    public init(read: @escaping (String) throws -> [UInt8]) throws {
        self.read = read
        let bytes = try read(IndexFormat.manifestName)
        self.manifest = try Manifest.parse(bytes)
    }

    /// An index held in memory (as returned by `IndexBuilder.build`).
    public convenience init(files: IndexFiles) throws {
        var map: [String: [UInt8]] = [:]
        for f in files.files { map[f.name] = f.bytes }
        try self.init(read: { name in
            guard let b = map[name] else { throw IndexFormatError.missing(file: name) }
            return b
        })
    }

    /// A file's bytes, checked against the manifest, inflated if gzip (every `.bin`
    /// file but the doc store's, which holds records inflated one by one).
    func file(_ ref: IndexFileRef, gzip: Bool = true) throws -> [UInt8] {
        let b = try read(ref.name)
        loadedFiles.append(ref.name)
        guard b.count == ref.bytes, Checksum.crc32(b) == ref.crc32 else { throw IndexFormatError.checksumMismatch(file: ref.name) }
        guard gzip && ref.name.hasSuffix(".bin") else { return b }
        guard let inflated = Gzip.decompress(b) else { throw IndexFormatError.corrupt(file: ref.name, detail: "not valid gzip data") }
        return inflated
    }

    /// Loads and checks every file (for servers, and for `tome search` self-checks).
    public func loadAll() throws {
        _ = try docMeta()
        _ = try facets()
        _ = try synonyms()
        for i in manifest.shards.indices { _ = try shard(i); _ = try positions(i) }
        for i in try docMeta().blocks.indices { _ = try block(i) }
    }

    func synonyms() throws -> SynonymTable {
        if let s = synonymsCache { return s }
        let ref = manifest.analyzerFile
        let b = try file(ref)
        guard let json = try? JSONValue.parse(b) else { throw IndexFormatError.corrupt(file: ref.name, detail: "invalid JSON") }
        guard json["id"]?.string == Analyzer.identifier else {
            throw IndexFormatError.analyzerMismatch(file: ref.name, found: json["id"]?.string ?? "(none)", expected: Analyzer.identifier)
        }
        var groups: [[String]] = []
        for g in json["synonyms"]?.array ?? [] { groups.append((g.array ?? []).compactMap(\.string)) }
        let t = SynonymTable(groups)
        synonymsCache = t
        return t
    }

    /// Index of the shard whose range holds `term`: the last whose fence is not after it.
    func shardIndex(for term: [UInt8]) -> Int? {
        var lo = 0, hi = manifest.shards.count - 1, found: Int? = nil
        while lo <= hi {
            let mid = (lo + hi) / 2
            if !term.lexicographicallyPrecedes(manifest.shards[mid].first) { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return found
    }

    /// Shard indexes whose range may hold terms starting with `prefix`.
    func shardIndexes(forPrefix prefix: [UInt8]) -> [Int] {
        guard let first = shardIndex(for: prefix) else { return manifest.shards.isEmpty ? [] : [0] }
        var out = [first]
        var i = first + 1
        while i < manifest.shards.count, manifest.shards[i].first.starts(with: prefix) { out.append(i); i += 1 }
        return out
    }

    func shard(_ i: Int) throws -> TermShard {
        if let s = shardCache[i] { return s }
        let ref = manifest.shards[i].terms
        let s = try TermShard(name: ref.name, bytes: try file(ref))
        shardCache[i] = s
        return s
    }

    func positions(_ i: Int) throws -> [UInt8] {
        if let p = positionsCache[i] { return p }
        let ref = manifest.shards[i].positions
        let b = try file(ref)
        var r = ByteReader(b, file: ref.name)
        try r.expectMagic("TOMP")
        positionsCache[i] = b
        return b
    }

    func postings(_ shard: TermShard, _ t: Int) throws -> PostingList {
        var r = ByteReader(shard.bytes, file: shard.name, offset: shard.postingsStart[t], end: shard.postingsEnd[t])
        var list = PostingList()
        var doc = 0
        let n = shard.df[t]
        list.docs.reserveCapacity(n)
        list.masks.reserveCapacity(n)
        list.tfs.reserveCapacity(n * IndexFormat.fieldCount)
        // doc deltas, then masks, then tfs
        for _ in 0..<n {
            doc += try r.varint()
            guard doc < manifest.docCount else { throw r.fail("document id \(doc) out of range") }
            list.docs.append(doc)
        }
        for _ in 0..<n { list.masks.append(try r.u8()) }
        var normBytes = 0
        for k in 0..<n {
            let mask = list.masks[k]
            for f in 0..<IndexFormat.fieldCount {
                if mask & (1 << UInt8(f)) != 0 {
                    list.tfs.append(Int32(truncatingIfNeeded: try r.varint()))
                    normBytes += 1
                } else {
                    list.tfs.append(0)
                }
            }
        }
        // a norm byte per tf, for the browser (this engine reads the norms file)
        _ = try r.take(normBytes)
        guard r.atEnd else { throw r.fail("postings of \(n) documents end with unexpected bytes") }
        return list
    }

    /// Positions of term `t` of shard `s` for the postings whose doc is in `only`,
    /// appended per field to `out[doc]` (other postings are skipped, not decoded).
    func positionLists(shard s: Int, term t: Int, postings: PostingList, only: DocMarks,
                       into out: inout [Int: [[Int]]]) throws {
        let sh = try shard(s)
        let bytes = try positions(s)
        let ref = manifest.shards[s].positions
        var r = ByteReader(bytes, file: ref.name, offset: sh.positionsStart[t], end: sh.positionsEnd[t])
        let F = IndexFormat.fieldCount
        for (k, d) in postings.docs.enumerated() {
            if !only.contains(d) {
                for f in 0..<F { for _ in 0..<Int(postings.tfs[k * F + f]) { try r.skipVarint() } }
                continue
            }
            var perField = out[d] ?? [[Int]](repeating: [], count: F)
            for f in 0..<F {
                let tf = Int(postings.tfs[k * F + f])
                var p = 0
                for _ in 0..<tf { p += try r.varint(); perField[f].append(p) }
            }
            out[d] = perField
        }
    }

    func docMeta() throws -> DocMeta {
        if let d = docMetaCache { return d }
        let ref = manifest.docMeta
        var r = ByteReader(try file(ref), file: ref.name)
        try r.expectMagic("TOMM")
        let docs = try r.varint(), pages = try r.varint()
        guard docs == manifest.docCount, pages == manifest.pageCount else { throw r.fail("counts disagree with the manifest") }
        let meta = DocMeta()
        meta.pageOfDoc.reserveCapacity(docs)
        for p in 0..<pages {
            let n = try r.varint()
            meta.pageFirstDoc.append(meta.pageOfDoc.count)
            guard meta.pageOfDoc.count + n <= docs else { throw r.fail("page sizes exceed document count") }
            for _ in 0..<n { meta.pageOfDoc.append(Int32(p)) }
        }
        guard meta.pageOfDoc.count == docs else { throw r.fail("page sizes do not add up") }
        let nb = try r.varint()
        for _ in 0..<nb {
            let d = try r.varint()
            let b = try r.f64()
            guard d < docs, b.isFinite else { throw r.fail("bad boost entry") }
            meta.boosts[d] = b
        }
        var chunk = -1, offset = 0, doc = 0
        for _ in 0..<(try r.varint()) {
            let sections = try r.varint(), bytes = try r.varint()
            guard sections > 0, doc + sections <= docs else { throw r.fail("doc store blocks exceed the document count") }
            if chunk + 1 < manifest.docChunks.count && manifest.docChunks[chunk + 1].firstDoc == doc { chunk += 1; offset = 0 }
            guard chunk >= 0, offset + bytes <= manifest.docChunks[chunk].file.bytes else {
                throw r.fail("doc store block \(meta.blocks.count) lies outside the store files")
            }
            meta.blocks.append((doc, chunk, offset, bytes))
            offset += bytes
            doc += sections
        }
        guard doc == docs, chunk == manifest.docChunks.count - 1 else { throw r.fail("doc store blocks do not cover the documents") }
        meta.dictionary = Array(try r.take(try r.varint()))
        guard meta.dictionary.count <= 32 * 1024 else { throw r.fail("doc store dictionary larger than 32 KB") }
        guard r.atEnd else { throw r.fail("unexpected trailing bytes") }
        var block = 0
        meta.blockOfPage.reserveCapacity(pages)
        for first in meta.pageFirstDoc {
            while block + 1 < meta.blocks.count && meta.blocks[block + 1].firstDoc <= first { block += 1 }
            meta.blockOfPage.append(Int32(block))
        }
        let nref = manifest.norms
        var n = ByteReader(try file(nref), file: nref.name)
        try n.expectMagic("TOMN")
        guard try n.varint() == docs else { throw n.fail("document count disagrees with the manifest") }
        meta.norms = Array(try n.take(docs * IndexFormat.fieldCount))
        guard n.atEnd else { throw n.fail("unexpected trailing bytes") }
        docMetaCache = meta
        return meta
    }

    func facets() throws -> Facets {
        if let f = facetsCache { return f }
        let ref = manifest.facets
        var r = ByteReader(try file(ref), file: ref.name)
        try r.expectMagic("TOMF")
        var out: Facets = [:]
        let n = try r.varint()
        for _ in 0..<n {
            let name = try r.string()
            let values = try r.varint()
            var map: [String: [Int]] = [:]
            for _ in 0..<values {
                let v = try r.string()
                let count = try r.varint()
                var pages: [Int] = []
                var p = 0
                for _ in 0..<count {
                    p += try r.varint()
                    guard p < manifest.pageCount else { throw r.fail("page index out of range") }
                    pages.append(p)
                }
                map[v] = pages
            }
            out[name] = map
        }
        facetsCache = out
        return out
    }

    /// A doc store block, inflated, checked and indexed (offsets of every section and of
    /// its page's header); sections are decoded only when asked for.
    func block(_ i: Int) throws -> DocChunk {
        if i < blockCache.count, let c = blockCache[i] { return c }
        let meta = try docMeta()
        let b = meta.blocks[i], ref = manifest.docChunks[b.chunk].file
        let store = try storeCache[b.chunk] ?? file(ref, gzip: false)
        storeCache[b.chunk] = store
        guard let bytes = Gzip.inflateRecord(store[b.offset..<(b.offset + b.bytes)], dictionary: meta.dictionary) else {
            throw IndexFormatError.corrupt(file: ref.name, detail: "doc store block at byte \(b.offset) is not valid deflate data")
        }
        var r = ByteReader(bytes, file: ref.name)
        let first = try r.varint()
        guard first == b.firstDoc else { throw r.fail("first document of the block at byte \(b.offset) disagrees with the doc meta") }
        let pages = try r.varint()
        let c = DocChunk(bytes: bytes, name: ref.name, firstDoc: first)
        func skipString() throws { _ = try r.take(try r.varint()) }
        for _ in 0..<pages {
            let header = r.offset
            for _ in 0..<5 { try skipString() }
            let nt = try r.varint()
            for _ in 0..<nt { try skipString() }
            let ns = try r.varint()
            for _ in 0..<ns {
                c.pageStart.append(header)
                c.sectionStart.append(r.offset)
                _ = try r.u8(); try skipString(); try skipString()
                let np = try r.varint()
                for _ in 0..<np { try skipString() }
                let n = try r.varint(), text = r.offset
                _ = try r.take(n)
                if c.textsAreValidUTF8 && (try? UTF8Span(validating: bytes.span.extracting(text..<(text + n)))) == nil {
                    c.textsAreValidUTF8 = false
                }
            }
        }
        let end = i + 1 < meta.blocks.count ? meta.blocks[i + 1].firstDoc : manifest.docCount
        guard r.atEnd, c.sectionStart.count == end - first else {
            throw r.fail("doc store block at byte \(b.offset) disagrees with the doc meta")
        }
        if blockCache.isEmpty { blockCache = [DocChunk?](repeating: nil, count: meta.blocks.count) }
        blockCache[i] = c
        return c
    }

    /// The doc store block that holds a document, if any.
    func block(holding doc: Int) throws -> DocChunk? {
        let meta = try docMeta()
        guard doc >= 0 && doc < meta.pageOfDoc.count else { return nil }
        // the block of the doc's page's first section, or one after it
        var found = Int(meta.blockOfPage[Int(meta.pageOfDoc[doc])])
        while found + 1 < meta.blocks.count && meta.blocks[found + 1].firstDoc <= doc { found += 1 }
        let block = try block(found)
        return block.holds(doc) ? block : nil
    }

    /// The stored section for a document id.
    public func section(_ doc: Int) throws -> StoredSection? {
        guard let block = try block(holding: doc) else { return nil }
        return try block.section(doc - block.firstDoc)
    }
}

/// One doc store block: its inflated bytes and where each section's record and its
/// page's header start (both already bounds-checked when the block was loaded).
final class DocChunk {
    let bytes: [UInt8]
    let name: String
    let firstDoc: Int
    var pageStart: [Int] = []
    var sectionStart: [Int] = []
    /// Whether every section's text is valid UTF-8 (checked when the block is loaded): then
    /// a snippet reads the stored bytes, the same as the `String` they decode to.
    var textsAreValidUTF8 = true

    init(bytes: [UInt8], name: String, firstDoc: Int) {
        self.bytes = bytes
        self.name = name
        self.firstDoc = firstDoc
    }

    func holds(_ doc: Int) -> Bool { doc >= firstDoc && doc - firstDoc < sectionStart.count }

    /// What a result shows of the page's header in the block, which every section of the
    /// page repeats (its book title and tags are read only for a `StoredSection`).
    struct PageHeader {
        let url, title, book, type: String
    }

    /// The page header decoded last, and where it starts: a query shows a page's sections
    /// one after the other, so it is decoded once per page, not per section.
    private var lastHeader: (offset: Int, header: PageHeader)?

    private func header(at offset: Int) throws -> PageHeader {
        if let last = lastHeader, last.offset == offset { return last.header }
        var r = ByteReader(bytes, file: name, offset: offset)
        let url = try r.string(), title = try r.string(), book = try r.string()
        _ = try r.take(try r.varint())  // the book title
        let header = PageHeader(url: url, title: title, book: book, type: try r.string())
        lastHeader = (offset, header)
        return header
    }

    /// Section `k` but its text, which is left in `bytes` (a search result reads only a
    /// snippet of it: no `String` of the whole text).
    struct Shown {
        let page: PageHeader
        let url, heading: String
        let headingPath: [String]
        let text: Range<Int>
    }

    func shown(_ k: Int) throws -> Shown {
        let page = try header(at: pageStart[k])
        var r = ByteReader(bytes, file: name, offset: sectionStart[k])
        let underPage = try r.u8() == 1
        let url = (underPage ? page.url : "") + (try r.string()), heading = try r.string()
        let np = try r.varint()
        var path: [String] = []
        path.reserveCapacity(np)
        for _ in 0..<np { path.append(try r.string()) }
        let text = try r.take(try r.varint())
        return Shown(page: page, url: url, heading: heading, headingPath: path, text: text.indices)
    }

    func section(_ k: Int) throws -> StoredSection {
        let s = try shown(k), page = s.page
        var r = ByteReader(bytes, file: name, offset: pageStart[k])
        for _ in 0..<3 { _ = try r.take(try r.varint()) }  // url, title, book
        let bookTitle = try r.string()
        _ = try r.take(try r.varint())  // type
        var tags: [String] = []
        for _ in 0..<(try r.varint()) { tags.append(try r.string()) }
        return StoredSection(docID: firstDoc + k, url: s.url, pageURL: page.url, pageTitle: page.title, heading: s.heading,
                             headingPath: s.headingPath, text: String(decoding: bytes[s.text], as: UTF8.self), tags: tags,
                             book: page.book, bookTitle: bookTitle, type: page.type)
    }
}

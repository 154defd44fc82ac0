import Foundation
/// The index as in-memory files, sorted by name; the build writes them into
/// `Public/search/` through its own output sink.
public struct IndexFiles: Sendable, Equatable {
    public var files: [(name: String, bytes: [UInt8])]

    public static func == (a: IndexFiles, b: IndexFiles) -> Bool {
        a.files.count == b.files.count && zip(a.files, b.files).allSatisfy { $0.name == $1.name && $0.bytes == $1.bytes }
    }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes.count } }

    public subscript(name: String) -> [UInt8]? { files.first { $0.name == name }?.bytes }

    /// Script-loadable twins for `file://`: for each file `NAME`, a `NAME.js` containing
    /// `tomeSearchLoad("NAME","<base64 of the bytes>");` (one line, ASCII).
    public func scriptTwins() -> [(name: String, bytes: [UInt8])] {
        files.map { f in
            var out = Array("tomeSearchLoad(\"\(f.name)\",\"".utf8)
            out.append(contentsOf: Base64.encode(f.bytes))
            out.append(contentsOf: Array("\");\n".utf8))
            return (f.name + ".js", out)
        }
    }
}

enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static func encode(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < b.count {
            let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = b.count - i
        if rest == 1 {
            let v = UInt32(b[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(61); out.append(61)
        } else if rest == 2 {
            let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(61)
        }
        return out
    }
}

/// Builds the index files from sections. Pure: same input, byte-identical output.
public struct IndexBuilder: Sendable {
    public var analyzer = Analyzer()
    public var synonyms: [[String]]
    public var ranking: RankingParameters
    /// Body text kept in the doc store for snippets (bytes, cut at a word boundary).
    public var maxStoredTextBytes: Int = 320
    /// Smallest term shard target (raw bytes): small, so a query on a small site fetches
    /// little. Where the cuts fall (`ShardPlan`) is part of the answers (typo candidates
    /// come from the typed word's shard).
    public var termShardTargetBytes: Int = 2 * 1024
    /// Doc store: pages go into blocks of at least this many raw bytes (a block is what
    /// a browser fetches, with an HTTP Range request, for a result on one of its pages);
    /// blocks go into store files of at least `docChunkTargetBytes` stored bytes (what a
    /// host without Range support, or a folder opened from disk, sends instead).
    public var docBlockTargetBytes: Int = 4 * 1024
    public var docChunkTargetBytes: Int = 64 * 1024
    /// Files in `search/` (the index, its manifest and the engine) at most; term shards
    /// (+ as many positions files) at most `maxTermShards`, doc store files take the rest
    /// (see ARCHITECTURE.md, "Files").
    public var maxFiles: Int = 300
    public var maxTermShards: Int = 128
    /// manifest, analyzer, doc meta, norms, facets, and the engine beside them
    static let fixedFiles = 6

    /// Runs and doc store records kept from the last build (tome serve), or nil.
    public var memory: IndexMemory?
    /// Threads the build may use (analysis, shard files, compression); 1 builds on the
    /// calling thread alone. The output is the same whatever the width.
    public var width: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(synonyms: [[String]] = [], ranking: RankingParameters = RankingParameters()) {
        self.synonyms = synonyms
        self.ranking = ranking
    }

    /// Documents per analysis task: the unit of parallel work (and of the term
    /// fragments merged afterwards; tests make it small to have many).
    var analysisChunkDocs = 8192

    /// The postings one analysis task found in its run of documents: its own term
    /// table, and per term (in that table's order) the term's postings in those documents
    /// in the index's three runs plus positions, each run back to back in one array.
    /// The first posting's doc delta is left out: it depends on the documents before the
    /// run, and the merge writes it.
    struct ChunkPostings {
        var terms = TermTable()
        var firstDoc: [Int32] = [], lastDoc: [Int32] = [], df: [Int32] = []
        /// Ends of each term's bytes in `deltas`, `masks` (one per posting), `tfs`, `positions`.
        var deltas: [UInt8] = [], deltaEnds: [Int32] = []
        var masks: [UInt8] = [], maskEnds: [Int32] = []
        var tfs: [UInt8] = [], tfEnds: [Int32] = []
        var positions: [UInt8] = [], positionEnds: [Int32] = []
        /// Field norms, five per document, and the run's field lengths. Doc ids (`firstDoc`,
        /// `lastDoc`) count from the run's first document.
        var norms: [UInt8] = []
        var lengths = [Int](repeating: 0, count: IndexFormat.fieldCount)

        func range(_ ends: [Int32], _ t: Int) -> Range<Int> { (t == 0 ? 0 : Int(ends[t - 1]))..<Int(ends[t]) }
    }

    /// One term's postings in one run of documents, its bytes as ranges of the merged
    /// runs' arrays.
    struct Fragment {
        var firstDoc: Int32 = 0, lastDoc: Int32 = 0, df: Int32 = 0
        var deltas: (Int32, Int32) = (0, 0), masks: (Int32, Int32) = (0, 0)
        var tfs: (Int32, Int32) = (0, 0), positions: (Int32, Int32) = (0, 0)
    }

    /// The texts of a section's five fields, in field order.
    static func fieldTexts(_ docs: [SearchDocument], _ i: Int) -> [String] {
        // path: the book title and the heading path, joined (most sections have no path)
        let path = docs[i].headingPath.isEmpty ? docs[i].bookTitle
            : ([docs[i].bookTitle] + docs[i].headingPath).filter { !$0.isEmpty }.joined(separator: " \u{203A} ")
        return [docs[i].pageTitle, docs[i].heading, path, docs[i].tags.isEmpty ? "" : docs[i].tags.joined(separator: ", "), docs[i].text]
    }

    /// Synonym members for one analysis task, by stem ids of that task's stem table.
    struct ChunkSynonyms {
        var stems = TermTable()
        /// stem id of a member's first word -> members (stem ids, offsets, group), in
        /// the synonym table's order
        var byFirstStem: [Int: [(stems: [Int], offsets: [Int], group: Int)]] = [:]
        /// per term id of the task's term table: its stem id (-1: not computed yet)
        var stemOf: [Int] = []

        init(_ table: SynonymTable) {
            for (first, members) in table.byFirstStem {
                let id = stems.intern(first)
                byFirstStem[id] = members.map { m in (m.stems.map { stems.intern($0) }, m.offsets, m.group) }
            }
        }

        mutating func stem(of term: Int, in terms: TermTable, analyzer: Analyzer) -> Int {
            while stemOf.count <= term { stemOf.append(-1) }
            if stemOf[term] < 0 { stemOf[term] = stems.intern(analyzer.stem(Array(terms.term(term)))) }
            return stemOf[term]
        }
    }

    /// Analyses `docs[range]` and inverts them, token by token with no array per token
    /// (doc ids relative to the run's first document: a run's postings are a function of
    /// its documents alone, which `IndexMemory` relies on).
    func analyzeChunk(_ docs: [SearchDocument], _ range: Range<Int>, synonymTable: SynonymTable) -> ChunkPostings {
        var out = ChunkPostings()
        var terms = TermTable(capacity: 4096)
        var scanner = TokenScanner()
        var synonyms = synonymTable.byFirstStem.isEmpty ? nil : ChunkSynonyms(synonymTable)
        // every occurrence: term id, and doc (high 32 bits), field (8 bits), position (24 bits)
        var occurrenceTerms: [Int32] = [], occurrences: [UInt64] = []
        occurrenceTerms.reserveCapacity(range.count * 64); occurrences.reserveCapacity(range.count * 64)
        var words: [(term: Int, position: Int)] = []
        out.norms.reserveCapacity(range.count * IndexFormat.fieldCount)
        for d in range {
            let texts = IndexBuilder.fieldTexts(docs, d)
            for f in 0..<IndexFormat.fieldCount {
                var length = 0
                let tag = UInt64(d - range.lowerBound) << 32 | UInt64(f) << 24
                words.removeAll(keepingCapacity: true)
                let collectWords = synonyms != nil
                scanner.scan(texts[f]) { t in
                    if t.isStopWord { return }
                    let id = terms.intern(t.term)
                    if t.kind != .whole {
                        length += 1
                        if collectWords { words.append((id, t.position)) }
                    }
                    occurrenceTerms.append(Int32(id))
                    occurrences.append(tag | UInt64(min(t.position, 0xFF_FFFF)))
                }
                if var syn = synonyms, !words.isEmpty {
                    // as `SynonymTable.matches`: at each word, each member starting with its stem
                    let stems = words.map { syn.stem(of: $0.term, in: terms, analyzer: analyzer) }
                    for (wi, w) in words.enumerated() {
                        guard let candidates = syn.byFirstStem[stems[wi]] else { continue }
                        for m in candidates {
                            var ok = true
                            for k in 1..<max(1, m.stems.count) {
                                let wj = wi + k
                                guard wj < words.count, stems[wj] == m.stems[k],
                                      words[wj].position - w.position == m.offsets[k] else { ok = false; break }
                            }
                            if ok {
                                let id = terms.intern(SynonymTable.groupTerm(m.group))
                                occurrenceTerms.append(Int32(id))
                                occurrences.append(tag | UInt64(min(w.position, 0xFF_FFFF)))
                            }
                        }
                    }
                    synonyms = syn
                }
                out.lengths[f] += length
                out.norms.append(FieldNorm.encode(length))
            }
        }
        // Counting sort by term: each term's occurrences stay in the order they were
        // found, which is doc, field, position order (a field's tokens come in position
        // order, and its synonym terms after them in the order of their positions).
        let n = terms.count
        var starts = [Int](repeating: 0, count: n + 1)
        for t in occurrenceTerms { starts[Int(t) + 1] += 1 }
        for t in 0..<n { starts[t + 1] += starts[t] }
        var sorted = [UInt64](repeating: 0, count: occurrences.count)
        var fill = starts
        for (i, t) in occurrenceTerms.enumerated() {
            sorted[fill[Int(t)]] = occurrences[i]
            fill[Int(t)] += 1
        }
        occurrences = []
        occurrenceTerms = []
        out.firstDoc.reserveCapacity(n); out.lastDoc.reserveCapacity(n); out.df.reserveCapacity(n)
        out.deltaEnds.reserveCapacity(n); out.maskEnds.reserveCapacity(n); out.tfEnds.reserveCapacity(n); out.positionEnds.reserveCapacity(n)
        for t in 0..<n {
            var k = starts[t]
            let end = starts[t + 1]
            var previousDoc = -1, df = 0
            while k < end {
                let doc = Int(sorted[k] >> 32)
                var j = k
                var mask: UInt8 = 0
                while j < end && Int(sorted[j] >> 32) == doc {
                    mask |= 1 << UInt8((sorted[j] >> 24) & 0xFF)
                    j += 1
                }
                if previousDoc < 0 { out.firstDoc.append(Int32(doc)) } else { out.deltas.appendVarint(doc - previousDoc) }
                out.masks.append(mask)
                var a = k
                while a < j {
                    let f = (sorted[a] >> 24) & 0xFF
                    var b = a
                    var prev = 0
                    while b < j && (sorted[b] >> 24) & 0xFF == f {
                        let p = Int(sorted[b] & 0xFF_FFFF)
                        out.positions.appendVarint(p - prev)
                        prev = p
                        b += 1
                    }
                    out.tfs.appendVarint(b - a)
                    a = b
                }
                previousDoc = doc
                df += 1
                k = j
            }
            out.lastDoc.append(Int32(previousDoc))
            out.df.append(Int32(df))
            out.deltaEnds.append(Int32(out.deltas.count))
            out.maskEnds.append(Int32(out.masks.count))
            out.tfEnds.append(Int32(out.tfs.count))
            out.positionEnds.append(Int32(out.positions.count))
        }
        out.terms = terms
        return out
    }

    public func build(_ input: [SearchDocument]) -> IndexFiles {
        let synonymTable = SynonymTable(synonyms, analyzer: analyzer)
        memory?.startBuild()
        // 1. group sections by page, pages in order of first appearance (the build's
        // documents come grouped already: then they are used as they are)
        var pageOrder: [String] = []
        var pageStarts: [Int] = []
        var docs = input
        var seen = Set<String>()
        var grouped = true
        for (i, d) in input.enumerated() where i == 0 || d.pageURL != input[i - 1].pageURL {
            guard seen.insert(d.pageURL).inserted else { grouped = false; break }
            pageOrder.append(d.pageURL)
            pageStarts.append(i)
        }
        if !grouped {
            pageOrder = []
            var pageSections: [String: [SearchDocument]] = [:]
            for d in input {
                if pageSections[d.pageURL] == nil { pageOrder.append(d.pageURL) }
                pageSections[d.pageURL, default: []].append(d)
            }
            docs = pageOrder.flatMap { pageSections[$0] ?? [] }
            pageStarts = []
            var start = 0
            for url in pageOrder { pageStarts.append(start); start += pageSections[url]?.count ?? 0 }
        }
        pageStarts.append(docs.count)

        // 2. the doc store's blocks (whole pages), doc meta's page table and boosts, facets
        var docMeta = ByteWriter()
        docMeta.raw(Array("TOMM".utf8)); docMeta.u8(IndexFormat.version)
        docMeta.varint(docs.count); docMeta.varint(pageOrder.count)
        var boosts: [(Int, Double)] = []
        var facetBook: [String: [Int]] = [:], facetTag: [String: [Int]] = [:], facetType: [String: [Int]] = [:]
        // the doc store's page entries: a page, or part of a large one (`pieces`)
        var pageRecords: [(firstDoc: Int, bytes: [UInt8])] = []
        var wholePages: [[UInt8]] = []
        for pi in 0..<pageOrder.count {
            let sections = docs[pageStarts[pi]..<pageStarts[pi + 1]]
            guard let head = sections.first else { continue }
            docMeta.varint(sections.count)
            for (docID, s) in zip(sections.indices, sections) where s.boost != 1 { boosts.append((docID, s.boost)) }
            if !head.book.isEmpty { facetBook[analyzer.fold(head.book), default: []].append(pi) }
            for t in Set(head.tags.map { analyzer.fold($0) }) where !t.isEmpty { facetTag[t, default: []].append(pi) }
            if !head.type.isEmpty { facetType[analyzer.fold(head.type), default: []].append(pi) }
            let record = IndexBuilder.pageRecord(Array(sections), maxStoredTextBytes)
            wholePages.append(record.whole)
            for piece in IndexBuilder.pieces(record, target: docBlockTargetBytes) {
                pageRecords.append((sections.startIndex + piece.first, piece.bytes))
            }
        }
        docMeta.varint(boosts.count)
        for (d, b) in boosts { docMeta.varint(d); docMeta.f64(b) }
        let dictionary = IndexBuilder.storeDictionary(wholePages)
        wholePages = []
        var rawBlocks: [(firstDoc: Int, docs: Int, bytes: [UInt8])] = []
        var p = 0
        while p < pageRecords.count {
            var body = ByteWriter()
            let first = p
            while p < pageRecords.count && (p == first || body.bytes.count < docBlockTargetBytes) {
                body.raw(pageRecords[p].bytes)
                p += 1
            }
            var block = ByteWriter()
            block.varint(pageRecords[first].firstDoc); block.varint(p - first)
            block.raw(body.bytes)
            let end = p < pageRecords.count ? pageRecords[p].firstDoc : docs.count
            rawBlocks.append((pageRecords[first].firstDoc, end - pageRecords[first].firstDoc, block.bytes))
        }
        pageRecords = []

        // 3. on all cores: analysis and inversion of runs of documents, and the doc store
        // blocks' deflating (level 5 with a preset dictionary: the costliest compression)
        // Runs are whole pages, cut at `analysisChunkDocs` sections and, with an
        // `IndexMemory` (tome serve), after a page whose URL hashes to 0 mod 64: an edit
        // then moves the cuts around it only, and every other run is taken from the last
        // build. (Without one, fewer and larger runs: fewer fragments to merge.)
        var runRanges: [Range<Int>] = []
        var runStart = 0
        for pi in 0..<pageOrder.count {
            let end = pageStarts[pi + 1]
            var url = pageOrder[pi]
            let cut = memory != nil && url.withUTF8 { TermTable.hash($0) } & 63 == 0
            if cut || end - runStart >= max(1, analysisChunkDocs) || pi == pageOrder.count - 1 {
                if end > runStart { runRanges.append(runStart..<end) }
                runStart = end
            }
        }
        let documents = docs, blockBytes = rawBlocks.map(\.bytes), memory = self.memory, runs = runRanges
        let synonymsKey = IndexMemory.digest(synonyms.map { $0.joined(separator: "\u{1}") })
        let keepsRecords = memory?.hasDictionary(dictionary) ?? false
        enum Work { case run(ChunkPostings, UInt64), record([UInt8], UInt64) }
        let work = parallelMap(runs.count + rawBlocks.count, width: width) { i -> Work in
            if i < runs.count {
                let range = runs[i]
                var key = synonymsKey
                if memory != nil {
                    for d in range { key = IndexMemory.digest(IndexBuilder.fieldTexts(documents, d), seed: key) }
                    if let kept = memory?.run(key) { return .run(kept, key) }
                }
                return .run(analyzeChunk(documents, range, synonymTable: synonymTable), key)
            }
            let block = blockBytes[i - runs.count]
            let key = memory == nil ? 0 : IndexMemory.digest(block)
            if keepsRecords, let kept = memory?.record(key, block: block) { return .record(kept, key) }
            return .record(Gzip.deflateRecord(block, dictionary: dictionary), key)
        }
        var chunks: [ChunkPostings] = []
        var records: [[UInt8]] = []
        var keptRuns: [UInt64: ChunkPostings] = [:], keptRecords: [UInt64: (block: [UInt8], record: [UInt8])] = [:]
        for (i, w) in work.enumerated() {
            switch w {
            case .run(let c, let key):
                chunks.append(c)
                if memory != nil { keptRuns[key] = c }
            case .record(let r, let key):
                records.append(r)
                if memory != nil { keptRecords[key] = (blockBytes[i - runRanges.count], r) }
            }
        }
        memory?.remember(runs: keptRuns, dictionary: dictionary, records: keptRecords)

        // 4. merge the runs' terms into one table; per term its fragments (its postings in
        // one run) in run order, which is doc order, their bytes moved into four arrays
        var global = TermTable(capacity: 1 << 16)
        var totalLengths = [Int](repeating: 0, count: IndexFormat.fieldCount)
        var globalOf: [[Int32]] = []
        for c in chunks {
            var map = [Int32](repeating: 0, count: c.terms.count)
            c.terms.bytes.withUnsafeBufferPointer { b in
                for t in 0..<c.terms.count {
                    let r = c.terms.range(t)
                    map[t] = Int32(global.intern(UnsafeBufferPointer(rebasing: b[r]), hash: c.terms.hashes[t]))
                }
            }
            globalOf.append(map)
            for f in 0..<IndexFormat.fieldCount { totalLengths[f] += c.lengths[f] }
        }
        let termCount = global.count
        var fragmentStarts = [Int](repeating: 0, count: termCount + 1)
        for map in globalOf { for g in map { fragmentStarts[Int(g) + 1] += 1 } }
        for g in 0..<termCount { fragmentStarts[g + 1] += fragmentStarts[g] }
        var fragments = [Fragment](repeating: Fragment(), count: fragmentStarts[termCount])
        var allDeltas: [UInt8] = [], allMasks: [UInt8] = [], allTFs: [UInt8] = [], allPositions: [UInt8] = []
        allDeltas.reserveCapacity(chunks.reduce(0) { $0 + $1.deltas.count })
        allMasks.reserveCapacity(chunks.reduce(0) { $0 + $1.masks.count })
        allTFs.reserveCapacity(chunks.reduce(0) { $0 + $1.tfs.count })
        allPositions.reserveCapacity(chunks.reduce(0) { $0 + $1.positions.count })
        var fill = fragmentStarts
        for (c, map) in globalOf.enumerated() {
            let run = chunks[c], base = Int32(runRanges[c].lowerBound)
            let bases = (allDeltas.count, allMasks.count, allTFs.count, allPositions.count)
            for (t, g) in map.enumerated() {
                func moved(_ ends: [Int32], _ base: Int) -> (Int32, Int32) {
                    let r = run.range(ends, t)
                    return (Int32(base + r.lowerBound), Int32(base + r.upperBound))
                }
                fragments[fill[Int(g)]] = Fragment(firstDoc: base + run.firstDoc[t], lastDoc: base + run.lastDoc[t], df: run.df[t],
                                                   deltas: moved(run.deltaEnds, bases.0), masks: moved(run.maskEnds, bases.1),
                                                   tfs: moved(run.tfEnds, bases.2), positions: moved(run.positionEnds, bases.3))
                fill[Int(g)] += 1
            }
            allDeltas += run.deltas; allMasks += run.masks; allTFs += run.tfs; allPositions += run.positions
            chunks[c].deltas = []; chunks[c].masks = []; chunks[c].tfs = []; chunks[c].positions = []
        }
        globalOf = []

        // 5. terms in byte order, their sizes, and the shard cuts
        var order = Array(0..<termCount)
        order.sort { global.precedes($0, $1) }
        var termDF = [Int](repeating: 0, count: termCount)
        var postingsBytes = [Int](repeating: 0, count: termCount)
        var positionsBytes = [Int](repeating: 0, count: termCount)
        for g in 0..<termCount {
            var df = 0, postings = 0, positions = 0, lastDoc = 0
            for f in fragments[fragmentStarts[g]..<fragmentStarts[g + 1]] {
                df += Int(f.df)
                // doc deltas, masks, tfs, and a norm byte per tf (one per set mask bit)
                let normBytes = allMasks[Int(f.masks.0)..<Int(f.masks.1)].reduce(0) { $0 + $1.nonzeroBitCount }
                postings += varintSize(Int(f.firstDoc) - lastDoc) + Int(f.deltas.1 - f.deltas.0) + Int(f.df) + Int(f.tfs.1 - f.tfs.0)
                    + normBytes
                positions += Int(f.positions.1 - f.positions.0)
                lastDoc = Int(f.lastDoc)
            }
            termDF[g] = df
            postingsBytes[g] = postings
            positionsBytes[g] = positions
        }
        let shardRanges = ShardPlan(terms: order.map { Array(global.term($0)) },
                                    sizes: order.map { postingsBytes[$0] + global.range($0).count + 8 },
                                    minTarget: termShardTargetBytes, maxShards: maxTermShards) { analyzer.stem($0) }.shards

        // 6. on all cores: each shard's terms and positions files, compressed
        let terms = global, sorted = order, starts = fragmentStarts, pieces = fragments
        let deltas = allDeltas, masks = allMasks, tfs = allTFs, positions = allPositions
        let df = termDF, postingsSizes = postingsBytes, positionsSizes = positionsBytes, ranges = shardRanges
        let docNorms = chunks.flatMap(\.norms)
        let shardAnalyzer = analyzer
        let shardFiles = parallelMap(ranges.count, width: width) { s -> (first: [UInt8], terms: [UInt8], positions: [UInt8]) in
            let range = ranges[s].range
            var w = ByteWriter(), p = ByteWriter()
            w.bytes.reserveCapacity(range.reduce(16) { $0 + postingsSizes[sorted[$1]] + 2 * terms.range(sorted[$1]).count + 16 })
            p.bytes.reserveCapacity(range.reduce(8) { $0 + positionsSizes[sorted[$1]] })
            w.raw(Array("TOMT".utf8)); w.u8(IndexFormat.version)
            w.varint(range.count)
            p.raw(Array("TOMP".utf8)); p.u8(IndexFormat.version)
            var prev: [UInt8] = []
            for i in range {
                let g = sorted[i]
                let term = Array(terms.term(g))
                var shared = 0
                while shared < prev.count && shared < term.count && prev[shared] == term[shared] { shared += 1 }
                w.varint(shared); w.bytesWithLength(Array(term[shared...]))
                let stem = term.first == UInt8(ascii: "~") ? term : shardAnalyzer.stem(term)
                var ss = 0
                while ss < stem.count && ss < term.count && stem[ss] == term[ss] { ss += 1 }
                w.varint(ss); w.bytesWithLength(Array(stem[ss...]))
                w.varint(df[g])
                w.varint(postingsSizes[g])
                w.varint(positionsSizes[g])
                prev = term
            }
            // a term's postings: its fragments' doc deltas (the first of each against the
            // fragment before), then their masks, then their tfs
            for i in range {
                let g = sorted[i]
                let fragments = pieces[starts[g]..<starts[g + 1]]
                var lastDoc = 0
                for f in fragments {
                    w.varint(Int(f.firstDoc) - lastDoc)
                    w.bytes.append(contentsOf: deltas[Int(f.deltas.0)..<Int(f.deltas.1)])
                    lastDoc = Int(f.lastDoc)
                }
                for f in fragments { w.bytes.append(contentsOf: masks[Int(f.masks.0)..<Int(f.masks.1)]) }
                for f in fragments { w.bytes.append(contentsOf: tfs[Int(f.tfs.0)..<Int(f.tfs.1)]) }
                for f in fragments { IndexBuilder.appendNorms(f, deltas: deltas, masks: masks, norms: docNorms, to: &w) }
            }
            for i in range {
                let g = sorted[i]
                for f in pieces[starts[g]..<starts[g + 1]] {
                    p.bytes.append(contentsOf: positions[Int(f.positions.0)..<Int(f.positions.1)])
                }
            }
            return (ranges[s].first, Gzip.compress(w.bytes), Gzip.compress(p.bytes))
        }

        var files: [(String, [UInt8])] = []
        var names = Set<String>()
        func add(_ prefix: String, _ ext: String, _ raw: [UInt8], gzip: Bool = true) -> String {
            add(prefix, ext, stored: ext == "bin" && gzip ? Gzip.compress(raw) : raw)
        }
        func add(_ prefix: String, _ ext: String, stored bytes: [UInt8]) -> String {
            let name = "\(prefix)-\(Checksum.hex(Checksum.fnv64(bytes))).\(ext)"
            if names.insert(name).inserted { files.append((name, bytes)) }
            return name
        }
        var shards: [(first: [UInt8], terms: String, positions: String)] = []
        for s in shardFiles {
            shards.append((s.first, add("t", "bin", stored: s.terms), add("p", "bin", stored: s.positions)))
        }

        // 7. the doc store files, doc meta, norms, facets, analyzer
        var blocks: [(firstDoc: Int, docs: Int, record: [UInt8])] = []
        for (b, record) in zip(rawBlocks, records) { blocks.append((b.firstDoc, b.docs, record)) }
        rawBlocks = []
        docMeta.varint(blocks.count)
        for b in blocks { docMeta.varint(b.docs); docMeta.varint(b.record.count) }
        docMeta.bytesWithLength(dictionary)
        // every store file but the last reaches the target, so there are at most
        // maxDocChunks: the files the term shards left
        var chunkFiles: [(first: Int, name: String)] = []
        let totalStored = blocks.reduce(0) { $0 + $1.record.count }
        let maxDocChunks = max(2, maxFiles - IndexBuilder.fixedFiles - 2 * shards.count)
        let chunkTarget = IndexBuilder.roundTarget(max(docChunkTargetBytes, totalStored / max(1, maxDocChunks - 1) + 1))
        var k = 0
        while k < blocks.count {
            var store: [UInt8] = []
            let first = k
            while k < blocks.count && (k == first || store.count < chunkTarget) {
                store += blocks[k].record
                k += 1
            }
            chunkFiles.append((blocks[first].firstDoc, add("d", "bin", store, gzip: false)))
        }
        let docMetaName = add("m", "bin", docMeta.bytes)
        // Every document's field lengths (quantised). Field-major (every doc's title length, then
        // every heading length, ...): compresses a quarter smaller than doc-major.
        var normsFile = ByteWriter()
        normsFile.raw(Array("TOMN".utf8)); normsFile.u8(IndexFormat.version)
        normsFile.varint(docs.count)
        for f in 0..<IndexFormat.fieldCount {
            for c in chunks {
                var d = f
                while d < c.norms.count { normsFile.u8(c.norms[d]); d += IndexFormat.fieldCount }
            }
        }
        let normsName = add("n", "bin", normsFile.bytes)


        var facets = ByteWriter()
        facets.raw(Array("TOMF".utf8)); facets.u8(IndexFormat.version)
        facets.varint(3)
        for (name, values) in [("book", facetBook), ("tag", facetTag), ("type", facetType)] {
            facets.string(name)
            let keys = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            facets.varint(keys.count)
            for k in keys {
                facets.string(k)
                let pages = values[k] ?? []
                facets.varint(pages.count)
                var prev = 0
                for p in pages { facets.varint(p - prev); prev = p }
            }
        }
        let facetsName = add("f", "bin", facets.bytes)
        let analyzerName = add("a", "json", analyzerJSON())

        // 5. manifest
        var j = JSONWriter()
        j.open("{")
        j.key("format"); j.string(IndexFormat.formatName)
        j.key("version"); j.int(Int(IndexFormat.version))
        j.key("analyzer"); j.string(Analyzer.identifier)
        j.key("docCount"); j.int(docs.count)
        j.key("pageCount"); j.int(pageOrder.count)
        j.key("termCount"); j.int(termCount)
        j.key("fields"); j.open("[")
        for f in 0..<IndexFormat.fieldCount {
            j.open("{")
            j.key("name"); j.string(IndexFormat.fieldNames[f])
            j.key("weight"); j.double(ranking.fieldWeights[f])
            j.key("totalLength"); j.int(totalLengths[f])
            j.close("}")
        }
        j.close("]")
        j.key("ranking"); j.open("{")
        for (k, v) in [("k1", ranking.k1), ("b", ranking.b), ("exact", ranking.exactWeight), ("stem", ranking.stemWeight),
                       ("synonym", ranking.synonymWeight), ("prefix", ranking.prefixWeight), ("typo", ranking.typoWeight),
                       ("proximity", ranking.proximity), ("coverage", ranking.coverage)] {
            j.key(k); j.double(v)
        }
        j.key("tiers"); j.raw(ranking.tiers ? "true" : "false")
        j.close("}")
        func fileEntry(_ name: String) {
            let bytes = files.first { $0.0 == name }?.1 ?? []
            j.open("{")
            j.key("name"); j.string(name)
            j.key("bytes"); j.int(bytes.count)
            j.key("crc32"); j.int(Int(Checksum.crc32(bytes)))
            j.close("}")
        }
        j.key("analyzerFile"); fileEntry(analyzerName)
        j.key("docMeta"); fileEntry(docMetaName)
        j.key("norms"); fileEntry(normsName)
        j.key("facets"); fileEntry(facetsName)
        j.key("shards"); j.open("[")
        for s in shards {
            j.open("{")
            j.key("first"); j.string(hexBytes(s.first))
            j.key("terms"); fileEntry(s.terms)
            j.key("positions"); fileEntry(s.positions)
            j.close("}")
        }
        j.close("]")
        j.key("docChunks"); j.open("[")
        for c in chunkFiles {
            j.open("{")
            j.key("firstDoc"); j.int(c.first)
            j.key("file"); fileEntry(c.name)
            j.close("}")
        }
        j.close("]")
        j.close("}")
        files.append((IndexFormat.manifestName, Array((j.text + "\n").utf8)))
        files.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        return IndexFiles(files: files.map { (name: $0.0, bytes: $0.1) })
    }

    /// Analyzer data shipped with the index so the browser engine folds, stops and
    /// expands synonyms exactly as the index was built.
    func analyzerJSON() -> [UInt8] {
        var j = JSONWriter()
        j.open("{")
        j.key("id"); j.string(Analyzer.identifier)
        j.key("connectors"); j.string(".-@_")
        j.key("maxTokenBytes"); j.int(Analyzer.maxTokenBytes)
        j.key("stopWords"); j.open("[")
        for w in StopWords.english.sorted() { j.string(w) }
        j.close("]")
        j.key("synonyms"); j.open("[")
        for g in synonyms {
            j.open("[")
            for m in g { j.string(m) }
            j.close("]")
        }
        j.close("]")
        j.key("fold"); j.open("[")
        for k in Folding.table.keys.sorted() {
            j.open("[")
            j.int(Int(k)); j.string(String(decoding: Folding.table[k] ?? [], as: UTF8.self))
            j.close("]")
        }
        j.close("]")
        j.close("}")
        return Array((j.text + "\n").utf8)
    }

    /// The doc store's preset deflate dictionary: the first bytes of 16 pages spread
    /// evenly through the site (what most pages share: URL and title patterns, book
    /// names, boilerplate headings and sentences), a 32nd of the store up to 32 KB.
    /// On the C++ corpus it makes the per-block records 14% smaller (5.5 MB instead of 6.4).
    static func storeDictionary(_ pages: [[UInt8]]) -> [UInt8] {
        let size = min(32 * 1024, pages.reduce(0) { $0 + $1.count } / 32), samples = 16
        guard !pages.isEmpty, size > 0 else { return [] }
        var out: [UInt8] = []
        for i in 0..<samples { out += pages[i * pages.count / samples].prefix(size / samples) }
        return out
    }

    /// A fragment's norm run: per posting, per field in its mask (ascending), the doc's
    /// norm byte (`norms`: five per doc, doc-major). Its doc ids are read back from its
    /// deltas, which hold every posting's but the first (that one is `firstDoc`).
    static func appendNorms(_ f: Fragment, deltas: [UInt8], masks: [UInt8], norms: [UInt8], to w: inout ByteWriter) {
        var doc = Int(f.firstDoc), at = Int(f.deltas.0)
        for k in Int(f.masks.0)..<Int(f.masks.1) {
            if k > Int(f.masks.0) {
                var delta = 0, shift = 0
                while true {
                    let b = deltas[at]
                    at += 1
                    delta |= Int(b & 0x7F) << shift
                    if b & 0x80 == 0 { break }
                    shift += 7
                }
                doc += delta
            }
            let mask = masks[k]
            for field in 0..<IndexFormat.fieldCount where mask & (1 << UInt8(field)) != 0 {
                w.u8(norms[doc * IndexFormat.fieldCount + field])
            }
        }
    }

    /// A page's doc store entry, as its header (URL, title, book, book title, type, tags)
    /// and its sections' bytes; `whole` is the entry of every section.
    struct PageRecord {
        var header: [UInt8]
        var sections: [[UInt8]]
        var whole: [UInt8] { entry(0..<sections.count) }
        /// The header, then the sections in `range` (counted).
        func entry(_ range: Range<Int>) -> [UInt8] {
            var w = ByteWriter()
            w.raw(header)
            w.varint(range.count)
            for s in sections[range] { w.raw(s) }
            return w.bytes
        }
    }

    static func pageRecord(_ sections: [SearchDocument], _ maxText: Int) -> PageRecord {
        let head = sections[0]
        var header = ByteWriter()
        header.string(head.pageURL); header.string(head.pageTitle)
        header.string(head.book); header.string(head.bookTitle); header.string(head.type)
        header.varint(head.tags.count)
        for t in head.tags { header.string(t) }
        return PageRecord(header: header.bytes, sections: sections.map { s in
            var w = ByteWriter()
            // the section's URL: flag 1 and the rest after the page's URL, or 0 and the whole
            let underPage = s.url.utf8.starts(with: head.pageURL.utf8)
            w.u8(underPage ? 1 : 0)
            w.bytesWithLength(Array(s.url.utf8.dropFirst(underPage ? head.pageURL.utf8.count : 0)))
            w.string(s.heading)
            w.varint(s.headingPath.count)
            for h in s.headingPath { w.string(h) }
            w.string(IndexBuilder.cut(s.text, maxText))
            return w.bytes
        })
    }

    /// A page's doc store entries: the whole page if it holds at most `target` bytes, else
    /// runs of its sections, each with the header, cut once an entry reaches `target` (so
    /// a result on a large page fetches the record of its part, not of the whole page).
    static func pieces(_ page: PageRecord, target: Int) -> [(first: Int, bytes: [UInt8])] {
        let whole = page.whole
        guard whole.count > target else { return [(0, whole)] }
        var out: [(first: Int, bytes: [UInt8])] = []
        var first = 0, size = page.header.count
        for k in page.sections.indices {
            size += page.sections[k].count
            if size >= target || k == page.sections.count - 1 {
                out.append((first, page.entry(first..<(k + 1))))
                first = k + 1
                size = page.header.count
            }
        }
        return out
    }

    /// `n` rounded up to 8...15 × a power of two, so that a small edit does not move
    /// the target (and with it every cut after the edit).
    static func roundTarget(_ n: Int) -> Int {
        var m = max(n, 1), shift = 0
        while m > 15 { m = (m + 1) / 2; shift += 1 }
        return max(m, 8) << shift
    }

    /// The first `max` bytes of `text`, cut back to a word boundary.
    static func cut(_ text: String, _ max: Int) -> String {
        if text.utf8.count <= max { return text }
        var text = text
        return text.withUTF8 { u in
            var end = max
            while end > 0 && (u[end] & 0xC0) == 0x80 { end -= 1 }
            var e = end
            while e > max / 2 && u[e] != 0x20 { e -= 1 }
            if u[e] == 0x20 { end = e }
            return String(decoding: UnsafeBufferPointer(rebasing: u[0..<end]), as: UTF8.self)
        }
    }
}

/// A tiny deterministic JSON writer (compact, keys in the order written).
struct JSONWriter {
    var text = ""
    var needComma = [false]
    var pendingKey = false

    mutating func sep() {
        if needComma[needComma.count - 1] { text += "," }
        needComma[needComma.count - 1] = true
    }
    mutating func valueStart() {
        if pendingKey { pendingKey = false } else { sep() }
    }
    mutating func open(_ c: String) { valueStart(); text += c; needComma.append(false) }
    mutating func close(_ c: String) { needComma.removeLast(); text += c }
    mutating func key(_ k: String) { sep(); text += JSONWriter.quote(k) + ":"; pendingKey = true }
    mutating func value(_ v: String) { valueStart(); text += v }
    mutating func string(_ s: String) { value(JSONWriter.quote(s)) }
    mutating func int(_ i: Int) { value(String(i)) }
    mutating func double(_ d: Double) { value(d.isFinite ? "\(d)" : "0") }
    mutating func raw(_ s: String) { value(s) }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// What an index build can take from the one before it in the same process (`tome
/// serve` rebuilding on every save): the postings of each run of pages whose field texts
/// (and the synonyms) are the same, and the deflated doc store record of each block
/// whose bytes and dictionary are the same. Runs are matched by a 64-bit digest of
/// their texts (as the build's step keys), records by their bytes. Each build's runs and
/// records replace the last build's.
public final class IndexMemory: @unchecked Sendable {
    // @unchecked: every stored property is touched only under `lock`.
    private let lock = NSLock()
    private var runs: [UInt64: IndexBuilder.ChunkPostings] = [:]
    private var dictionary: [UInt8]?
    private var records: [UInt64: (block: [UInt8], record: [UInt8])] = [:]
    private var reused = (runs: 0, records: 0)

    public init() {}

    /// Runs and records the last build took from memory.
    public var reusedInLastBuild: (runs: Int, records: Int) {
        lock.lock(); defer { lock.unlock() }
        return reused
    }

    func run(_ key: UInt64) -> IndexBuilder.ChunkPostings? {
        lock.lock(); defer { lock.unlock() }
        guard let run = runs[key] else { return nil }
        reused.runs += 1
        return run
    }

    func hasDictionary(_ d: [UInt8]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return dictionary == d
    }

    func record(_ key: UInt64, block: [UInt8]) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard let kept = records[key], kept.block == block else { return nil }
        reused.records += 1
        return kept.record
    }

    func remember(runs: [UInt64: IndexBuilder.ChunkPostings], dictionary: [UInt8], records: [UInt64: (block: [UInt8], record: [UInt8])]) {
        lock.lock(); defer { lock.unlock() }
        self.runs = runs
        self.dictionary = dictionary
        self.records = records
    }

    func startBuild() {
        lock.lock(); defer { lock.unlock() }
        reused = (0, 0)
    }

    static func digest(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBufferPointer { (TermTable.hash($0) ^ seed) &* 0x9E37_79B9_7F4A_7C15 }
    }

    static func digest(_ texts: [String], seed: UInt64 = 0) -> UInt64 {
        var h = seed ^ UInt64(texts.count)
        for var t in texts {
            h = t.withUTF8 { (TermTable.hash($0) ^ h) &* 0x9E37_79B9_7F4A_7C15 }
            h ^= h >> 31
        }
        return h
    }
}

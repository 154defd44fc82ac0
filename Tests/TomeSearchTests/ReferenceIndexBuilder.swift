@testable import TomeSearch

// The index builder as it was before the parallel, flat-array version (commit 42b252a):
// one document at a time, a Swift dictionary of term arrays, a byte writer per term.
// Kept as the reference the current builder must match byte for byte.
extension IndexBuilder {
    struct ReferenceTermData {
        /// The postings in three runs, written one after the other (columns compress
        /// better than interleaved records): doc deltas, field masks, tfs.
        var deltas = ByteWriter()
        var masks: [UInt8] = []
        var tfs = ByteWriter()
        /// A norm byte per tf: the doc's quantised length of that field.
        var norms: [UInt8] = []
        var positions = ByteWriter()
        var postingsCount: Int { deltas.bytes.count + masks.count + tfs.bytes.count + norms.count }
        var df = 0
        var lastDoc = 0
    }

    /// Analyzed fields of one section: per field the tokens to index and the length.
    func referenceAnalyzeFields(_ d: SearchDocument, synonymTable: SynonymTable) -> [([Token], Int)] {
        let texts: [String] = [
            d.pageTitle,
            d.heading,
            ([d.bookTitle] + d.headingPath).filter { !$0.isEmpty }.joined(separator: " \u{203A} "),
            d.tags.joined(separator: ", "),
            d.text,
        ]
        return texts.map { text in
            var toks = analyzer.tokens(text, keepStopWords: false, stems: !synonymTable.byFirstStem.isEmpty)
            let length = toks.reduce(0) { $0 + ($1.kind == .whole ? 0 : 1) }
            for m in synonymTable.matches(in: toks) {
                let first = toks[m.index]
                let t = SynonymTable.groupTerm(m.group)
                toks.append(Token(term: t, stem: t, position: first.position, start: first.start,
                                  end: toks[m.index + m.count - 1].end, kind: .whole, isStopWord: false))
            }
            return (toks, length)
        }
    }

    func referenceBuild(_ input: [SearchDocument]) -> IndexFiles {
        let synonymTable = SynonymTable(synonyms, analyzer: analyzer)
        // 1. group sections by page, pages in order of first appearance
        var pageOrder: [String] = []
        var pageSections: [String: [SearchDocument]] = [:]
        for d in input {
            if pageSections[d.pageURL] == nil { pageOrder.append(d.pageURL) }
            pageSections[d.pageURL, default: []].append(d)
        }
        let docs = pageOrder.flatMap { pageSections[$0] ?? [] }

        // 2. invert
        var termIDs: [[UInt8]: Int] = [:]
        var termBytes: [[UInt8]] = []
        var terms: [ReferenceTermData] = []
        var totalLengths = [Int](repeating: 0, count: IndexFormat.fieldCount)
        var docNorms: [UInt8] = []
        docNorms.reserveCapacity(docs.count * IndexFormat.fieldCount)
        // Per document: every occurrence packed as term id (high 32 bits), field (8 bits)
        // and position (24 bits), sorted, so each term's fields and positions come out
        // in order without per-term arrays.
        var occurrences: [UInt64] = []
        for (docID, fields) in docs.enumerated().map({ ($0.offset, referenceAnalyzeFields($0.element, synonymTable: synonymTable)) }) {
            occurrences.removeAll(keepingCapacity: true)
            var norms = [UInt8](repeating: 0, count: IndexFormat.fieldCount)
            for (f, (toks, length)) in fields.enumerated() {
                totalLengths[f] += length
                norms[f] = FieldNorm.encode(length)
                for t in toks {
                    let tid: Int
                    if let x = termIDs[t.term] { tid = x } else {
                        tid = terms.count
                        termIDs[t.term] = tid
                        termBytes.append(t.term)
                        terms.append(ReferenceTermData())
                    }
                    occurrences.append(UInt64(tid) << 32 | UInt64(f) << 24 | UInt64(min(t.position, 0xFF_FFFF)))
                }
            }
            occurrences.sort()
            var k = 0
            while k < occurrences.count {
                let tid = Int(occurrences[k] >> 32)
                var j = k
                var mask: UInt8 = 0
                while j < occurrences.count && Int(occurrences[j] >> 32) == tid {
                    mask |= 1 << UInt8((occurrences[j] >> 24) & 0xFF)
                    j += 1
                }
                terms[tid].deltas.varint(docID - terms[tid].lastDoc)
                terms[tid].masks.append(mask)
                var a = k
                while a < j {
                    let f = (occurrences[a] >> 24) & 0xFF
                    var b = a
                    var prev = 0
                    while b < j && (occurrences[b] >> 24) & 0xFF == f {
                        let p = Int(occurrences[b] & 0xFF_FFFF)
                        terms[tid].positions.varint(p - prev)
                        prev = p
                        b += 1
                    }
                    terms[tid].tfs.varint(b - a)
                    terms[tid].norms.append(norms[Int(f)])
                    a = b
                }
                terms[tid].lastDoc = docID
                terms[tid].df += 1
                k = j
            }
            docNorms.append(contentsOf: norms)
        }

        var files: [(String, [UInt8])] = []
        func add(_ prefix: String, _ ext: String, _ raw: [UInt8], gzip: Bool = true) -> String {
            let bytes = ext == "bin" && gzip ? Gzip.compress(raw) : raw
            let name = "\(prefix)-\(Checksum.hex(Checksum.fnv64(bytes))).\(ext)"
            if !files.contains(where: { $0.0 == name }) { files.append((name, bytes)) }
            return name
        }

        // 3. term shards
        let order = (0..<termBytes.count).sorted { termBytes[$0].lexicographicallyPrecedes(termBytes[$1]) }
        var shards: [(first: [UInt8], terms: String, positions: String)] = []
        func emitShard(_ range: Range<Int>, first: [UInt8]) {
            var w = ByteWriter()
            w.raw(Array("TOMT".utf8)); w.u8(IndexFormat.version)
            w.varint(range.count)
            var p = ByteWriter()
            p.raw(Array("TOMP".utf8)); p.u8(IndexFormat.version)
            var prev: [UInt8] = []
            for i in range {
                let tid = order[i]
                let term = termBytes[tid]
                var shared = 0
                while shared < prev.count && shared < term.count && prev[shared] == term[shared] { shared += 1 }
                w.varint(shared); w.bytesWithLength(Array(term[shared...]))
                let stem = term.first == UInt8(ascii: "~") ? term : analyzer.stem(term)
                var ss = 0
                while ss < stem.count && ss < term.count && stem[ss] == term[ss] { ss += 1 }
                w.varint(ss); w.bytesWithLength(Array(stem[ss...]))
                w.varint(terms[tid].df)
                w.varint(terms[tid].postingsCount)
                w.varint(terms[tid].positions.bytes.count)
                prev = term
            }
            for i in range {
                let t = terms[order[i]]
                w.raw(t.deltas.bytes); w.raw(t.masks); w.raw(t.tfs.bytes); w.raw(t.norms)
            }
            for i in range { p.raw(terms[order[i]].positions.bytes) }
            shards.append((first, add("t", "bin", w.bytes), add("p", "bin", p.bytes)))
        }
        let plan = ShardPlan(terms: order.map { termBytes[$0] },
                             sizes: order.map { terms[$0].postingsCount + termBytes[$0].count + 8 },
                             minTarget: termShardTargetBytes, maxShards: maxTermShards) { analyzer.stem($0) }
        for s in plan.shards { emitShard(s.range, first: s.first) }

        // 4. doc store (whole pages in blocks, blocks in store files), doc meta, facets
        var chunks: [(first: Int, name: String)] = []
        var docMeta = ByteWriter()
        docMeta.raw(Array("TOMM".utf8)); docMeta.u8(IndexFormat.version)
        docMeta.varint(docs.count); docMeta.varint(pageOrder.count)
        var boosts: [(Int, Double)] = []
        var docID = 0
        var facetBook: [String: [Int]] = [:], facetTag: [String: [Int]] = [:], facetType: [String: [Int]] = [:]
        // each page's record first, then the blocks and the store files' cuts
        var pageRecords: [(firstDoc: Int, bytes: [UInt8])] = []
        var wholePages: [[UInt8]] = []
        for (pi, url) in pageOrder.enumerated() {
            let sections = pageSections[url] ?? []
            guard let head = sections.first else { continue }
            docMeta.varint(sections.count)
            let record = IndexBuilder.pageRecord(sections, maxStoredTextBytes)
            wholePages.append(record.whole)
            for piece in IndexBuilder.pieces(record, target: docBlockTargetBytes) { pageRecords.append((docID + piece.first, piece.bytes)) }
            for s in sections {
                if s.boost != 1 { boosts.append((docID, s.boost)) }
                docID += 1
            }
            if !head.book.isEmpty { facetBook[analyzer.fold(head.book), default: []].append(pi) }
            for t in Set(head.tags.map { analyzer.fold($0) }) where !t.isEmpty { facetTag[t, default: []].append(pi) }
            if !head.type.isEmpty { facetType[analyzer.fold(head.type), default: []].append(pi) }
        }
        docMeta.varint(boosts.count)
        for (d, b) in boosts { docMeta.varint(d); docMeta.f64(b) }
        let dictionary = IndexBuilder.storeDictionary(wholePages)
        var blocks: [(firstDoc: Int, docs: Int, record: [UInt8])] = []
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
            let end = p < pageRecords.count ? pageRecords[p].firstDoc : docID
            blocks.append((pageRecords[first].firstDoc, end - pageRecords[first].firstDoc,
                           Gzip.deflateRecord(block.bytes, dictionary: dictionary)))
        }
        docMeta.varint(blocks.count)
        for b in blocks { docMeta.varint(b.docs); docMeta.varint(b.record.count) }
        docMeta.bytesWithLength(dictionary)
        // every store file but the last reaches the target, so there are at most
        // maxDocChunks: the files the term shards left
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
            chunks.append((blocks[first].firstDoc, add("d", "bin", store, gzip: false)))
        }
        let docMetaName = add("m", "bin", docMeta.bytes)
        // Every document's field lengths (quantised). Field-major (every doc's title length, then
        // every heading length, ...): compresses a quarter smaller than doc-major.
        var normsFile = ByteWriter()
        normsFile.raw(Array("TOMN".utf8)); normsFile.u8(IndexFormat.version)
        normsFile.varint(docs.count)
        for f in 0..<IndexFormat.fieldCount {
            for d in 0..<docs.count { normsFile.u8(docNorms[d * IndexFormat.fieldCount + f]) }
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
        j.key("termCount"); j.int(termBytes.count)
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
        for c in chunks {
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
}

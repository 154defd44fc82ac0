// libFuzzer target: the query parser and engine over a small fixed index
// (parse, match exact/prefix/typo/phrase, BM25F, snippets, explain).
// Compiled into the TomeSearch module by Tests/Fuzz/build.sh.

// nonisolated(unsafe): libFuzzer calls the target from one thread only.
nonisolated(unsafe) private let fuzzIndex: SearchIndex = {
    let docs = FuzzCorpus.documents
    return try! SearchIndex(files: IndexBuilder(synonyms: [["lpr", "licence plate recognition"], ["after hours", "out of hours"]]).build(docs))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) }.map(Array.init) ?? []
    let query = String(decoding: bytes, as: UTF8.self)
    _ = QueryParser.parse(query)
    let explain = bytes.first.map { $0 & 1 == 1 } ?? false
    let results = try! fuzzIndex.search(query, options: SearchOptions(limit: 5, explain: explain))
    for page in results.pages {
        for hit in page.sections {
            // Highlights must fall inside the snippet text.
            for range in hit.snippet.highlights { precondition(range.lowerBound >= 0 && range.upperBound <= hit.snippet.text.utf8.count) }
        }
    }
    return 0
}

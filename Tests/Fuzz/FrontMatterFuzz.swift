// libFuzzer target: the front matter parser (FrontMatterSplit + PageMetadata.parse,
// which runs YAMLReader over Yams with its value and depth limits) and SourceText.
// Compiled into the TomeSite module by Tests/Fuzz/build.sh.
import TomeCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text: String
    switch SourceText.decode(bytes) {
    case .success(let t): text = t
    case .failure: return 0
    }
    switch FrontMatterSplit.split(text) {
    case .success(let split):
        if let yaml = split.yaml {
            var diagnostics: [Diagnostic] = []
            let meta = PageMetadata.parse(yaml: yaml, file: "fuzz.md", diagnostics: &diagnostics)
            precondition(diagnostics.allSatisfy { $0.location?.file == "fuzz.md" })
            _ = meta.title
        }
        // site.yml and synonyms.yml go through the same reader.
        var problems: [Diagnostic] = []
        _ = SiteConfiguration.parse(yaml: split.yaml ?? split.body, file: "site.yml", diagnostics: &problems)
    case .failure:
        break
    }
    return 0
}

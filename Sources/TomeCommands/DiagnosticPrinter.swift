import TomeCore

/// Prints diagnostics like a compiler, sorted, and keeps a real corpus's thousands of
/// broken links from becoming a wall of text: after `limitPerID` of one kind, the
/// rest are counted in a summary line.
struct DiagnosticPrinter {
    var limitPerID = 20

    func lines(for diagnostics: Diagnostics) -> [String] {
        var lines: [String] = []
        var shown: [String: Int] = [:]
        var hidden: [String: Int] = [:]
        for diagnostic in diagnostics.sorted {
            let count = shown[diagnostic.id, default: 0]
            if count < limitPerID || diagnostic.severity == .error && count < limitPerID * 5 {
                lines.append(diagnostic.rendered)
                shown[diagnostic.id] = count + 1
            } else {
                hidden[diagnostic.id, default: 0] += 1
            }
        }
        for id in hidden.keys.sorted() {
            lines.append("… and \(hidden[id]!) more [\(id)] (use --all-diagnostics to see every one)")
        }
        return lines
    }
}

/// English stop words: dropped from documents and queries (they still take a position,
/// so phrases keep their shape). A short list in the spirit of Lucene's classic English
/// set, extended with a few pronouns and auxiliaries; words that carry meaning in a help
/// centre ("after", "before", "up", "off", "not") are deliberately kept searchable.
public enum StopWords {
    public static let english: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do",
        "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
        "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so",
        "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "to", "us", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "why", "will", "with", "would", "you", "your",
    ]
    /// Whether folded bytes are a stop word, without hashing or allocating: the words
    /// bucketed by length and first byte, compared byte by byte.
    static func contains(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = term.count
        guard n > 0, n <= maxLength, term[0] >= 97, term[0] <= 122 else { return false }
        for w in buckets[(n - 1) * 26 + Int(term[0] - 97)] where w.elementsEqual(term) { return true }
        return false
    }

    private static let maxLength = english.map(\.utf8.count).max() ?? 0
    private static let buckets: [[[UInt8]]] = {
        var b = [[[UInt8]]](repeating: [], count: maxLength * 26)
        for w in english { let u = Array(w.utf8); b[(u.count - 1) * 26 + Int(u[0] - 97)].append(u) }
        return b
    }()
}

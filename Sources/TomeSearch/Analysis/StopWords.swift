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
    static let set: Set<[UInt8]> = Set(english.map { Array($0.utf8) })
}

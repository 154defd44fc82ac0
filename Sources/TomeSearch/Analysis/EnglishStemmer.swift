/// The Snowball English stemmer ("Porter2"), as published by the Snowball project
/// (algorithm revision of Snowball 3.x), reimplemented over UTF-8 bytes.
///
/// The algorithm, in order:
///
/// 1. Whole-word exceptions (`skies`→`sky`, `only`→`onli`, `news` stays, …).
/// 2. Words of fewer than three characters are returned unchanged.
/// 3. Prelude: drop one leading apostrophe; mark a consonant `y` (initial, or after a
///    vowel) as `Y` so that it no longer counts as a vowel.
/// 4. Regions: R1 starts after the first non-vowel that follows a vowel (or after a
///    fixed prefix such as `gener`), R2 after the next such non-vowel inside R1.
/// 5. Steps 1a (plurals, `'s`), 1b (`ed`, `ing`, `eed`, …), 1c (`y`→`i`), 2, 3 and 4
///    (derivational suffixes inside R1/R2) and 5 (final `e` and `ll`).
/// 6. Postlude: turn the `Y` marks back into `y`.
///
/// Everything works on a contiguous byte buffer. Letters of the algorithm are ASCII;
/// any other scalar is a non-vowel. Positions that the algorithm counts in characters
/// (the three-character minimum, "preceded by more than one letter", "the first
/// letter of the word", stepping back over one non-vowel) count Unicode scalars, so
/// results equal the reference implementation's for every UTF-8 word.
public enum EnglishStemmer {
    /// Stems one lower-cased word. Returns the word unchanged when it has fewer than
    /// three characters, or when no rule of the algorithm applies.
    public static func stem(_ word: String) -> String {
        let bytes = Array(word.utf8)
        let stemmed = stem(utf8: bytes)
        return stemmed == bytes ? word : String(decoding: stemmed, as: UTF8.self)
    }

    /// Fast path used by the analyzer's hot loop: stems the UTF-8 bytes of one
    /// lower-cased word and returns the stem's bytes.
    public static func stem(utf8 word: [UInt8]) -> [UInt8] {
        if let exception = wholeWordException(word) { return exception }
        guard hasAtLeastThreeCharacters(word) else { return word }
        var stemmed = Word(word)
        stemmed.run()
        return stemmed.bytes
    }

    // MARK: Whole-word exceptions

    /// A word the algorithm would get wrong, mapped before anything else is done.
    private struct Exception: Sendable {
        var word: StaticString
        /// The word's stem; nil means "leave the word as it is".
        var stem: StaticString?
    }

    private static let exceptions: [Exception] = [
        // Special changes.
        Exception(word: "skies", stem: "sky"), Exception(word: "skis", stem: "ski"),
        // Short words whose `ly` is not a suffix.
        Exception(word: "idly", stem: "idl"), Exception(word: "gently", stem: "gentl"),
        Exception(word: "ugly", stem: "ugli"), Exception(word: "early", stem: "earli"),
        Exception(word: "only", stem: "onli"), Exception(word: "singly", stem: "singl"),
        // Invariant forms (not plurals, not inflections).
        Exception(word: "sky"), Exception(word: "news"), Exception(word: "howe"),
        Exception(word: "atlas"), Exception(word: "cosmos"), Exception(word: "bias"),
        Exception(word: "andes"),
    ]

    private static func wholeWordException(_ word: [UInt8]) -> [UInt8]? {
        // Every exception is 3 to 6 ASCII letters long.
        guard word.count >= 3 && word.count <= 6 else { return nil }
        var index = 0
        while index < exceptions.count {
            let exception = exceptions[index]
            if equals(word, exception.word) {
                guard let stem = exception.stem else { return word }
                return [UInt8](UnsafeBufferPointer(start: stem.utf8Start, count: stem.utf8CodeUnitCount))
            }
            index += 1
        }
        return nil
    }

    private static func equals(_ bytes: [UInt8], _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = text.utf8Start
        var i = 0
        while i < count {
            if bytes[i] != start[i] { return false }
            i += 1
        }
        return true
    }

    /// True when `word` has three or more Unicode scalars (UTF-8 lead bytes).
    private static func hasAtLeastThreeCharacters(_ word: [UInt8]) -> Bool {
        guard word.count >= 3 else { return false }
        var characters = 0
        for byte in word where !isContinuation(byte) {
            characters += 1
            if characters == 3 { return true }
        }
        return false
    }
}

extension EnglishStemmer {
    // MARK: - Letter classes

    /// `a e i o u y`; the marked consonant `Y` and every non-ASCII byte are non-vowels.
    @inline(__always) fileprivate static func isVowel(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"),
             UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "y"):
            return true
        default:
            return false
        }
    }

    /// A UTF-8 continuation byte (`10xxxxxx`): never the first byte of a character.
    @inline(__always) fileprivate static func isContinuation(_ byte: UInt8) -> Bool {
        byte & 0xC0 == 0x80
    }

    /// The letters that may precede a removable `li` (Step 2).
    @inline(__always) fileprivate static func isValidLiEnding(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "c"), UInt8(ascii: "d"), UInt8(ascii: "e"), UInt8(ascii: "g"),
             UInt8(ascii: "h"), UInt8(ascii: "k"), UInt8(ascii: "m"), UInt8(ascii: "n"),
             UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    /// The doubles that Step 1b undoubles (`hopp` → `hop`).
    @inline(__always) fileprivate static func isUndoublable(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "b"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "g"),
             UInt8(ascii: "m"), UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "r"),
             UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    fileprivate static let apostrophe = UInt8(ascii: "'")
    fileprivate static let lowerY = UInt8(ascii: "y")
    fileprivate static let markedY = UInt8(ascii: "Y")

    // MARK: - Suffix rules

    /// One suffix of a "search for the longest among the following suffixes" table.
    fileprivate struct SuffixRule: Sendable {
        /// What must hold, besides the step's region test, for the rule to fire.
        enum Condition: Sendable {
            case none
            /// Step 2 `ogi`: the suffix follows an `l`.
            case precededByL
            /// Step 2 `li`: the suffix follows a valid `li`-ending.
            case precededByValidLiEnding
            /// Step 3 `ative`: the suffix lies in R2 (the step itself only asks for R1).
            case inR2
            /// Step 4 `ion`: the suffix follows an `s` or a `t`.
            case precededBySOrT
        }

        var suffix: StaticString
        /// The suffix's last byte: a cheap first test before comparing the whole suffix.
        var lastByte: UInt8
        var replacement: StaticString
        var condition: Condition = .none

        init(_ suffix: StaticString, _ replacement: StaticString, _ condition: Condition = .none) {
            self.suffix = suffix
            self.lastByte = suffix.utf8Start[suffix.utf8CodeUnitCount - 1]
            self.replacement = replacement
            self.condition = condition
        }
    }

    /// Step 2 rules, applied in R1. Ordered longest suffix first, so the first rule whose
    /// suffix matches is the longest match.
    fileprivate static let step2Rules: [SuffixRule] = [
        SuffixRule("ization", "ize"), SuffixRule("ational", "ate"), SuffixRule("fulness", "ful"),
        SuffixRule("ousness", "ous"), SuffixRule("iveness", "ive"),
        SuffixRule("tional", "tion"), SuffixRule("biliti", "ble"), SuffixRule("lessli", "less"),
        SuffixRule("entli", "ent"), SuffixRule("ation", "ate"), SuffixRule("alism", "al"),
        SuffixRule("aliti", "al"), SuffixRule("ousli", "ous"), SuffixRule("iviti", "ive"),
        SuffixRule("fulli", "ful"), SuffixRule("ogist", "og"),
        SuffixRule("enci", "ence"), SuffixRule("anci", "ance"), SuffixRule("abli", "able"),
        SuffixRule("izer", "ize"), SuffixRule("ator", "ate"), SuffixRule("alli", "al"),
        SuffixRule("bli", "ble"), SuffixRule("ogi", "og", .precededByL),
        SuffixRule("li", "", .precededByValidLiEnding),
    ]

    /// Step 3 rules, applied in R1; longest first.
    fileprivate static let step3Rules: [SuffixRule] = [
        SuffixRule("ational", "ate"),
        SuffixRule("tional", "tion"),
        SuffixRule("alize", "al"), SuffixRule("icate", "ic"), SuffixRule("iciti", "ic"),
        SuffixRule("ative", "", .inR2),
        SuffixRule("ical", "ic"), SuffixRule("ness", ""),
        SuffixRule("ful", ""),
    ]

    /// Step 4 rules, applied in R2; longest first. Every one deletes its suffix.
    fileprivate static let step4Rules: [SuffixRule] = [
        SuffixRule("ement", ""),
        SuffixRule("ance", ""), SuffixRule("ence", ""), SuffixRule("able", ""),
        SuffixRule("ible", ""), SuffixRule("ment", ""),
        SuffixRule("ant", ""), SuffixRule("ent", ""), SuffixRule("ism", ""), SuffixRule("ate", ""),
        SuffixRule("iti", ""), SuffixRule("ous", ""), SuffixRule("ive", ""), SuffixRule("ize", ""),
        SuffixRule("ion", "", .precededBySOrT),
        SuffixRule("al", ""), SuffixRule("er", ""), SuffixRule("ic", ""),
    ]

    /// Prefixes after which R1 starts, overriding the usual rule, so that `generous`
    /// does not stem like `generate`, `universe` like `university`, nor `organize`
    /// like `organ`. `emerg`, `organ` and `inter` are the Snowball 3.x additions.
    fileprivate static let r1Prefixes: [StaticString] = [
        "arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers",
    ]

    /// How Step 1b treats a suffix.
    fileprivate enum Step1bKind: Sendable {
        /// `eed`, `eedly`: become `ee` in R1.
        case eed
        /// `ing` alone: subject to the `dying` and `inning` exceptions, then like `.other`.
        case ing
        /// `ed`, `edly`, `ingly`: removed after a vowel, and the stem tidied.
        case other
    }

    /// The Step 1b suffix a word ends with, longest first; nil when none.
    fileprivate static func step1bSuffix(of word: Word) -> (length: Int, kind: Step1bKind)? {
        if word.endsWith("eedly") { return (5, .eed) }
        if word.endsWith("ingly") { return (5, .other) }
        if word.endsWith("edly") { return (4, .other) }
        if word.endsWith("eed") { return (3, .eed) }
        if word.endsWith("ing") { return (3, .ing) }
        if word.endsWith("ed") { return (2, .other) }
        return nil
    }

    /// Stems before `ing` that are words in their own right (`inning`, `evening`).
    fileprivate static let ingExceptions: [StaticString] = ["inn", "out", "cann", "herr", "earr", "even"]

    /// Stems before `eed`/`eedly` whose `eed` is not a suffix (`proceed`, `succeed`).
    fileprivate static let eedExceptions: [StaticString] = ["proc", "exc", "succ"]

    // MARK: - The algorithm

    /// One word being stemmed: its bytes and the start of its regions R1 and R2.
    fileprivate struct Word {
        var bytes: [UInt8]
        /// Byte offset where R1 starts; `bytes.count` when R1 is empty. Fixed once marked:
        /// later steps shorten the word but never move the regions.
        var r1 = 0
        /// Byte offset where R2 starts.
        var r2 = 0
        /// Whether the prelude marked any `y` as `Y` (only then does the postlude unmark).
        var markedAnyY = false

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func run() {
            prelude()
            markRegions()
            step1a()
            step1b()
            step1c()
            step2()
            step3()
            step4()
            step5()
            postlude()
        }

        // MARK: Prelude, regions, postlude

        /// Removes one leading apostrophe, then marks `y` as the consonant `Y` where it
        /// starts the word or follows a vowel. Left to right, so in `ayy` only the first
        /// `y` follows a vowel.
        mutating func prelude() {
            if bytes.first == apostrophe { bytes.removeFirst() }
            for i in bytes.indices where bytes[i] == lowerY && (i == 0 || isVowel(bytes[i - 1])) {
                bytes[i] = markedY
                markedAnyY = true
            }
        }

        /// R1: after the first non-vowel following a vowel (or after a listed prefix);
        /// R2: the same rule applied again from the start of R1.
        mutating func markRegions() {
            let end = bytes.count
            r1 = end
            r2 = end
            if let prefixLength = r1PrefixLength() {
                r1 = prefixLength
            } else {
                guard let start = regionStart(searchingFrom: 0) else { return }
                r1 = start
            }
            r2 = regionStart(searchingFrom: r1) ?? end
        }

        /// The length of the listed R1 prefix the word starts with; nil when none.
        func r1PrefixLength() -> Int? {
            var index = 0
            while index < r1Prefixes.count {
                if hasPrefix(r1Prefixes[index]) { return r1Prefixes[index].utf8CodeUnitCount }
                index += 1
            }
            return nil
        }

        /// The offset just past the first non-vowel that follows a vowel, searching from
        /// `from`; nil when there is none.
        func regionStart(searchingFrom from: Int) -> Int? {
            var i = from
            while i < bytes.count, !isVowel(bytes[i]) { i += 1 }
            while i < bytes.count, isVowel(bytes[i]) { i += 1 }
            guard i < bytes.count else { return nil }
            return characterEnd(from: i)
        }

        /// Turns the `Y` marks back into `y`.
        mutating func postlude() {
            guard markedAnyY else { return }
            for i in bytes.indices where bytes[i] == markedY { bytes[i] = lowerY }
        }

        // MARK: Step 1a: apostrophes and plurals

        /// Removes `'`, `'s` or `'s'`; then `sses`→`ss`; `ied`/`ies`→`i` after two or more
        /// letters, else `ie`; a plural `s` goes when a vowel precedes the letter before
        /// it (`gaps`, not `gas`); `us` and `ss` stay.
        mutating func step1a() {
            if endsWith("'s'") {
                removeLast(3)
            } else if endsWith("'s") {
                removeLast(2)
            } else if endsWith("'") {
                removeLast(1)
            }

            if endsWith("sses") {
                removeLast(2)
            } else if endsWith("ied") || endsWith("ies") {
                let start = bytes.count - 3
                let twoLettersBefore = start > 0 && characterStart(before: start) > 0
                replaceSuffix(length: 3, with: twoLettersBefore ? "i" : "ie")
            } else if endsWith("us") || endsWith("ss") {
                return
            } else if endsWith("s") {
                let s = bytes.count - 1
                guard s > 0 else { return }
                let letterBefore = characterStart(before: s)
                if containsVowel(before: letterBefore) { removeLast(1) }
            }
        }

        // MARK: Step 1b: -eed, -ed, -ing

        /// `eed`/`eedly` → `ee` in R1; `ed`/`edly`/`ing`/`ingly` are removed when a vowel
        /// precedes them, and the stem is then tidied: `at`/`bl`/`iz` gain an `e`, a
        /// double is undoubled (not after a lone initial `a`, `e` or `o`), a short word
        /// gains an `e`. Exceptions: a lone non-vowel plus `ying` becomes `ie`
        /// (`dying`→`die`); `proceed`, `exceed`, `succeed` keep their `eed`; `inning`,
        /// `outing`, `canning`, `herring`, `earring`, `evening` keep their `ing`.
        mutating func step1b() {
            guard let (length, kind) = step1bSuffix(of: self) else { return }
            let start = bytes.count - length

            switch kind {
            case .eed:
                if eedExceptions.contains(where: { stemBefore(start, is: $0) }) { return }
                if start >= r1 { replaceSuffix(length: length, with: "ee") }
                return
            case .ing:
                if isNonVowelThenY(before: start) {
                    // dying → die, tying → tie, vying → vie.
                    replaceSuffix(length: 4, with: "ie")
                    return
                }
                if ingExceptions.contains(where: { stemBefore(start, is: $0) }) { return }
            case .other:
                break
            }

            guard containsVowel(before: start) else { return }
            removeLast(length)

            if endsWith("at") || endsWith("bl") || endsWith("iz") {
                bytes.append(UInt8(ascii: "e"))
            } else if endsWithUndoublableDouble() {
                let isLoneVowelPlusDouble = bytes.count == 3 && isAEO(bytes[0])
                if !isLoneVowelPlusDouble { removeLast(1) }
            } else if r1 == bytes.count && endsWithShortSyllable(at: bytes.count) {
                bytes.append(UInt8(ascii: "e"))
            }
        }

        /// True when the word before `start` is exactly one non-vowel followed by `y`.
        func isNonVowelThenY(before start: Int) -> Bool {
            guard start >= 2, bytes[start - 1] == lowerY else { return false }
            let letter = characterStart(before: start - 1)
            return letter == 0 && !isVowel(bytes[0])
        }

        func endsWithUndoublableDouble() -> Bool {
            let n = bytes.count
            return n >= 2 && bytes[n - 1] == bytes[n - 2] && isUndoublable(bytes[n - 1])
        }

        func isAEO(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "a") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "o")
        }

        // MARK: Step 1c: y → i

        /// A final `y` or `Y` becomes `i` after a non-vowel that is not the word's first
        /// letter (`cry`→`cri`, but `by`, `say` stay).
        mutating func step1c() {
            let n = bytes.count
            guard n >= 2, bytes[n - 1] == lowerY || bytes[n - 1] == markedY else { return }
            let letter = characterStart(before: n - 1)
            guard letter > 0, !isVowel(bytes[letter]) else { return }
            bytes[n - 1] = UInt8(ascii: "i")
        }

        // MARK: Steps 2, 3, 4: derivational suffixes

        /// `ational`→`ate`, `izer`→`ize`, `li`→``, … when the suffix is in R1.
        mutating func step2() {
            applyLongestRule(of: step2Rules, regionStart: r1)
        }

        /// `alize`→`al`, `ical`→`ic`, `ness`→``, … in R1; `ative` only in R2.
        mutating func step3() {
            applyLongestRule(of: step3Rules, regionStart: r1)
        }

        /// `ance`, `ment`, `ize`, … deleted in R2; `ion` only after `s` or `t`.
        mutating func step4() {
            applyLongestRule(of: step4Rules, regionStart: r2)
        }

        /// Finds the longest matching suffix of `rules`; when it starts inside the region
        /// and its condition holds, replaces it. A longest match that fails its tests does
        /// not fall back to a shorter suffix.
        mutating func applyLongestRule(of rules: [SuffixRule], regionStart: Int) {
            guard let index = longestMatch(in: rules) else { return }
            let rule = rules[index]
            let length = rule.suffix.utf8CodeUnitCount
            let start = bytes.count - length
            guard start >= regionStart else { return }
            switch rule.condition {
            case .none:
                break
            case .precededByL:
                guard start > 0, bytes[start - 1] == UInt8(ascii: "l") else { return }
            case .precededByValidLiEnding:
                guard start > 0, isValidLiEnding(bytes[start - 1]) else { return }
            case .inR2:
                guard start >= r2 else { return }
            case .precededBySOrT:
                guard start > 0, bytes[start - 1] == UInt8(ascii: "s") || bytes[start - 1] == UInt8(ascii: "t")
                else { return }
            }
            replaceSuffix(length: length, with: rule.replacement)
        }

        /// The index of the first (so the longest) rule whose suffix ends the word.
        func longestMatch(in rules: [SuffixRule]) -> Int? {
            guard let last = bytes.last else { return nil }
            // Buffer access keeps the scan cheap in unoptimised (debug) builds too.
            return rules.withUnsafeBufferPointer { rules in
                var index = 0
                while index < rules.count {
                    if rules[index].lastByte == last && endsWith(rules[index].suffix) { return index }
                    index += 1
                }
                return nil
            }
        }

        // MARK: Step 5: final e and ll

        /// A final `e` goes when in R2, or in R1 and not after a short syllable; a final
        /// `l` goes when in R2 and after another `l`.
        mutating func step5() {
            let n = bytes.count
            guard n > 0 else { return }
            let last = n - 1
            if bytes[last] == UInt8(ascii: "e") {
                if last >= r2 || (last >= r1 && !endsWithShortSyllable(at: last)) {
                    removeLast(1)
                }
            } else if bytes[last] == UInt8(ascii: "l") {
                if last >= r2 && last > 0 && bytes[last - 1] == UInt8(ascii: "l") {
                    removeLast(1)
                }
            }
        }

        // MARK: Short syllables

        /// Whether `bytes[..<end]` ends in a short syllable: a non-vowel, a vowel, and a
        /// final non-vowel other than `w`, `x`, `Y` (`rap`); or a vowel starting the word
        /// and a non-vowel (`on`, `ow`); or `past`.
        func endsWithShortSyllable(at end: Int) -> Bool {
            if endsWith("past", at: end) { return true }
            guard end >= 2 else { return false }
            let last = characterStart(before: end)
            guard last > 0, !isVowel(bytes[last]) else { return false }
            let vowel = last - 1
            guard isVowel(bytes[vowel]) else { return false }
            if vowel == 0 { return true }
            let first = characterStart(before: vowel)
            let lastIsWXY = bytes[last] == UInt8(ascii: "w") || bytes[last] == UInt8(ascii: "x")
                || bytes[last] == markedY
            return !isVowel(bytes[first]) && !lastIsWXY
        }

        // MARK: Byte helpers

        func endsWith(_ suffix: StaticString) -> Bool {
            endsWith(suffix, at: bytes.count)
        }

        func endsWith(_ suffix: StaticString, at end: Int) -> Bool {
            let length = suffix.utf8CodeUnitCount
            guard end >= length else { return false }
            let text = suffix.utf8Start
            let base = end - length
            for i in 0..<length where bytes[base + i] != text[i] { return false }
            return true
        }

        func hasPrefix(_ prefix: StaticString) -> Bool {
            let length = prefix.utf8CodeUnitCount
            guard bytes.count >= length else { return false }
            let text = prefix.utf8Start
            for i in 0..<length where bytes[i] != text[i] { return false }
            return true
        }

        /// True when `bytes[..<start]` is exactly `stem`.
        func stemBefore(_ start: Int, is stem: StaticString) -> Bool {
            start == stem.utf8CodeUnitCount && hasPrefix(stem)
        }

        func containsVowel(before end: Int) -> Bool {
            for i in 0..<end where isVowel(bytes[i]) { return true }
            return false
        }

        /// The offset where the character ending just before `offset` starts.
        func characterStart(before offset: Int) -> Int {
            var i = offset - 1
            while i > 0, isContinuation(bytes[i]) { i -= 1 }
            return i
        }

        /// The offset just past the character that starts at `offset`.
        func characterEnd(from offset: Int) -> Int {
            var i = offset + 1
            while i < bytes.count, isContinuation(bytes[i]) { i += 1 }
            return i
        }

        mutating func removeLast(_ count: Int) {
            bytes.removeLast(count)
        }

        mutating func replaceSuffix(length: Int, with replacement: StaticString) {
            bytes.removeLast(length)
            replacement.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }
    }
}

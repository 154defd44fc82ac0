/// The digest of an `Encodable` value, the same in every run: the memo key of an output
/// rendered from a view model. Two views with equal digests render to the same bytes
/// through the same template, so a page whose view did not change since the last build
/// is kept instead of rendered (`OutputSink.keep`).
///
/// It goes through the compiler-made `Encodable` conformance, so a stored property added
/// to a view model is part of the key without anyone remembering to add it. Struct fields
/// and dictionary entries are combined independently of their order (a dictionary's
/// order differs between runs), array elements in order.
enum ViewDigest {
    static func of<T: Encodable>(_ value: T) -> UInt64 {
        let encoder = DigestEncoder()
        do {
            try value.encode(to: encoder)
        } catch {
            // The encoder itself never throws; a value's own `encode(to:)` might. A key
            // made from its error cannot match a key made from a successful encoding.
            var digest = Digest()
            digest.add("encoding failed: \(error)")
            return digest.value
        }
        return encoder.digest
    }
}

/// Folds one value as it is encoded: its single value or elements into an ordered
/// digest, its keyed entries into an order-independent sum. A container handed out for
/// later filling (`nestedContainer`, `superEncoder`) is folded in when the digest is read,
/// in the order it was handed out (ordered ones leave a marker at their position).
private final class DigestEncoder: Encoder {
    private var ordered = Digest()
    private var orderedCount = 0
    private var keyedSum: UInt64 = 0
    private var keyedCount = 0
    private var pending: [(key: String?, encoder: DigestEncoder)] = []

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var count: Int { orderedCount }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedDigestContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { OrderedDigestContainer(encoder: self) }
    func singleValueContainer() -> any SingleValueEncodingContainer { OrderedDigestContainer(encoder: self) }

    func add(_ word: UInt64) {
        ordered.add(Int(bitPattern: UInt(word)))
        orderedCount += 1
    }

    func add(_ word: UInt64, forKey key: String) {
        var entry = Digest()
        entry.add(key)
        entry.add(Int(bitPattern: UInt(word)))
        keyedSum &+= entry.value
        keyedCount += 1
    }

    /// A nested encoder filled after this call returns.
    func later(forKey key: String?) -> DigestEncoder {
        let nested = DigestEncoder()
        if key == nil { add(0x6C61_7465_7200) }
        pending.append((key, nested))
        return nested
    }

    var digest: UInt64 {
        var digest = ordered
        var sum = keyedSum
        for (key, nested) in pending {
            if let key {
                var entry = Digest()
                entry.add(key)
                entry.add(Int(bitPattern: UInt(nested.digest)))
                sum &+= entry.value
            } else {
                digest.add(Int(bitPattern: UInt(nested.digest)))
            }
        }
        digest.add(orderedCount)
        digest.add(keyedCount + pending.count)
        digest.add(Int(bitPattern: UInt(sum)))
        return digest.value
    }

    static func word(_ text: String) -> UInt64 {
        var digest = Digest()
        digest.add(text)
        return digest.value
    }

    static func word(_ number: UInt64, tag: Int) -> UInt64 {
        var digest = Digest()
        digest.add(tag)
        digest.add(Int(bitPattern: UInt(number)))
        return digest.value
    }

    static var null: UInt64 { word(0, tag: 0) }
    static func word(_ value: Bool) -> UInt64 { word(value ? 1 : 0, tag: 1) }
    static func integer<I: FixedWidthInteger>(_ value: I) -> UInt64 { word(UInt64(truncatingIfNeeded: value), tag: 2) }
    static func word(_ value: Double) -> UInt64 { word(value.bitPattern, tag: 3) }

    static func encodable<T: Encodable>(_ value: T) throws -> UInt64 {
        if let text = value as? String { return word(text) }
        let nested = DigestEncoder()
        try value.encode(to: nested)
        return nested.digest
    }
}

private struct KeyedDigestContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: DigestEncoder
    var codingPath: [any CodingKey] { [] }

    private func add(_ word: UInt64, _ key: Key) { encoder.add(word, forKey: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { add(DigestEncoder.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(DigestEncoder.word(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(DigestEncoder.word(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(DigestEncoder.word(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(DigestEncoder.word(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(DigestEncoder.integer(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(try DigestEncoder.encodable(value), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.later(forKey: key.stringValue).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.later(forKey: key.stringValue).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder.later(forKey: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.later(forKey: key.stringValue) }
}

/// Array elements and single values, in order.
private struct OrderedDigestContainer: UnkeyedEncodingContainer, SingleValueEncodingContainer {
    let encoder: DigestEncoder
    var codingPath: [any CodingKey] { [] }
    var count: Int { encoder.count }

    private func add(_ word: UInt64) { encoder.add(word) }

    mutating func encodeNil() throws { add(DigestEncoder.null) }
    mutating func encode(_ value: Bool) throws { add(DigestEncoder.word(value)) }
    mutating func encode(_ value: String) throws { add(DigestEncoder.word(value)) }
    mutating func encode(_ value: Double) throws { add(DigestEncoder.word(value)) }
    mutating func encode(_ value: Float) throws { add(DigestEncoder.word(Double(value))) }
    mutating func encode(_ value: Int) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: Int8) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: Int16) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: Int32) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: Int64) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: UInt) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: UInt8) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: UInt16) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: UInt32) throws { add(DigestEncoder.integer(value)) }
    mutating func encode(_ value: UInt64) throws { add(DigestEncoder.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try DigestEncoder.encodable(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.later(forKey: nil).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.later(forKey: nil).unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { encoder.later(forKey: nil) }
}

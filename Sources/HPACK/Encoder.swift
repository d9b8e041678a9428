/// Encodes header lists into header blocks (RFC 7541 §6). One encoder per connection
/// direction: it mirrors the dynamic table of the peer's decoder.
public struct HPACKEncoder: Sendable {
    /// When string literals are Huffman-coded (§5.2).
    public enum HuffmanPolicy: Sendable {
        /// Only when the code is shorter than the raw bytes.
        case whenShorter
        /// Never (as in RFC 7541 C.3 and C.5).
        case never
        /// Always, even when it is no shorter (as in RFC 7541 C.4 and C.6).
        case always
    }

    public var huffman: HuffmanPolicy { didSet { stateGeneration &+= 1 } }
    public var indexingPolicy: IndexingPolicy { didSet { stateGeneration &+= 1 } }

    /// Changes whenever something that shapes the next block changes: the table's
    /// contents or size, a pending size update, the policies. Encoding the same list twice
    /// with no change in between gives the same bytes (package use: the engine reuses the
    /// encoding of a response head that left the generation unchanged).
    package private(set) var stateGeneration: UInt64 = 0

    private var table: DynamicTable
    /// The most this encoder lets its table hold, whatever the peer allows.
    private let tableSizeCap: Int
    /// Size changes not yet signalled: the smallest and the final one (§4.2).
    private var pendingSmallest: Int?
    private var pendingFinal = 0

    /// - Parameters:
    ///   - maxTableSize: the table size both sides start with (4096 in HTTP/2).
    ///   - tableSizeCap: the most the encoder will use if the peer allows more (§4.2: an
    ///     encoder may use less than the maximum).
    public init(maxTableSize: Int = 4096, tableSizeCap: Int = 65536, huffman: HuffmanPolicy = .whenShorter,
                indexingPolicy: IndexingPolicy = .default) {
        self.tableSizeCap = max(0, tableSizeCap)
        self.table = DynamicTable(maxSize: max(0, maxTableSize), indexed: true)
        self.huffman = huffman
        self.indexingPolicy = indexingPolicy
        if self.tableSizeCap < table.maxSize {
            // Both sides start at the protocol's size; shrinking to the cap is signalled (§4.2).
            pendingSmallest = self.tableSizeCap
            pendingFinal = self.tableSizeCap
        }
    }

    /// The dynamic table's current maximum size.
    public var tableMaxSize: Int { pendingSmallest == nil ? table.maxSize : pendingFinal }
    /// The dynamic table's current size (§4.1).
    public var tableSize: Int { table.size }
    /// The number of entries in the dynamic table.
    public var tableCount: Int { table.count }

    /// Applies the peer's SETTINGS_HEADER_TABLE_SIZE (§4.2, RFC 9113 §6.5.2). The next block
    /// starts with the size update(s): the smallest size set since the last block, then the
    /// final one.
    public mutating func setMaxTableSize(_ newValue: Int) {
        let size = min(max(0, newValue), tableSizeCap)
        pendingSmallest = min(pendingSmallest ?? size, size)
        pendingFinal = size
        stateGeneration &+= 1
    }

    /// Encodes `headers` as one header block appended to `out`.
    public mutating func encode(_ headers: HeaderList, into out: inout [UInt8]) {
        beginBlock(into: &out)
        headers.forEachField { name, value, indexing in
            encodeField(name: name, value: value, indexing: indexing, into: &out)
        }
    }

    /// Encodes `headers` as one header block appended to `out`.
    public mutating func encode(_ headers: some Sequence<HeaderField>, into out: inout [UInt8]) {
        beginBlock(into: &out)
        for field in headers {
            var name = field.name
            var value = field.value
            name.withUTF8 { n in
                value.withUTF8 { v in
                    encodeField(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v),
                                indexing: field.indexing, into: &out)
                }
            }
        }
    }

    /// Encodes `headers` as one header block.
    public mutating func encode(_ headers: some Sequence<HeaderField>) -> [UInt8] {
        var out: [UInt8] = []
        encode(headers, into: &out)
        return out
    }

    /// §4.2, §6.3: signal size changes at the start of the first block after them.
    private mutating func beginBlock(into out: inout [UInt8]) {
        guard let smallest = pendingSmallest else { return }
        pendingSmallest = nil
        stateGeneration &+= 1
        let current = table.maxSize
        if smallest < current && smallest != pendingFinal {
            PrefixInteger.encode(smallest, prefixBits: 5, pattern: 0x20, into: &out)
            table.setMaxSize(smallest)
        }
        if pendingFinal != current || smallest < current {
            PrefixInteger.encode(pendingFinal, prefixBits: 5, pattern: 0x20, into: &out)
            table.setMaxSize(pendingFinal)
        }
    }

    private mutating func encodeField(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                                      indexing: HeaderIndexing, into out: inout [UInt8]) {
        let nameHash = FieldHash.hash(name)
        let decision = indexing == .neverIndexed
            ? .neverIndexed
            : indexingPolicy.decide(name: name, nameHash: nameHash, value: value, tableMaxSize: table.maxSize)
        if decision != .neverIndexed {
            // §6.1: a field already in a table is one index.
            let pairHash = FieldHash.pair(nameHash: nameHash, value: value)
            let staticIndex = StaticTable.index(name: name, value: value, pairHash: pairHash)
            if staticIndex != 0 {
                PrefixInteger.encode(staticIndex, prefixBits: 7, pattern: 0x80, into: &out)
                return
            }
            if let dynamicIndex = table.index(name: name, value: value, pairHash: pairHash) {
                PrefixInteger.encode(StaticTable.count + dynamicIndex, prefixBits: 7, pattern: 0x80, into: &out)
                return
            }
            if decision == .index && indexing == .indexable {
                // §6.2.1: literal with incremental indexing.
                writeLiteral(name: name, nameHash: nameHash, value: value, prefixBits: 6, pattern: 0x40, into: &out)
                insert(name: name, value: value, nameHash: nameHash, pairHash: pairHash)
                return
            }
            // §6.2.2: literal without indexing.
            writeLiteral(name: name, nameHash: nameHash, value: value, prefixBits: 4, pattern: 0x00, into: &out)
            return
        }
        // §6.2.3, §7.1.3: never indexed, and never replaced by an index to an equal entry.
        writeLiteral(name: name, nameHash: nameHash, value: value, prefixBits: 4, pattern: 0x10, into: &out)
    }

    private mutating func insert(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                                 nameHash: UInt64, pairHash: UInt64) {
        table.insert(name: name, value: value, nameHash: nameHash, pairHash: pairHash)
        stateGeneration &+= 1
    }

    /// A literal representation: the name as an index when a table has it, else a string.
    @inline(__always)
    private func writeLiteral(name: UnsafeRawBufferPointer, nameHash: UInt64, value: UnsafeRawBufferPointer,
                              prefixBits: Int, pattern: UInt8, into out: inout [UInt8]) {
        var nameIndex = StaticTable.index(name: name, nameHash: nameHash)
        if nameIndex == 0, let dynamicIndex = table.index(name: name, nameHash: nameHash) {
            nameIndex = StaticTable.count + dynamicIndex
        }
        PrefixInteger.encode(nameIndex, prefixBits: prefixBits, pattern: pattern, into: &out)
        if nameIndex == 0 { writeString(name, into: &out) }
        writeString(value, into: &out)
    }

    /// §5.2: a string literal, Huffman-coded when that is shorter.
    @inline(__always)
    private func writeString(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        if huffman != .never {
            let codedLength = HuffmanEncoder.encodedLength(bytes)
            if codedLength < bytes.count || huffman == .always {
                PrefixInteger.encode(codedLength, prefixBits: 7, pattern: 0x80, into: &out)
                HuffmanEncoder.encode(bytes, encodedLength: codedLength, into: &out)
                return
            }
        }
        PrefixInteger.encode(bytes.count, prefixBits: 7, pattern: 0x00, into: &out)
        out.append(contentsOf: bytes)
    }
}

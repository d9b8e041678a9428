/// Decodes header blocks (RFC 7541 §3, §6). One decoder per connection direction: it owns
/// the dynamic table the peer's encoder fills.
///
/// The decoded header list has a budget (`maxHeaderListSize`, counted as name + value + 32
/// per field, the SETTINGS_MAX_HEADER_LIST_SIZE rule of RFC 9113 §6.5.2). The budget is
/// checked before any field is copied: once a block exceeds it, the decoder copies nothing
/// more, only walks the rest of the block so the dynamic table stays in sync with the
/// peer's encoder, and then throws `headerListTooLarge`. A small block that references a
/// large entry thousands of times (the "HPACK bomb", CVE-2016-6581) therefore costs time
/// linear in its own size and no memory beyond the budget. After any other error the
/// table is unspecified: HTTP/2 ends the connection with COMPRESSION_ERROR.
public struct HPACKDecoder: Sendable {
    public static let defaultTableSize = 4096
    public static let defaultMaxHeaderListSize = 64 * 1024

    /// The largest table size a size update may set: our SETTINGS_HEADER_TABLE_SIZE once
    /// the peer acknowledged it (RFC 7541 §6.3).
    public private(set) var maxAllowedTableSize: Int
    /// The budget for one decoded header list, in bytes (name + value + 32 per field).
    public var maxHeaderListSize: Int

    private var table: DynamicTable
    private var sizeUpdateRequired = false
    /// Holds a field decoded only to keep the table in step (past the list's budget).
    private var scratch = HeaderList()

    /// - Parameters:
    ///   - maxTableSize: the table size both sides start with (4096 in HTTP/2).
    ///   - maxHeaderListSize: the decoded header list budget.
    public init(maxTableSize: Int = HPACKDecoder.defaultTableSize,
                maxHeaderListSize: Int = HPACKDecoder.defaultMaxHeaderListSize) {
        self.maxAllowedTableSize = max(0, maxTableSize)
        self.maxHeaderListSize = maxHeaderListSize
        self.table = DynamicTable(maxSize: max(0, maxTableSize))
    }

    /// The dynamic table's current maximum size, as last set by the encoder (§4.2).
    public var tableMaxSize: Int { table.maxSize }
    /// The dynamic table's current size (§4.1).
    public var tableSize: Int { table.size }
    /// The number of entries in the dynamic table.
    public var tableCount: Int { table.count }

    /// Applies a new SETTINGS_HEADER_TABLE_SIZE of ours, once acknowledged. When it is below
    /// the table's current maximum, the next block must begin with a size update (§4.2).
    public mutating func setMaxAllowedTableSize(_ newValue: Int) {
        maxAllowedTableSize = max(0, newValue)
        if maxAllowedTableSize < table.maxSize { sizeUpdateRequired = true }
    }

    /// Decodes one complete header block and appends its fields to `list`.
    public mutating func decode(_ block: UnsafeRawBufferPointer, into list: inout HeaderList) throws(HPACKError) {
        var reader = ByteReader(block)
        var budget = maxHeaderListSize
        var overBudget = false
        var seenField = false
        while let first = reader.peekByte() {
            if first & 0xe0 == 0x20 {
                // RFC 7541 §6.3, §4.2: size updates only before the first field.
                guard !seenField else { throw .tableSizeUpdateNotAtStart }
                _ = try reader.readByte()
                let newSize = try PrefixInteger.decode(first: first, prefixBits: 5, from: &reader)
                guard newSize <= maxAllowedTableSize else {
                    throw .tableSizeUpdateTooLarge(requested: newSize, limit: maxAllowedTableSize)
                }
                table.setMaxSize(newSize)
                sizeUpdateRequired = false
                continue
            }
            // RFC 7541 §4.2: after the limit shrank, the block must start with an update.
            guard !sizeUpdateRequired else { throw .missingTableSizeUpdate }
            seenField = true
            _ = try reader.readByte()
            if first & 0x80 != 0 {
                try decodeIndexed(first: first, reader: &reader, list: &list, budget: &budget, overBudget: &overBudget)
            } else if first & 0x40 != 0 {
                // §6.2.1 literal with incremental indexing: 01, 6-bit name index.
                try decodeLiteral(first: first, prefixBits: 6, indexing: .indexable, addToTable: true,
                                  reader: &reader, list: &list, budget: &budget, overBudget: &overBudget)
            } else {
                // §6.2.2 without indexing (0000) and §6.2.3 never indexed (0001): 4-bit name index.
                let indexing: HeaderIndexing = first & 0x10 != 0 ? .neverIndexed : .notIndexed
                try decodeLiteral(first: first, prefixBits: 4, indexing: indexing, addToTable: false,
                                  reader: &reader, list: &list, budget: &budget, overBudget: &overBudget)
            }
        }
        guard !sizeUpdateRequired else { throw .missingTableSizeUpdate }
        if overBudget { throw .headerListTooLarge(limit: maxHeaderListSize) }
    }

    /// Decodes one complete header block.
    public mutating func decode(_ block: [UInt8]) throws(HPACKError) -> HeaderList {
        var list = HeaderList()
        try decode(block, into: &list)
        return list
    }

    /// Decodes one complete header block and appends its fields to `list`.
    public mutating func decode(_ block: [UInt8], into list: inout HeaderList) throws(HPACKError) {
        var failure: HPACKError?
        block.withUnsafeBytes { bytes in
            do throws(HPACKError) { try decode(bytes, into: &list) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// RFC 7541 §6.1: indexed header field.
    @inline(__always)
    private mutating func decodeIndexed(first: UInt8, reader: inout ByteReader, list: inout HeaderList,
                                        budget: inout Int, overBudget: inout Bool) throws(HPACKError) {
        let index = try PrefixInteger.decode(first: first, prefixBits: 7, from: &reader)
        if index >= 1 && index <= StaticTable.count {
            // The static table's fields are valid by construction (tests check every one).
            StaticTable.withEntry(index) { nameValue, nameLength in
                Self.accept(nameValue: nameValue, nameLength: nameLength, indexing: .indexable,
                           provenance: .checkedField, entryID: -1,
                           list: &list, budget: &budget, overBudget: &overBudget)
            }
        } else if let entry = table.entry(index: index - StaticTable.count) {
            let entryID = entry.checked ? -1 : table.id(ofIndex: index - StaticTable.count)
            table.withBytes(of: entry) { nameValue in
                Self.accept(nameValue: nameValue, nameLength: entry.nameLength, indexing: .indexable,
                           provenance: entry.checked ? .checkedField : [], entryID: entryID,
                           list: &list, budget: &budget, overBudget: &overBudget)
            }
        } else {
            throw .invalidIndex(index)  // index 0 (§6.1) or beyond both tables (§2.3.3)
        }
    }

    /// Copies a field that already exists as bytes, if the budget allows (checked first).
    @inline(__always)
    private static func accept(nameValue: UnsafeRawBufferPointer, nameLength: Int, indexing: HeaderIndexing,
                               provenance: FieldProvenance, entryID: Int,
                               list: inout HeaderList, budget: inout Int, overBudget: inout Bool) {
        let cost = nameValue.count + 32
        guard !overBudget, cost <= budget else {
            overBudget = true
            return
        }
        budget -= cost
        list.append(nameValue: nameValue, nameLength: nameLength, indexing: indexing,
                    provenance: provenance, entryID: entryID)
    }

    /// An encoded string literal (§5.2), borrowed from the block.
    private struct EncodedString {
        var bytes: UnsafeRawBufferPointer
        var huffman: Bool
        /// The fewest decoded bytes it can yield (Huffman codes are at most 30 bits).
        var minimumLength: Int { huffman ? bytes.count * 8 / 30 : bytes.count }
    }

    @inline(__always)
    private func readString(_ reader: inout ByteReader) throws(HPACKError) -> EncodedString {
        let first = try reader.readByte()
        let length = try PrefixInteger.decode(first: first, prefixBits: 7, from: &reader)
        return EncodedString(bytes: try reader.readBytes(length), huffman: first & 0x80 != 0)
    }

    @inline(__always)
    private func append(_ string: EncodedString, to list: inout HeaderList) throws(HPACKError) {
        if string.huffman {
            try list.appendHuffman(string.bytes)
        } else {
            list.appendRaw(string.bytes)
        }
    }

    /// RFC 7541 §6.2: a literal field, with a name that is indexed (non-zero index) or
    /// literal (index 0).
    private mutating func decodeLiteral(first: UInt8, prefixBits: Int, indexing: HeaderIndexing, addToTable: Bool,
                                        reader: inout ByteReader, list: inout HeaderList,
                                        budget: inout Int, overBudget: inout Bool) throws(HPACKError) {
        let nameIndex = try PrefixInteger.decode(first: first, prefixBits: prefixBits, from: &reader)
        var literalName: EncodedString?
        var nameEntry: DynamicTable.Entry?
        let nameLength: Int
        // Only the name can be a copy of checked bytes: the value is a literal.
        var provenance: FieldProvenance = []
        if nameIndex == 0 {
            let name = try readString(&reader)
            literalName = name
            nameLength = name.minimumLength
        } else if nameIndex <= StaticTable.count {
            nameLength = StaticTable.nameLength(nameIndex)
            provenance = .checkedName
        } else if let entry = table.entry(index: nameIndex - StaticTable.count) {
            nameEntry = entry
            nameLength = entry.nameLength
            if entry.checked { provenance = .checkedName }
        } else {
            throw .invalidIndex(nameIndex)
        }
        let value = try readString(&reader)

        // Budget check before copying anything: the least this field can cost.
        let minimumCost = nameLength + value.minimumLength + 32
        if overBudget || minimumCost > budget {
            overBudget = true
            var field = scratch
            scratch = HeaderList()  // `field` is the only reference: no copy on write
            field.removeAll(keepingCapacity: true)
            if addToTable && minimumCost <= table.maxSize {
                // Keep the table in sync; what it holds is bounded by its own maximum.
                let decodedNameLength = try appendName(literalName, nameIndex, nameEntry, to: &field)
                try append(value, to: &field)
                field.withBytes(from: 0) { table.insert(nameValue: $0, nameLength: decodedNameLength) }
            } else {
                // Kept nowhere, yet §5.2: a Huffman string with EOS or bad padding is a decoding
                // error wherever it is (RFC 9113 §4.3: COMPRESSION_ERROR, not a refused
                // stream): such strings are decoded and dropped. Raw strings need no decoding.
                if let literalName, literalName.huffman {
                    try append(literalName, to: &field)
                    field.removeAll(keepingCapacity: true)
                }
                if value.huffman { try append(value, to: &field) }
                if addToTable { table.evictAll() }  // §4.4: an entry larger than the table empties it
            }
            // Room for small fields is kept; a large literal's is not.
            if field.bytes.count <= 4096 {
                field.removeAll(keepingCapacity: true)
                scratch = field
            }
            return
        }

        let start = list.usedBytes
        let decodedNameLength = try appendName(literalName, nameIndex, nameEntry, to: &list)
        try append(value, to: &list)
        let cost = list.usedBytes - start + 32
        var entryID = -1
        if addToTable {
            let id = table.nextID
            list.withBytes(from: start) { table.insert(nameValue: $0, nameLength: decodedNameLength) }
            // The new entry holds exactly this field's bytes: it can be marked checked
            // along with the list (unless it did not fit, §4.4).
            if table.nextID != id { entryID = id }
        }
        guard cost <= budget else {
            overBudget = true
            list.truncateBytes(to: start)
            return
        }
        budget -= cost
        list.commitField(start: start, nameLength: decodedNameLength, indexing: indexing,
                         provenance: provenance, entryID: entryID)
    }

    /// Marks the dynamic table entries that fields of `list` are whole copies of as checked,
    /// so later copies of them carry `FieldProvenance.checkedField` and skip the RFC 9113
    /// §8.2.1 syntax checks. Call it only with the list the last `decode` call produced,
    /// unchanged, once every one of its fields passed those checks (the HTTP/2 engine does
    /// after a successful §8 validation). Entries evicted since are skipped (ids are never
    /// reused), and an entry whose lengths differ from the field's is left alone.
    package mutating func markChecked(_ list: HeaderList) {
        guard list.uncheckedEntryCount > 0 else { return }
        for slot in list.slots where slot.entryID >= 0 {
            table.markChecked(id: slot.entryID, nameLength: slot.nameLength, valueLength: slot.valueLength)
        }
    }

    /// Appends a literal field's name and returns its decoded length.
    @inline(__always)
    private func appendName(_ literal: EncodedString?, _ index: Int, _ entry: DynamicTable.Entry?,
                            to list: inout HeaderList) throws(HPACKError) -> Int {
        let before = list.usedBytes
        if let literal {
            try append(literal, to: &list)
        } else if let entry {
            table.withBytes(of: entry) { list.appendRaw(UnsafeRawBufferPointer(rebasing: $0[..<entry.nameLength])) }
        } else {
            StaticTable.withEntry(index) { nameValue, nameLength in
                list.appendRaw(UnsafeRawBufferPointer(rebasing: nameValue[..<nameLength]))
            }
        }
        return list.usedBytes - before
    }
}

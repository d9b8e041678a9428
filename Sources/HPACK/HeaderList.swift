/// An ordered list of header fields whose bytes live in one buffer.
///
/// The decoder appends to it without allocating per field; `removeAll(keepingCapacity:)`
/// makes it reusable from one header block to the next. Names and values are raw bytes
/// (RFC 9113 §8.2 fields are octets); `HeaderField` gives them as strings.
public struct HeaderList: Sendable {
    @usableFromInline
    struct Slot: Sendable, Hashable {
        @usableFromInline var start: Int
        @usableFromInline var nameLength: Int
        @usableFromInline var valueLength: Int
        @usableFromInline var indexing: HeaderIndexing
        /// Set by the decoder only: which parts are copies of bytes already checked (see
        /// `FieldProvenance`). Fields appended by anyone else are unchecked.
        @usableFromInline var provenance: FieldProvenance = []
        /// Set by the decoder only: the id of the dynamic table entry this whole field is
        /// a copy of, when that entry is not marked checked yet; -1 otherwise.
        @usableFromInline var entryID: Int = -1

        @usableFromInline
        init(start: Int, nameLength: Int, valueLength: Int, indexing: HeaderIndexing,
             provenance: FieldProvenance = [], entryID: Int = -1) {
            self.start = start
            self.nameLength = nameLength
            self.valueLength = valueLength
            self.indexing = indexing
            self.provenance = provenance
            self.entryID = entryID
        }
    }

    /// Storage for names and values: `bytes[..<usedBytes]` are the fields' bytes; past it
    /// the array is filler (zeros or bytes of fields removed since), kept so appending is a
    /// plain copy into room the array already has (no generic `append` per field).
    @usableFromInline var bytes: [UInt8] = []
    @usableFromInline var usedBytes = 0
    @usableFromInline var slots: [Slot] = []
    /// Slots whose `entryID` is set (fields copied from dynamic entries not yet marked
    /// checked): `HPACKDecoder.markChecked` has nothing to do when it is 0.
    @usableFromInline var uncheckedEntryCount = 0

    public init() {}

    public init(_ fields: some Sequence<HeaderField>) {
        self.init()
        for field in fields { append(field) }
    }

    /// Bytes of names and values together.
    public var byteCount: Int { usedBytes }

    /// RFC 9113 §6.5.2: the list's size, name + value + 32 per field.
    public var listSize: Int { usedBytes + 32 * slots.count }

    public mutating func append(_ field: HeaderField) {
        append(name: field.name, value: field.value, indexing: field.indexing)
    }

    public mutating func append(name: String, value: String, indexing: HeaderIndexing = .indexable) {
        var name = name
        var value = value
        name.withUTF8 { n in
            value.withUTF8 { v in
                append(name: UnsafeRawBufferPointer(n), value: UnsafeRawBufferPointer(v), indexing: indexing)
            }
        }
    }

    public mutating func append(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                                indexing: HeaderIndexing = .indexable) {
        slots.append(Slot(start: usedBytes, nameLength: name.count, valueLength: value.count, indexing: indexing))
        appendRaw(name)
        appendRaw(value)
    }

    /// Appends a field whose name and value are contiguous in `nameValue`.
    @inline(__always)
    mutating func append(nameValue: UnsafeRawBufferPointer, nameLength: Int, indexing: HeaderIndexing,
                         provenance: FieldProvenance, entryID: Int) {
        slots.append(Slot(start: usedBytes, nameLength: nameLength, valueLength: nameValue.count - nameLength,
                          indexing: indexing, provenance: provenance, entryID: entryID))
        if entryID >= 0 { uncheckedEntryCount += 1 }
        appendRaw(nameValue)
    }

    /// Copies `source` after the used bytes.
    @inline(__always)
    mutating func appendRaw(_ source: UnsafeRawBufferPointer) {
        let count = source.count
        guard count > 0, let from = source.baseAddress else { return }
        let start = usedBytes
        if bytes.count &- start < count { growBytes(toAtLeast: start + count) }
        bytes.withUnsafeMutableBytes { storage in
            storage.baseAddress.unsafelyUnwrapped.advanced(by: start).copyMemory(from: from, byteCount: count)
        }
        usedBytes = start &+ count
    }

    /// Appends the RFC 7541 §5.2 Huffman decoding of `input` after the used bytes.
    @inline(__always)
    mutating func appendHuffman(_ input: UnsafeRawBufferPointer) throws(HPACKError) {
        let start = usedBytes
        let bound = HuffmanDecoder.maximumDecodedLength(input.count)
        if bytes.count &- start < bound { growBytes(toAtLeast: start + bound) }
        let decoded = try bytes.withUnsafeMutableBufferPointer { (storage) throws(HPACKError) -> Int in
            try HuffmanDecoder.decode(input, into: UnsafeMutableBufferPointer(rebasing: storage[start...]))
        }
        usedBytes = start &+ decoded
    }

    /// Drops the used bytes from `start` on (a field that did not fit the budget).
    @inline(__always)
    mutating func truncateBytes(to start: Int) { usedBytes = start }

    /// The used bytes from `start` on.
    @inline(__always)
    func withBytes<R>(from start: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<usedBytes])) }
    }

    @inline(never)
    mutating func growBytes(toAtLeast minimum: Int) {
        let target = Swift.max(minimum, bytes.count * 2, 256)
        bytes.append(contentsOf: repeatElement(0, count: target - bytes.count))
    }

    /// Records a field whose bytes were already appended to `bytes` from `start`.
    @inline(__always)
    mutating func commitField(start: Int, nameLength: Int, indexing: HeaderIndexing,
                              provenance: FieldProvenance, entryID: Int) {
        slots.append(Slot(start: start, nameLength: nameLength, valueLength: usedBytes - start - nameLength,
                          indexing: indexing, provenance: provenance, entryID: entryID))
        if entryID >= 0 { uncheckedEntryCount += 1 }
    }

    public mutating func removeAll(keepingCapacity: Bool = false) {
        // Keeping capacity keeps the storage as it is: only the used count goes back to 0.
        if !keepingCapacity { bytes = [] }
        usedBytes = 0
        if keepingCapacity {
            if !slots.isEmpty { slots.removeAll(keepingCapacity: true) }
        } else {
            slots = []
        }
        uncheckedEntryCount = 0
    }

    /// Calls `body` with the name and the value of field `index` as borrowed bytes.
    @inlinable
    public func withField<R>(at index: Int, _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let slot = slots[index]
        return try bytes.withUnsafeBytes { all in
            let nameEnd = slot.start + slot.nameLength
            return try body(UnsafeRawBufferPointer(rebasing: all[slot.start..<nameEnd]),
                            UnsafeRawBufferPointer(rebasing: all[nameEnd..<(nameEnd + slot.valueLength)]))
        }
    }

    public func nameBytes(at index: Int) -> ArraySlice<UInt8> {
        let slot = slots[index]
        return bytes[slot.start..<(slot.start + slot.nameLength)]
    }

    public func valueBytes(at index: Int) -> ArraySlice<UInt8> {
        let slot = slots[index]
        let start = slot.start + slot.nameLength
        return bytes[start..<(start + slot.valueLength)]
    }

    public func indexing(at index: Int) -> HeaderIndexing { slots[index].indexing }

    /// Calls `body` for every field, with borrowed bytes: the fast way to walk a list.
    @inlinable
    public func forEachField(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, _ indexing: HeaderIndexing) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { all in
            for slot in slots {
                let nameEnd = slot.start + slot.nameLength
                try body(UnsafeRawBufferPointer(rebasing: all[slot.start..<nameEnd]),
                         UnsafeRawBufferPointer(rebasing: all[nameEnd..<(nameEnd + slot.valueLength)]),
                         slot.indexing)
            }
        }
    }
}

/// Which parts of a decoded field are byte-for-byte copies of a field already known to
/// pass the syntax checks of RFC 9113 §8.2.1 (a name that is a lowercase token, a value
/// with no forbidden octet): an entry of the static table (RFC 7541 Appendix A, valid by
/// construction), or a dynamic table entry marked by `HPACKDecoder.markChecked` after a
/// field list holding it passed those checks. The semantic checks (pseudo-header rules,
/// connection-specific fields, `te`, content-length, ...) do not depend on it.
@usableFromInline
package struct FieldProvenance: OptionSet, Sendable, Hashable {
    @usableFromInline package let rawValue: UInt8
    @inlinable package init(rawValue: UInt8) { self.rawValue = rawValue }
    // Computed, not stored: a stored static would be a lazily initialized global, reached
    // through an accessor call on every use from another module.
    /// The name is a copy of a checked name.
    @inlinable package static var checkedName: FieldProvenance { FieldProvenance(rawValue: 1) }
    /// The value is a copy of a checked value.
    @inlinable package static var checkedValue: FieldProvenance { FieldProvenance(rawValue: 2) }
    @inlinable package static var checkedField: FieldProvenance { FieldProvenance(rawValue: 3) }
}

extension HeaderList {
    /// Calls `body` for every field with its index and provenance (package use: the
    /// RFC 9113 §8 validator skips the syntax checks that provenance makes redundant).
    @inlinable
    package func forEachFieldWithProvenance<E: Error>(
        _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, _ index: Int,
                 _ provenance: FieldProvenance) throws(E) -> Void
    ) throws(E) {
        var failure: E?
        bytes.withUnsafeBytes { all in
            var index = 0
            for slot in slots {
                let nameEnd = slot.start + slot.nameLength
                do throws(E) {
                    try body(UnsafeRawBufferPointer(rebasing: all[slot.start..<nameEnd]),
                             UnsafeRawBufferPointer(rebasing: all[nameEnd..<(nameEnd + slot.valueLength)]),
                             index, slot.provenance)
                } catch {
                    failure = error
                    return
                }
                index += 1
            }
        }
        if let failure { throw failure }
    }

    /// True when both lists hold the same fields (bytes, order, indexing flags), as `==`
    /// says, but cheaper: at once when they share their storage (copies of one list), else
    /// with one comparison of the byte buffers and of the field boundaries.
    package func hasSameFields(as other: HeaderList) -> Bool {
        guard slots.count == other.slots.count, usedBytes == other.usedBytes else { return false }
        let used = usedBytes
        let sameBytes = bytes.withUnsafeBytes { mine in
            other.bytes.withUnsafeBytes { theirs in
                // Shared storage cannot differ: a write to shared storage copies it first.
                mine.baseAddress == theirs.baseAddress
                    || Bytes.equal(UnsafeRawBufferPointer(rebasing: mine[..<used]),
                                   UnsafeRawBufferPointer(rebasing: theirs[..<used]))
            }
        }
        guard sameBytes else { return false }
        return slots.withUnsafeBufferPointer { mine in
            other.slots.withUnsafeBufferPointer { theirs in
                if mine.baseAddress == theirs.baseAddress { return true }
                for index in 0..<mine.count {
                    let a = mine[index], b = theirs[index]
                    guard a.start == b.start, a.nameLength == b.nameLength, a.valueLength == b.valueLength,
                          a.indexing == b.indexing else { return false }
                }
                return true
            }
        }
    }

    /// The provenance of field `index` (for tests).
    package func provenance(at index: Int) -> FieldProvenance { slots[index].provenance }
}

extension HeaderList: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    /// The field as strings (bytes that are not UTF-8 are replaced, as `String(decoding:)` does).
    public subscript(position: Int) -> HeaderField {
        HeaderField(String(decoding: nameBytes(at: position), as: UTF8.self),
                    String(decoding: valueBytes(at: position), as: UTF8.self),
                    indexing: slots[position].indexing)
    }
}

extension HeaderList: Equatable {
    /// Equal when the fields, their bytes, order and indexing flags are the same.
    public static func == (lhs: HeaderList, rhs: HeaderList) -> Bool {
        guard lhs.slots.count == rhs.slots.count else { return false }
        for index in 0..<lhs.slots.count {
            guard lhs.slots[index].indexing == rhs.slots[index].indexing,
                  lhs.nameBytes(at: index) == rhs.nameBytes(at: index),
                  lhs.valueBytes(at: index) == rhs.valueBytes(at: index) else { return false }
        }
        return true
    }
}

extension HeaderList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: HeaderField...) { self.init(elements) }
}

extension HeaderList: CustomStringConvertible {
    public var description: String { "[" + map(\.description).joined(separator: ", ") + "]" }
}

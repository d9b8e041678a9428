/// A read-only view of bytes owned by someone else: the caller's input chunk or the
/// reader's buffer for a frame that spanned chunks.
///
/// Frames hold their variable parts (DATA data, field block fragments, GOAWAY debug
/// data...) as views so that parsing copies nothing. A view is valid only as long as the
/// bytes it points to: for a frame from `FrameReader`, until the next call on the reader
/// or until the caller's input is released, whichever comes first. Copy with
/// `Array(view)` to keep the bytes longer.
public struct BorrowedBytes: RandomAccessCollection, CustomStringConvertible {
    /// The viewed memory.
    public let base: UnsafeRawBufferPointer

    /// Views `base`; the caller keeps the memory alive while the view is used.
    public init(_ base: UnsafeRawBufferPointer) {
        self.base = base
    }

    /// An empty view.
    public init() {
        self.base = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { base.count }
    public var count: Int { base.count }
    public var isEmpty: Bool { base.isEmpty }

    public subscript(position: Int) -> UInt8 {
        base[position]
    }

    /// Calls `body` with the viewed memory.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(base)
    }

    /// Lower-case hexadecimal of the bytes, for logs and tests.
    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: base.count * 2) { out in
            var index = 0
            for byte in base {
                out[index] = digits.utf8Start[Int(byte >> 4)]
                out[index + 1] = digits.utf8Start[Int(byte & 0xF)]
                index += 2
            }
            return index
        }
    }

    public var description: String { "<" + hex + ">" }

    /// The bytes from `start` to `end`, clamped to the view (never traps).
    func slice(_ start: Int, _ end: Int) -> BorrowedBytes {
        let lower = Swift.max(0, Swift.min(start, base.count))
        let upper = Swift.max(lower, Swift.min(end, base.count))
        return BorrowedBytes(UnsafeRawBufferPointer(rebasing: base[lower..<upper]))
    }

    /// The byte at `offset`, or 0 when out of range (callers check lengths first; this
    /// only makes sure a mistake cannot read outside the view).
    func uint8(at offset: Int) -> UInt8 {
        guard offset >= 0, offset < base.count else { return 0 }
        return base[offset]
    }

    /// The big-endian 16-bit value at `offset`, or 0 when out of range.
    func uint16(at offset: Int) -> UInt16 {
        guard offset >= 0, offset <= base.count - 2 else { return 0 }
        return UInt16(base[offset]) << 8 | UInt16(base[offset + 1])
    }

    /// The big-endian 32-bit value at `offset`, or 0 when out of range.
    func uint32(at offset: Int) -> UInt32 {
        guard offset >= 0, offset <= base.count - 4 else { return 0 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
    }

    /// The big-endian 64-bit value at `offset`, or 0 when out of range.
    func uint64(at offset: Int) -> UInt64 {
        guard offset >= 0, offset <= base.count - 8 else { return 0 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).bigEndian
    }
}

extension BorrowedBytes: Equatable {
    /// Views are equal when their bytes are equal, wherever they live.
    public static func == (lhs: BorrowedBytes, rhs: BorrowedBytes) -> Bool {
        lhs.base.elementsEqual(rhs.base)
    }
}

// Big-endian appends into the writer's output buffer. Network byte order throughout
// (RFC 9113 §4.1: all multi-octet fields are big-endian).

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value))
    }

    /// Appends `count` zero bytes (padding, RFC 9113 §6.1: padding octets MUST be zero).
    @inline(__always)
    mutating func appendZeros(_ count: Int) {
        guard count > 0 else { return }
        append(contentsOf: repeatElement(0, count: count))
    }

    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        append(contentsOf: bytes)
    }
}

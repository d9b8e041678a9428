/// RFC 7541 §5.1: integers with an N-bit prefix.
enum PrefixInteger {
    /// The largest value we accept: RFC 7541 §7.4 asks for a limit; 32 bits is what every
    /// HTTP/2 quantity (sizes, indices, lengths) needs.
    static let maxValue = Int(UInt32.max)
    /// Continuation octets a 32-bit value can need after the prefix (ceil(32 / 7)).
    static let maxContinuationBytes = 5

    /// Decodes an integer whose prefix occupies the low `prefixBits` bits of `first`.
    @inline(__always)
    static func decode(first: UInt8, prefixBits: Int, from reader: inout ByteReader) throws(HPACKError) -> Int {
        let mask = UInt8(truncatingIfNeeded: (1 << prefixBits) - 1)
        var value = Int(first & mask)
        if value < Int(mask) { return value }
        var shift = 0
        var continuation = 0
        while true {
            let byte = try reader.readByte()
            continuation += 1
            guard continuation <= maxContinuationBytes else { throw .integerTooLong }
            value += Int(byte & 0x7f) << shift
            guard value <= maxValue else { throw .integerOverflow }
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// Appends `value` with an N-bit prefix; `pattern` holds the representation's high bits.
    @inline(__always)
    static func encode(_ value: Int, prefixBits: Int, pattern: UInt8, into out: inout [UInt8]) {
        let limit = (1 << prefixBits) - 1
        if value < limit {
            out.append(pattern | UInt8(truncatingIfNeeded: value))
            return
        }
        out.append(pattern | UInt8(truncatingIfNeeded: limit))
        var rest = value - limit
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest & 0x7f) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: rest))
    }
}

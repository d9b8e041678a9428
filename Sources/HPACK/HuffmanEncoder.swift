/// RFC 7541 §5.2 and Appendix B: the static Huffman code, encoding side.
enum HuffmanEncoder {
    /// The encoded size in octets of `bytes`, padding included.
    @inline(__always)
    static func encodedLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        HuffmanCodeTable.lengths.withUnsafeBufferPointer { lengths in
            var bits = 0
            for byte in bytes { bits &+= Int(lengths[Int(byte)]) }
            return (bits + 7) >> 3
        }
    }

    /// Appends the Huffman encoding of `bytes`, padded with the high bits of EOS (all ones).
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        HuffmanCodeTable.codes.withUnsafeBufferPointer { codes in
            HuffmanCodeTable.lengths.withUnsafeBufferPointer { lengths in
                var accumulator: UInt64 = 0
                var pending = 0  // bits in `accumulator` not yet written, always < 8 between symbols
                for byte in bytes {
                    let length = Int(lengths[Int(byte)])
                    accumulator = (accumulator << UInt64(length)) | UInt64(codes[Int(byte)])
                    pending += length
                    while pending >= 8 {
                        pending -= 8
                        out.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(pending)))
                    }
                }
                if pending > 0 {
                    // RFC 7541 §5.2: pad with the most significant bits of EOS.
                    let padding = 8 - pending
                    accumulator = (accumulator << UInt64(padding)) | ((1 << UInt64(padding)) - 1)
                    out.append(UInt8(truncatingIfNeeded: accumulator))
                }
            }
        }
    }
}

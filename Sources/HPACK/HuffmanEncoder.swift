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
    /// `encodedLength` must be `encodedLength(bytes)`: the output grows once, by that much.
    static func encode(_ bytes: UnsafeRawBufferPointer, encodedLength: Int, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedLength))
        out.withUnsafeMutableBufferPointer { output in
            HuffmanCodeTable.codes.withUnsafeBufferPointer { codes in
                HuffmanCodeTable.lengths.withUnsafeBufferPointer { lengths in
                    var position = start
                    var accumulator: UInt64 = 0
                    var pending: UInt64 = 0  // bits in `accumulator` not yet written (< 32 between symbols)
                    for byte in bytes {
                        let length = UInt64(lengths[Int(byte)])
                        accumulator = (accumulator << length) | UInt64(codes[Int(byte)])
                        pending += length
                        if pending >= 32 {
                            // Write four whole octets at once.
                            pending -= 32
                            let word = UInt32(truncatingIfNeeded: accumulator >> pending)
                            output[position] = UInt8(truncatingIfNeeded: word >> 24)
                            output[position + 1] = UInt8(truncatingIfNeeded: word >> 16)
                            output[position + 2] = UInt8(truncatingIfNeeded: word >> 8)
                            output[position + 3] = UInt8(truncatingIfNeeded: word)
                            position += 4
                        }
                    }
                    while pending >= 8 {
                        pending -= 8
                        output[position] = UInt8(truncatingIfNeeded: accumulator >> pending)
                        position += 1
                    }
                    if pending > 0 {
                        // RFC 7541 §5.2: pad with the most significant bits of EOS.
                        let padding = 8 - pending
                        output[position] = UInt8(truncatingIfNeeded: (accumulator << padding) | ((1 << padding) - 1))
                    }
                }
            }
        }
    }
}

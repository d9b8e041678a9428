/// RFC 7541 §5.2 and Appendix B: the static Huffman code, encoding side.
enum HuffmanEncoder {
    /// The code table as plain memory, built once and never freed (no reference counting
    /// on the per-byte path): code in the low 32 bits, length in the high 32.
    nonisolated(unsafe) private static let table: UnsafePointer<UInt64> = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 257)
        for symbol in 0...256 {
            table[symbol] = UInt64(HuffmanCodeTable.codes[symbol]) | UInt64(HuffmanCodeTable.lengths[symbol]) << 32
        }
        return UnsafePointer(table)
    }()

    /// The encoded size in octets of `bytes`, padding included.
    @inline(__always)
    static func encodedLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        let table = self.table
        var bits: UInt64 = 0
        for byte in bytes { bits &+= table[Int(byte)] >> 32 }
        return Int((bits + 7) >> 3)
    }

    /// Appends the Huffman encoding of `bytes`, padded with the high bits of EOS (all ones).
    /// `encodedLength` must be `encodedLength(bytes)`: the output grows once, by that much.
    static func encode(_ bytes: UnsafeRawBufferPointer, encodedLength: Int, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedLength))
        let table = self.table
        out.withUnsafeMutableBufferPointer { output in
            var position = start
            var accumulator: UInt64 = 0
            var pending: UInt64 = 0  // bits in `accumulator` not yet written (< 32 between symbols)
            for byte in bytes {
                let entry = table[Int(byte)]
                let length = entry >> 32
                accumulator = (accumulator << length) | (entry & 0xffff_ffff)
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

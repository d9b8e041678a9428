/// RFC 7541 §5.2 and Appendix B: the static Huffman code, decoding side.
///
/// Table-driven: the decoder is a finite automaton whose states are the 256 internal
/// nodes of the code tree. Each step consumes 4 bits (a nibble) with one table lookup
/// and emits at most one symbol (no code is shorter than 5 bits).
enum HuffmanDecoder {
    /// One transition, packed: bits 0-7 next state, 8-15 symbol, bit 16 "emits",
    /// bit 17 "reached EOS".
    private static let emitsFlag: UInt32 = 1 << 16
    private static let eosFlag: UInt32 = 1 << 17

    /// Transitions indexed by `state << 4 | nibble`.
    /// `endings` per state: 0 when the string may end there, 1 when the padding would
    /// exceed 7 bits, 2 when the padding would not be all ones.
    private static let tables = buildTables()
    private static var transitions: [UInt32] { tables.transitions }
    private static var endings: [UInt8] { tables.endings }

    /// The most bytes `input` can decode to: no code is shorter than 5 bits.
    @inline(__always)
    static func maximumDecodedLength(_ inputCount: Int) -> Int { (inputCount * 8) / 5 + 1 }

    /// Appends the decoded bytes of `input` to `out`.
    static func decode(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws(HPACKError) {
        // The output grows once, by the most the input can decode to, then shrinks to fit.
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: maximumDecodedLength(input.count)))
        var failure: HPACKError?
        let decoded = out.withUnsafeMutableBufferPointer { output -> Int in
            do throws(HPACKError) {
                return try decode(input, into: UnsafeMutableBufferPointer(rebasing: output[start...]))
            } catch {
                failure = error
                return 0
            }
        }
        out.removeSubrange((start + decoded)...)
        if let failure { throw failure }
    }

    /// Decodes `input` into `output`, which has room for `maximumDecodedLength(input.count)`
    /// bytes; returns the number of bytes decoded.
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) throws(HPACKError) -> Int {
        precondition(output.count >= maximumDecodedLength(input.count), "Huffman output too small")
        let (state, end): (Int, Int) = transitions.withUnsafeBufferPointer { table in
            var state = 0
            var position = 0
            for byte in input {
                // Branch-free emission: the symbol is always stored, the position moves
                // only when the step completed one (bit 16).
                var entry = table[(state << 4) | Int(byte >> 4)]
                if entry & eosFlag != 0 { return (-1, position) }
                output[position] = UInt8(truncatingIfNeeded: entry >> 8)
                position += Int((entry >> 16) & 1)
                state = Int(entry & 0xff)
                entry = table[(state << 4) | Int(byte & 0x0f)]
                if entry & eosFlag != 0 { return (-1, position) }
                output[position] = UInt8(truncatingIfNeeded: entry >> 8)
                position += Int((entry >> 16) & 1)
                state = Int(entry & 0xff)
            }
            return (state, position)
        }
        if state < 0 { throw .huffmanEOS }
        switch endings[state] {
        case 0: return end
        case 1: throw .huffmanPaddingTooLong
        default: throw .huffmanInvalidPadding
        }
    }

    /// Builds the automaton from the code table: first the binary tree, then for every
    /// (internal node, nibble) pair the node reached and the symbol completed on the way.
    private static func buildTables() -> (transitions: [UInt32], endings: [UInt8]) {
        // children[node * 2 + bit]: >= 0 an internal node, < 0 a leaf -(symbol + 1).
        var children = [Int](repeating: Int.min, count: 512)
        var depth = [Int](repeating: 0, count: 256)
        var allOnes = [Bool](repeating: true, count: 256)
        var nodeCount = 1
        for symbol in 0...256 {
            let code = HuffmanCodeTable.codes[symbol]
            let length = Int(HuffmanCodeTable.lengths[symbol])
            var node = 0
            for position in stride(from: length - 1, through: 0, by: -1) {
                let bit = Int((code >> UInt32(position)) & 1)
                let slot = node * 2 + bit
                if position == 0 {
                    children[slot] = -(symbol + 1)
                } else {
                    if children[slot] == Int.min {
                        children[slot] = nodeCount
                        depth[nodeCount] = depth[node] + 1
                        allOnes[nodeCount] = allOnes[node] && bit == 1
                        nodeCount += 1
                    }
                    node = children[slot]
                }
            }
        }
        var transitions = [UInt32](repeating: 0, count: 256 * 16)
        for state in 0..<nodeCount {
            for nibble in 0..<16 {
                var node = state
                var entry: UInt32 = 0
                for position in stride(from: 3, through: 0, by: -1) {
                    let child = children[node * 2 + ((nibble >> position) & 1)]
                    if child >= 0 {
                        node = child
                    } else {
                        let symbol = -child - 1
                        if symbol == 256 { entry |= eosFlag } else { entry |= emitsFlag | UInt32(symbol) << 8 }
                        node = 0
                    }
                }
                transitions[state * 16 + nibble] = entry | UInt32(node)
            }
        }
        var endings = [UInt8](repeating: 0, count: 256)
        for state in 1..<256 {
            endings[state] = !allOnes[state] ? 2 : (depth[state] > 7 ? 1 : 0)
        }
        return (transitions, endings)
    }
}

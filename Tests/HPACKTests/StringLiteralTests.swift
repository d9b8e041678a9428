import HPACK
import Testing

/// RFC 7541 §5.2 and Appendix B: string literals, raw and Huffman-coded.
@Suite("RFC 7541 §5.2 string literals and the Huffman code")
struct StringLiteralTests {
    /// A literal-without-indexing field with a new name "a" and the given encoded value.
    func blockWithValue(_ valueHex: String, huffman: Bool) -> String {
        let length = hexBytes(valueHex).count
        precondition(length < 127)
        let prefix = (huffman ? 0x80 : 0) | length
        return "00 01 61 " + String(format2(prefix)) + " " + valueHex
    }

    func format2(_ value: Int) -> String { (value < 16 ? "0" : "") + String(value, radix: 16) }

    @Test("C.4.1: www.example.com in Huffman is f1e3 c2e5 f23a 6ba0 ab90 f4ff")
    func knownHuffmanString() throws {
        var decoder = HPACKDecoder()
        let list = try decodeHex(blockWithValue("f1e3c2e5f23a6ba0ab90f4ff", huffman: true), with: &decoder)
        #expect(pairs(list) == [["a", "www.example.com"]])
    }

    @Test("every octet value round-trips through the Huffman code, alone and together")
    func allOctets() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder(maxHeaderListSize: 1 << 20)
        var everything = HeaderList()
        for byte in 0...255 {
            var single = HeaderList()
            withUnsafeBytes(of: UInt8(byte)) { value in
                "x-byte".utf8CString.withUnsafeBytes { name in
                    single.append(name: UnsafeRawBufferPointer(rebasing: name.dropLast()), value: value, indexing: .notIndexed)
                }
            }
            var block: [UInt8] = []
            encoder.encode(single, into: &block)
            #expect(try decoder.decode(block) == single)
        }
        let all = (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }
        all.withUnsafeBytes { value in
            Array("x-all".utf8).withUnsafeBytes { name in everything.append(name: name, value: value, indexing: .notIndexed) }
        }
        var block: [UInt8] = []
        encoder.encode(everything, into: &block)
        #expect(try decoder.decode(block) == everything)
    }

    @Test("Huffman is used only when it is shorter")
    func huffmanOnlyWhenShorter() {
        var encoder = HPACKEncoder()
        // "custom-value" shrinks under Huffman; three control bytes grow (each code is >= 13 bits).
        let shorter = encoder.encode([HeaderField("a", "custom-value", indexing: .notIndexed)])
        #expect(shorter[3] & 0x80 != 0)
        var raw = HeaderList()
        Array<UInt8>([1, 2, 3]).withUnsafeBytes { value in
            Array("b".utf8).withUnsafeBytes { raw.append(name: $0, value: value, indexing: .notIndexed) }
        }
        var block: [UInt8] = []
        encoder.encode(raw, into: &block)
        #expect(block == hexBytes("00 01 62 03 01 02 03"))
    }

    @Test("padding of 8 bits or more is rejected")
    func paddingTooLong() {
        // "a" is 00011 (5 bits): 0x1f pads with 3 ones; adding a whole 0xff byte is too long.
        #expect(decodeError(blockWithValue("1f", huffman: true)) == nil)
        #expect(decodeError(blockWithValue("1fff", huffman: true)) == .huffmanPaddingTooLong)
        #expect(decodeError(blockWithValue("ff", huffman: true)) == .huffmanPaddingTooLong)
    }

    @Test("padding that is not all ones is rejected")
    func paddingNotOnes() {
        #expect(decodeError(blockWithValue("1e", huffman: true)) == .huffmanInvalidPadding)  // 00011 110
        #expect(decodeError(blockWithValue("18", huffman: true)) == .huffmanInvalidPadding)  // 00011 000
    }

    @Test("the EOS symbol inside a string is rejected")
    func eosInside() {
        // EOS is 30 ones: ff ff ff fc followed by 2 ones of padding = ff ff ff ff.
        #expect(decodeError(blockWithValue("ffffffff", huffman: true)) == .huffmanEOS)
        // "a" then EOS: 00011 + 30 ones + 5 ones of padding.
        #expect(decodeError(blockWithValue("1fffffffff", huffman: true)) == .huffmanEOS)
    }

    @Test("an empty Huffman string is the empty value")
    func emptyHuffman() throws {
        var decoder = HPACKDecoder()
        #expect(pairs(try decodeHex("00 01 61 80", with: &decoder)) == [["a", ""]])
    }

    @Test("a string longer than the rest of the block is truncated")
    func truncatedString() {
        #expect(decodeError("00 01 61 05 61 62") == .truncated)
        #expect(decodeError("00 05 61") == .truncated)
        #expect(decodeError("00 01 61") == .truncated)
    }
}

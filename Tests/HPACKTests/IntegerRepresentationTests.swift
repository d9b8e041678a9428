import HPACK
import Testing

/// RFC 7541 §5.1: integers with an N-bit prefix, seen through the decoder (size updates use
/// a 5-bit prefix, indices 7 bits, literal names 6 or 4 bits).
@Suite("RFC 7541 §5.1 integer representation")
struct IntegerRepresentationTests {
    @Test("C.1.1: 10 in a 5-bit prefix is one octet")
    func smallValue() throws {
        var decoder = HPACKDecoder()
        _ = try decodeHex("2a", with: &decoder)  // size update to 10
        #expect(decoder.tableMaxSize == 10)
    }

    @Test("C.1.2: 1337 in a 5-bit prefix is 1f 9a 0a")
    func multiOctetValue() throws {
        var decoder = HPACKDecoder(maxTableSize: 4096)
        _ = try decodeHex("3f 9a 0a", with: &decoder)
        #expect(decoder.tableMaxSize == 1337)
        var encoder = HPACKEncoder()
        encoder.setMaxTableSize(1337)
        #expect(encoder.encode([HeaderField]()) == hexBytes("3f 9a 0a"))
    }

    @Test("the prefix boundary: 2^N - 1 takes a zero continuation octet")
    func prefixBoundary() throws {
        // Index 127 = 0xff 0x00 (7-bit prefix); 126 fits the prefix.
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        var block: [UInt8] = []
        var fields: [HeaderField] = []
        for position in 0..<70 { fields.append(HeaderField("x-\(position)", "v")) }
        encoder.encode(fields, into: &block)
        _ = try decoder.decode(block)
        // The oldest entry is now dynamic index 70, i.e. 61 + 70 = 131 > 127.
        let reference = try decoder.decode(hexBytes("ff 04"))  // 127 + 4 = 131
        #expect(pairs(reference) == [["x-0", "v"]])
    }

    @Test("a value above 2^32 - 1 is rejected")
    func overflow() {
        #expect(decodeError("ff ff ff ff ff 0f") == .integerOverflow)
        // As a string length it is rejected before any allocation.
        #expect(decodeError("00 7f ff ff ff ff 0f") == .integerOverflow)
    }

    @Test("2^32 - 1 itself is accepted as an integer (then fails as an index)")
    func largestValue() {
        // 0xff then 2^32 - 1 - 127 = 0xffffff80 in 7-bit groups.
        #expect(decodeError("ff 80 ff ff ff 0f") == .invalidIndex(Int(UInt32.max)))
    }

    @Test("more continuation octets than a 32-bit value needs are rejected")
    func tooLong() {
        #expect(decodeError("ff 80 80 80 80 80 00") == .integerTooLong)
        #expect(decodeError("ff 80 80 80 80 00") == .invalidIndex(127))
    }

    @Test("an integer cut off in its continuation is truncated")
    func truncated() {
        #expect(decodeError("ff 80") == .truncated)
        #expect(decodeError("3f") == .truncated)
    }

    @Test("every length from 0 to 70000 survives the round trip in every prefix")
    func roundTripLengths() throws {
        var encoder = HPACKEncoder(huffman: .never)
        var decoder = HPACKDecoder(maxHeaderListSize: 1 << 20)
        for length in [0, 1, 14, 15, 16, 62, 63, 64, 126, 127, 128, 254, 255, 256, 16383, 16384, 70000] {
            let value = String(repeating: "a", count: length)
            let block = encoder.encode([HeaderField("x-len", value, indexing: .notIndexed)])
            let list = try decoder.decode(block)
            #expect(list.valueBytes(at: 0).count == length)
        }
    }
}

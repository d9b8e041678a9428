import HPACK
import Testing

/// RFC 7541 §4.2 and §6.3: dynamic table size updates.
@Suite("RFC 7541 §4.2, §6.3 dynamic table size updates")
struct SizeUpdateTests {
    @Test("an update after a field is rejected")
    func notAtStart() {
        #expect(decodeError("82 3f e1 1f") == .tableSizeUpdateNotAtStart)
        #expect(decodeError("82 20") == .tableSizeUpdateNotAtStart)
    }

    @Test("an update above the SETTINGS limit is rejected")
    func aboveLimit() {
        #expect(decodeError("3f e2 1f") == .tableSizeUpdateTooLarge(requested: 4097, limit: 4096))
        #expect(decodeError("3f e2 1f 82") == .tableSizeUpdateTooLarge(requested: 4097, limit: 4096))
        #expect(decodeError("3f e0 1f") == nil)  // exactly 4096
    }

    @Test("two updates at the start of a block are allowed (smallest, then final)")
    func twoUpdates() throws {
        var decoder = HPACKDecoder()
        _ = try decodeHex("40 01 61 01 31", with: &decoder)
        let list = try decodeHex("20 3f e1 0f 82", with: &decoder)  // 0, then 2048, then :method GET
        #expect(pairs(list) == [[":method", "GET"]])
        #expect(decoder.tableCount == 0)
        #expect(decoder.tableMaxSize == 2048)
    }

    @Test("after our limit shrinks, the next block must start with an update")
    func requiredAfterShrink() throws {
        var decoder = HPACKDecoder()
        _ = try decodeHex("40 01 61 01 31", with: &decoder)
        decoder.setMaxAllowedTableSize(256)
        #expect(decodeError("82", with: &decoder) == .missingTableSizeUpdate)

        var second = HPACKDecoder()
        second.setMaxAllowedTableSize(256)
        #expect(decodeError("3f e2 01", with: &second) == .tableSizeUpdateTooLarge(requested: 257, limit: 256))
        var third = HPACKDecoder()
        third.setMaxAllowedTableSize(256)
        #expect(decodeError("", with: &third) == .missingTableSizeUpdate)
        var fourth = HPACKDecoder()
        fourth.setMaxAllowedTableSize(256)
        #expect(pairs(try decodeHex("3f e1 01 82", with: &fourth)) == [[":method", "GET"]])
        #expect(fourth.tableMaxSize == 256)
    }

    @Test("a larger limit needs no update")
    func growingLimit() throws {
        var decoder = HPACKDecoder()
        decoder.setMaxAllowedTableSize(8192)
        #expect(pairs(try decodeHex("82", with: &decoder)) == [[":method", "GET"]])
        #expect(decoder.tableMaxSize == 4096)
        _ = try decodeHex("3f e1 3f", with: &decoder)  // 31 + 8161 = 8192
        #expect(decoder.tableMaxSize == 8192)
    }

    @Test("the encoder signals the smallest size, then the final one")
    func encoderSignalsSmallestThenFinal() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        _ = try decoder.decode(encoder.encode([HeaderField("x-a", "1")]))
        encoder.setMaxTableSize(100)
        encoder.setMaxTableSize(0)
        encoder.setMaxTableSize(2048)
        let block = encoder.encode([HeaderField(":method", "GET")])
        #expect(block == hexBytes("20 3f e1 0f 82"))
        decoder.setMaxAllowedTableSize(2048)
        _ = try decoder.decode(block)
        #expect(decoder.tableMaxSize == 2048)
        #expect(decoder.tableCount == 0)
        // Nothing pending: no update in the next block.
        #expect(encoder.encode([HeaderField(":method", "GET")]) == [0x82])
    }

    @Test("the encoder signals a single change once, and nothing when the size did not change")
    func encoderSingleChange() {
        var encoder = HPACKEncoder()
        encoder.setMaxTableSize(256)
        #expect(encoder.encode([HeaderField(":method", "GET")]) == hexBytes("3f e1 01 82"))
        encoder.setMaxTableSize(256)
        #expect(encoder.encode([HeaderField(":method", "GET")]) == [0x82])
        encoder.setMaxTableSize(4096)
        encoder.setMaxTableSize(256)
        #expect(encoder.encode([HeaderField(":method", "GET")]) == [0x82])
    }

    @Test("the encoder caps its table below the peer's limit when asked to")
    func encoderCap() throws {
        var encoder = HPACKEncoder(tableSizeCap: 1024)
        encoder.setMaxTableSize(65536)
        #expect(encoder.encode([HeaderField(":method", "GET")]) == hexBytes("3f e1 07 82"))
        #expect(encoder.tableMaxSize == 1024)
    }
}

import HPACK
import Testing

/// RFC 7541 §2.3 and §4: the static table, the dynamic table and eviction.
@Suite("RFC 7541 §2.3, §4 indexing tables")
struct TableTests {
    @Test("Appendix A: every static entry decodes from its index")
    func staticEntries() throws {
        var decoder = HPACKDecoder()
        let list = try decoder.decode((1...61).map { UInt8(0x80 | $0) })
        #expect(list.count == 61)
        #expect(pairs(list)[0] == [":authority", ""])
        #expect(pairs(list)[1] == [":method", "GET"])
        #expect(pairs(list)[15] == ["accept-encoding", "gzip, deflate"])
        #expect(pairs(list)[60] == ["www-authenticate", ""])
        #expect(decoder.tableCount == 0)
    }

    @Test("§2.3.3: dynamic entries follow the static ones, newest first; beyond them is an error")
    func indexAddressSpace() throws {
        var decoder = HPACKDecoder()
        _ = try decodeHex("40 01 61 01 31  40 01 62 01 32", with: &decoder)  // a:1 then b:2
        #expect(pairs(try decodeHex("be bf", with: &decoder)) == [["b", "2"], ["a", "1"]])
        #expect(decodeError("c0", with: &decoder) == .invalidIndex(64))
        #expect(decodeError("80", with: &decoder) == .invalidIndex(0))
        #expect(decodeError("7f 01 01 61", with: &decoder) == .invalidIndex(64))  // literal name index 64
    }

    @Test("§2.3.2: duplicate entries are not an error")
    func duplicateEntries() throws {
        var decoder = HPACKDecoder()
        let list = try decodeHex("40 01 61 01 31  40 01 61 01 31  be bf", with: &decoder)
        #expect(pairs(list) == Array(repeating: ["a", "1"], count: 4))
        #expect(decoder.tableCount == 2)
    }

    @Test("§2.1: fields keep their order, in both directions")
    func order() throws {
        let fields = (0..<40).map { HeaderField("x-\($0 % 7)", "\(($0 * 13) % 11)") }
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        for _ in 0..<3 {
            #expect(try decoder.decode(encoder.encode(fields)) == HeaderList(fields))
        }
    }

    @Test("§4.1: an entry's size is name + value + 32")
    func entrySize() throws {
        var decoder = HPACKDecoder()
        _ = try decodeHex("40 0a 637573746f6d2d6b6579 0d 637573746f6d2d686561646572", with: &decoder)
        #expect(decoder.tableSize == 55)  // C.2.1
    }

    @Test("§4.4: adding evicts the oldest entries until the new one fits")
    func evictionOnInsert() throws {
        var decoder = HPACKDecoder(maxTableSize: 100)
        _ = try decodeHex("40 01 61 0f 303132333435363738393031323334", with: &decoder)  // 1 + 15 + 32 = 48
        _ = try decodeHex("40 01 62 0f 303132333435363738393031323334", with: &decoder)  // 96 in all
        #expect(decoder.tableCount == 2)
        _ = try decodeHex("40 01 63 01 78", with: &decoder)  // 34: evicts "a"
        #expect(decoder.tableCount == 2)
        #expect(decoder.tableSize == 48 + 34)
        #expect(pairs(try decodeHex("be bf", with: &decoder)) == [["c", "x"], ["b", "012345678901234"]])
    }

    @Test("§4.4: an entry larger than the table empties it and is not added")
    func oversizedEntry() throws {
        var decoder = HPACKDecoder(maxTableSize: 64)
        _ = try decodeHex("40 01 61 01 31", with: &decoder)
        #expect(decoder.tableCount == 1)
        let long = String(repeating: "7a", count: 40)
        let list = try decodeHex("40 01 62 28 " + long, with: &decoder)
        #expect(list.count == 1)
        #expect(decoder.tableCount == 0)
        #expect(decoder.tableSize == 0)
    }

    @Test("§4.4: a new entry may take its name from the entry it evicts")
    func nameFromEvictedEntry() throws {
        var decoder = HPACKDecoder(maxTableSize: 70)
        _ = try decodeHex("40 05 6c6f6e6731 04 76616c31", with: &decoder)  // long1: val1 (41)
        // Literal with incremental indexing, name = dynamic index 62 (the entry about to go).
        let list = try decodeHex("7e 05 7661 6c32 32", with: &decoder)
        #expect(pairs(list) == [["long1", "val22"]])
        #expect(pairs(try decodeHex("be", with: &decoder)) == [["long1", "val22"]])
        #expect(decoder.tableCount == 1)
    }

    @Test("§4.3: a smaller maximum evicts until the table fits, 0 empties it")
    func evictionOnResize() throws {
        var decoder = HPACKDecoder()
        var encoder = HPACKEncoder(huffman: .never)
        for name in ["a", "b", "c"] {
            _ = try decoder.decode(encoder.encode([HeaderField(name, "value")]))
        }
        #expect(decoder.tableCount == 3)
        _ = try decodeHex("3f 0b", with: &decoder)  // 31 + 11 = 42: keeps one 38-byte entry
        #expect(decoder.tableCount == 1)
        #expect(pairs(try decodeHex("be", with: &decoder)) == [["c", "value"]])
        _ = try decodeHex("20", with: &decoder)
        #expect(decoder.tableCount == 0)
        #expect(decodeError("be", with: &decoder) == .invalidIndex(62))
    }

    @Test("a long story keeps encoder and decoder tables identical (ring wrap and compaction)")
    func longStory() throws {
        var encoder = HPACKEncoder(maxTableSize: 512)
        var decoder = HPACKDecoder(maxTableSize: 512)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<2000 {
            var list = HeaderList()
            for position in 0..<Int.random(in: 1...8, using: &generator) {
                let value = String(repeating: "v", count: Int.random(in: 0...90, using: &generator))
                list.append(name: "x-\(position % 5)", value: "\(round % 7)\(value)")
            }
            var block: [UInt8] = []
            encoder.encode(list, into: &block)
            #expect(try decoder.decode(block) == list)
            #expect(decoder.tableSize == encoder.tableSize)
            #expect(decoder.tableCount == encoder.tableCount)
        }
    }
}

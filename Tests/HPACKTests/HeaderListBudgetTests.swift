import HPACK
import Testing

/// The decoded header list budget (RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE, RFC 7541
/// §7.3 memory consumption) and the "HPACK bomb" (CVE-2016-6581).
@Suite("RFC 7541 §7.3 header list budget")
struct HeaderListBudgetTests {
    /// A block that inserts a 4000-byte value, then one that references it `count` times.
    func bomb(count: Int) -> (insert: [UInt8], references: [UInt8]) {
        var encoder = HPACKEncoder(huffman: .never, indexingPolicy: .indexEverything)
        let insert = encoder.encode([HeaderField("x-bomb", String(repeating: "A", count: 4000))])
        return (insert, [UInt8](repeating: 0xbe, count: count))
    }

    @Test("a list within the budget decodes; one byte over fails")
    func exactBudget() throws {
        var encoder = HPACKEncoder()
        let block = encoder.encode([HeaderField("x-a", "12345")])  // 3 + 5 + 32 = 40
        var decoder = HPACKDecoder(maxHeaderListSize: 40)
        #expect(try decoder.decode(block).count == 1)
        var tight = HPACKDecoder(maxHeaderListSize: 39)
        #expect(decodeError(block, with: &tight) == .headerListTooLarge(limit: 39))
    }

    @Test("the HPACK bomb fails with bounded memory, and the table stays in sync")
    func bombFailsFast() throws {
        let (insert, references) = bomb(count: 16_384)  // 16 KiB that would expand to 65 MB
        var decoder = HPACKDecoder(maxHeaderListSize: 65_536)
        _ = try decoder.decode(insert)
        var list = HeaderList()
        let failure: HPACKError? = {
            do throws(HPACKError) { try decoder.decode(references, into: &list); return nil } catch { return error }
        }()
        #expect(failure == .headerListTooLarge(limit: 65_536))
        #expect(list.byteCount <= 65_536)
        #expect(list.listSize <= 65_536)
        // The connection can go on: the next block still sees the same table.
        let next = try decoder.decode([0xbe])
        #expect(next.valueBytes(at: 0).count == 4000)
    }

    @Test("entries inserted after the budget ran out still reach the table")
    func syncAfterOverflow() throws {
        var encoder = HPACKEncoder(huffman: .never, indexingPolicy: .indexEverything)
        var decoder = HPACKDecoder(maxHeaderListSize: 100)
        let block = encoder.encode([HeaderField("x-first", String(repeating: "f", count: 80)),
                                    HeaderField("x-second", "kept in the table")])
        #expect(decodeError(block, with: &decoder) == .headerListTooLarge(limit: 100))
        #expect(decoder.tableCount == 2)
        #expect(decoder.tableSize == encoder.tableSize)
        decoder.maxHeaderListSize = 1000
        let again = encoder.encode([HeaderField("x-second", "kept in the table")])
        #expect(again == [0xbe])
        #expect(pairs(try decoder.decode(again)) == [["x-second", "kept in the table"]])
    }

    @Test("a huge literal is rejected before it is copied")
    func hugeLiteral() {
        var encoder = HPACKEncoder(huffman: .never)
        let block = encoder.encode([HeaderField("x-huge", String(repeating: "h", count: 200_000), indexing: .notIndexed)])
        var decoder = HPACKDecoder(maxHeaderListSize: 8192)
        var list = HeaderList()
        let failure: HPACKError? = {
            do throws(HPACKError) { try decoder.decode(block, into: &list); return nil } catch { return error }
        }()
        #expect(failure == .headerListTooLarge(limit: 8192))
        #expect(list.byteCount == 0)
    }
}

import Testing
@testable import HPACK

/// `FieldProvenance`: which decoded fields are copies of bytes whose RFC 9113 §8.2.1 syntax
/// was already checked (the static table; dynamic entries marked by `markChecked`).
@Suite("Decoded field provenance (checked table entries)")
struct ProvenanceTests {
    /// A literal with incremental indexing and a new name (RFC 7541 §6.2.1), raw strings.
    static func literalIndexed(_ name: String, _ value: String) -> [UInt8] {
        [0x40, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    @Test("static table fields are checked; literal values never are")
    func staticAndLiterals() throws {
        var decoder = HPACKDecoder()
        // :method GET (indexed 2), :path with a literal value (static name 4, §6.2.2),
        // a new name never indexed (§6.2.3).
        let block: [UInt8] = [0x82, 0x04, 0x02] + Array("/a".utf8) + [0x10, 0x01] + Array("x".utf8) + [0x01] + Array("y".utf8)
        let list = try decoder.decode(block)
        #expect(list.count == 3)
        #expect(list.provenance(at: 0) == .checkedField)
        #expect(list.provenance(at: 1) == .checkedName)
        #expect(list.provenance(at: 2) == [])
    }

    @Test("a dynamic entry is checked only once markChecked saw a list holding it")
    func dynamicEntries() throws {
        var decoder = HPACKDecoder()
        let first = try decoder.decode(Self.literalIndexed("x-a", "1"))
        #expect(first.provenance(at: 0) == [])
        // Referenced again before marking: still unchecked.
        var second = try decoder.decode([0x80 | 62])
        #expect(second.provenance(at: 0) == [])
        decoder.markChecked(second)
        second = try decoder.decode([0x80 | 62, 0x40 | 62, 0x01] + Array("2".utf8))
        #expect(second.provenance(at: 0) == .checkedField)
        // Its name reused with a literal value: only the name is a checked copy.
        #expect(second.provenance(at: 1) == .checkedName)
        // The new entry ("x-a: 2", now index 62) is not checked yet; "x-a: 1" is 63.
        let third = try decoder.decode([0x80 | 62, 0x80 | 63])
        #expect(third.provenance(at: 0) == [])
        #expect(third.provenance(at: 1) == .checkedField)
    }

    @Test("an entry inserted by a literal is marked through the list that inserted it")
    func insertedEntry() throws {
        var decoder = HPACKDecoder()
        let list = try decoder.decode(Self.literalIndexed("x-a", "1"))
        decoder.markChecked(list)
        #expect(try decoder.decode([0x80 | 62]).provenance(at: 0) == .checkedField)
    }

    @Test("an evicted checked entry does not pass its mark to the entry that replaces it")
    func evictionAndRingReuse() throws {
        var decoder = HPACKDecoder()
        // A 64-octet table holds one small entry: every insertion evicts the previous one,
        // and the ring of descriptors wraps around many times.
        var list = try decoder.decode([0x3f, 0x21] + Self.literalIndexed("x-a", "ok"))  // size update to 64
        decoder.markChecked(list)
        for round in 0..<40 {
            #expect(try decoder.decode([0x80 | 62]).provenance(at: 0) == .checkedField)
            list = try decoder.decode(Self.literalIndexed("x-a", "v\(round)"))
            #expect(decoder.tableCount == 1)
            #expect(try decoder.decode([0x80 | 62]).provenance(at: 0) == [], "round \(round)")
            if round % 2 == 0 { decoder.markChecked(list) } else { decoder.markChecked(try decoder.decode([0x80 | 62])) }
        }
    }

    @Test("marking a list whose entries were evicted since marks nothing")
    func staleMark() throws {
        var decoder = HPACKDecoder()
        let old = try decoder.decode([0x3f, 0x21] + Self.literalIndexed("x-a", "1"))
        _ = try decoder.decode(Self.literalIndexed("x-b", "2"))  // evicts "x-a: 1"
        decoder.markChecked(old)
        #expect(try decoder.decode([0x80 | 62]).provenance(at: 0) == [])
    }

    @Test("fields added by the application carry no provenance; equality ignores it")
    func applicationFields() throws {
        var decoder = HPACKDecoder()
        let decoded = try decoder.decode([0x82])
        let built: HeaderList = [HeaderField(":method", "GET")]
        #expect(built.provenance(at: 0) == [])
        #expect(decoded == built)
        var extended = decoded
        extended.append(name: "x", value: "y")
        #expect(extended.provenance(at: 0) == .checkedField)
        #expect(extended.provenance(at: 1) == [])
    }
}

/// `HeaderList` keeps its own count of used bytes over storage that only grows: a list kept
/// by the application must never see the bytes of the next block the decoder reuses it for.
@Suite("HeaderList storage reuse")
struct HeaderListStorageTests {
    @Test("a copy kept across removeAll(keepingCapacity:) and the next decode keeps its fields")
    func copyOnWriteAcrossReuse() throws {
        var decoder = HPACKDecoder()
        var encoder = HPACKEncoder()
        let first: HeaderList = [HeaderField(":method", "GET"), HeaderField(":path", "/first/path/with/some/length"),
                                 HeaderField("user-agent", String(repeating: "u", count: 300))]
        let second: HeaderList = [HeaderField(":method", "POST"), HeaderField(":path", "/2"),
                                  HeaderField("x-other", String(repeating: "o", count: 900))]
        var list = HeaderList()
        try decoder.decode(encoder.encode(Array(first)), into: &list)
        let kept = list
        list.removeAll(keepingCapacity: true)
        #expect(list.isEmpty && list.byteCount == 0 && list.listSize == 0)
        try decoder.decode(encoder.encode(Array(second)), into: &list)
        // (Compared as names and values: the decoder reports how each field was indexed.)
        let pairs = { (list: HeaderList) in list.map { [$0.name, $0.value] } }
        #expect(pairs(kept) == pairs(first))
        #expect(pairs(list) == pairs(second))
        #expect(kept.byteCount == first.byteCount)
        // And the other way: appending to the copy leaves the original alone.
        var copy = list
        copy.append(name: "x-more", value: "1")
        #expect(pairs(list) == pairs(second))
        #expect(copy.count == second.count + 1)
    }

    @Test("a field past the budget leaves no bytes behind; the list stays usable")
    func truncatedField() throws {
        var decoder = HPACKDecoder(maxHeaderListSize: 100)
        var encoder = HPACKEncoder(huffman: .always)
        var list = HeaderList()
        let block = encoder.encode([HeaderField("a", "1"), HeaderField("big", String(repeating: "b", count: 200))])
        #expect(throws: HPACKError.self) { try decoder.decode(block, into: &list) }
        #expect(list.count == 1)
        #expect(list.byteCount == 2)
        list.append(name: "c", value: "3")
        #expect(list == [HeaderField("a", "1"), HeaderField("c", "3")])
    }

    @Test("storage grows over many fields, raw and Huffman-coded, and hasSameFields agrees with ==")
    func growthAndComparison() throws {
        var decoder = HPACKDecoder()
        var fields: [HeaderField] = []
        for index in 0..<200 { fields.append(HeaderField("x-\(index)", String(repeating: "v", count: index % 37))) }
        for huffman in [HPACKEncoder.HuffmanPolicy.never, .always] {
            var encoder = HPACKEncoder(huffman: huffman)
            let list = try decoder.decode(encoder.encode(fields))
            #expect(Array(list) == fields)
            let rebuilt = HeaderList(fields)
            #expect(list.hasSameFields(as: rebuilt) && list == rebuilt)
            var other = rebuilt
            other.removeAll(keepingCapacity: true)
            for field in fields.dropLast() { other.append(field) }
            other.append(name: "x-199", value: "w")
            #expect(!list.hasSameFields(as: other) && list != other)
        }
    }
}

/// RFC 7541 §5.2 past the header-list budget: a literal the decoder does not keep (over the
/// budget, not indexed or larger than the table) still has its Huffman strings checked.
/// Reproducer of the fuzz finding `hpack-over-budget-unvalidated` (Fuzz/Regressions).
@Suite("Huffman errors past the header-list budget")
struct OverBudgetHuffmanTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("the fuzz reproducer: padding that is not all ones, past the budget, is a decoding error")
    func fuzzReproducer() {
        var decoder = HPACKDecoder(maxTableSize: 64, maxHeaderListSize: 32)
        #expect(throws: HPACKError.huffmanInvalidPadding) {
            try decoder.decode(Self.hex("018f018f01a2a2a2a2a2a2a2a2a2a2a2a2"))
        }
    }

    @Test("EOS and long padding past the budget, in values and names, with every literal kind")
    func everyKind() {
        // Huffman strings: "a" then the EOS code (30 ones); "a" then 8 bits of padding.
        let eos: [UInt8] = [0x85, 0x1f, 0xff, 0xff, 0xff, 0xfc]
        let longPadding: [UInt8] = [0x82, 0x1f, 0xff]
        for (string, error) in [(eos, HPACKError.huffmanEOS), (longPadding, .huffmanPaddingTooLong)] {
            for pattern: UInt8 in [0x00, 0x10, 0x40] {  // without indexing, never indexed, incremental
                // Budget 0: every field is over it. Value with a bad string, name static (:path).
                var decoder = HPACKDecoder(maxTableSize: 4096, maxHeaderListSize: 0)
                let byValue = [pattern | 0x04] + string
                #expect(throws: error) { try decoder.decode(byValue) }
                // Literal name with a bad string.
                decoder = HPACKDecoder(maxTableSize: 4096, maxHeaderListSize: 0)
                let byName = [pattern] + string + [0x01, 0x61]
                #expect(throws: error) { try decoder.decode(byName) }
            }
            // A literal larger than the table (it empties the table) with a bad value.
            var small = HPACKDecoder(maxTableSize: 40, maxHeaderListSize: 0)
            #expect(throws: error) { try small.decode([0x44] + string) }
        }
    }

    @Test("valid strings past the budget are still just header-list-too-large, the table in step")
    func validStrings() throws {
        var encoder = HPACKEncoder(huffman: .always)
        let fields = [HeaderField("x-a", "1"), HeaderField("x-long", String(repeating: "v", count: 120)),
                      HeaderField("x-secret", "s", indexing: .neverIndexed)]
        let block = encoder.encode(fields)
        var decoder = HPACKDecoder(maxHeaderListSize: 40)
        #expect(throws: HPACKError.headerListTooLarge(limit: 40)) { try decoder.decode(block) }
        #expect(decoder.tableCount == encoder.tableCount)
        #expect(decoder.tableSize == encoder.tableSize)
    }
}

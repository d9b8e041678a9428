import HPACK
import Testing

/// The encoder's choices: RFC 7541 §7.1.3 (never-indexed secrets), §6.2 (indexing).
@Suite("RFC 7541 §7.1 encoder indexing policy")
struct EncoderPolicyTests {
    /// The first octet of a block with one field tells its representation.
    func representation(of field: HeaderField, policy: IndexingPolicy = .default) -> String {
        var encoder = HPACKEncoder(indexingPolicy: policy)
        let first = encoder.encode([field])[0]
        if first & 0x80 != 0 { return "indexed" }
        if first & 0xc0 == 0x40 { return "incremental" }
        if first & 0xf0 == 0x10 { return "never" }
        return "literal"
    }

    @Test("credentials are never indexed by default")
    func credentials() {
        #expect(representation(of: HeaderField("authorization", "Bearer abcdefghijklmnopqrstuvwxyz0123456789")) == "never")
        #expect(representation(of: HeaderField("proxy-authorization", "Basic Zm9vOmJhcg==")) == "never")
    }

    @Test("short cookies are never indexed; long ones are indexed")
    func cookies() {
        #expect(representation(of: HeaderField("cookie", "id=42")) == "never")
        #expect(representation(of: HeaderField("cookie", "session=0123456789abcdef0123456789abcdef")) == "incremental")
    }

    @Test("a field the application marks sensitive is never indexed, even when the table has it")
    func applicationMarked() throws {
        var encoder = HPACKEncoder()
        var decoder = HPACKDecoder()
        _ = try decoder.decode(encoder.encode([HeaderField("x-token", "abc")]))
        #expect(encoder.tableCount == 1)
        let block = encoder.encode([HeaderField("x-token", "abc", indexing: .neverIndexed)])
        #expect(Array(block.prefix(2)) == [0x1f, 0x2f])  // §6.2.3 with name index 62, not index 62 itself
        let list = try decoder.decode(block)
        #expect(pairs(list) == [["x-token", "abc"]])
        #expect(list.indexing(at: 0) == .neverIndexed)
        #expect(encoder.tableCount == 1)
    }

    @Test("volatile fields are sent without indexing; repeated ones become one octet")
    func volatileAndRepeated() {
        #expect(representation(of: HeaderField(":path", "/api/items?page=7")) == "literal")
        #expect(representation(of: HeaderField("content-length", "1234")) == "literal")
        var encoder = HPACKEncoder()
        _ = encoder.encode([HeaderField("content-type", "text/event-stream")])
        #expect(encoder.encode([HeaderField("content-type", "text/event-stream")]) == [0xbe])
        #expect(encoder.encode([HeaderField(":status", "200")]) == [0x88])
    }

    @Test("an entry larger than 3/4 of the table is not indexed")
    func largeEntries() {
        let big = String(repeating: "b", count: 3100)
        #expect(representation(of: HeaderField("x-big", big)) == "literal")
        #expect(representation(of: HeaderField("x-big", big), policy: .indexEverything) == "incremental")
    }
}

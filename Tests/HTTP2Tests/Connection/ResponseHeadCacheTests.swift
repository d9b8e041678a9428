import HPACK
import Testing
@testable import HTTP2

/// `sendHeaders` validates a response head once and reuses its HPACK encoding while the
/// encoder's state is unchanged; what the client decodes must be exactly what was sent,
/// whatever the encoder did in between (RFC 7541 §2.1: the decoder follows the encoder).
@Suite("Response heads: validated once, encoding reused while valid")
struct ResponseHeadCacheTests {
    static let head: HeaderList = [HeaderField(":status", "200"), HeaderField("content-type", "text/event-stream"),
                                   HeaderField("cache-control", "no-cache")]

    /// Opens `count` streams from the client; returns their ids.
    static func open(_ pair: inout ConnectionPair, _ count: Int) throws -> [StreamID] {
        var ids: [StreamID] = []
        for index in 0..<count {
            ids.append(try pair.client.sendRequest(request("/\(index)"), endStream: true, now: pair.now))
        }
        pair.exchange()
        return ids
    }

    @Test("the same head on many streams, mixed with heads that change the encoder's table, decodes right every time")
    func sameHeadAcrossTableChanges() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let ids = try Self.open(&pair, 60)
        var expected: [StreamID: HeaderList] = [:]
        for (index, id) in ids.enumerated() {
            let headers: HeaderList
            switch index % 4 {
            case 1:
                // A new indexable field: an insertion into the encoder's table (evicting old
                // entries once the table is full), so the cached block of `head` is stale.
                headers = [HeaderField(":status", "200"), HeaderField("x-round", String(repeating: "r", count: 200) + "\(index)")]
            case 2:
                // Equal fields in another list: recognized as the same head.
                headers = HeaderList(Array(Self.head))
            default:
                headers = Self.head
            }
            try pair.server.sendHeaders(headers, on: id, endStream: true)
            expected[id] = headers
            if index % 4 == 3 {
                // The second `head` in a row with no table change between: the cached block is in use.
                #expect(pair.server.sentHeadCache?.generation == pair.server.encoder.stateGeneration)
            }
            if index % 10 == 9 { pair.exchange() }
        }
        pair.exchange()
        #expect(!pair.client.isClosed)
        for id in ids {
            #expect(pair.responses[id]?.headers == expected[id], "stream \(id.rawValue)")
        }
    }

    @Test("a head differing only by a never-indexed field is not the cached one")
    func indexingFlagCounts() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let ids = try Self.open(&pair, 3)
        let secret: HeaderList = [HeaderField(":status", "200"), HeaderField("content-type", "text/event-stream"),
                                  HeaderField("cache-control", "no-cache", indexing: .neverIndexed)]
        try pair.server.sendHeaders(Self.head, on: ids[0], endStream: true)
        try pair.server.sendHeaders(Self.head, on: ids[1], endStream: true)
        try pair.server.sendHeaders(secret, on: ids[2], endStream: true)
        pair.exchange()
        #expect(pair.responses[ids[2]]?.headers == secret)
        #expect(pair.responses[ids[2]]?.headers.indexing(at: 2) == .neverIndexed)
        #expect(pair.responses[ids[1]]?.headers == Self.head)
    }

    @Test("an invalid head is refused every time; an informational head still cannot end a stream")
    func validationResultsStand() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let ids = try Self.open(&pair, 3)
        let invalid: HeaderList = [HeaderField(":status", "200"), HeaderField("Upper", "x")]
        for _ in 0..<3 {
            #expect(throws: ConnectionUsageError.self) { try pair.server.sendHeaders(invalid, on: ids[0], endStream: false) }
        }
        let early: HeaderList = [HeaderField(":status", "103"), HeaderField("link", "</a.css>; rel=preload")]
        try pair.server.sendHeaders(early, on: ids[0], endStream: false)
        try pair.server.sendHeaders(early, on: ids[1], endStream: false)  // from the cache
        #expect(throws: ConnectionUsageError.self) { try pair.server.sendHeaders(early, on: ids[2], endStream: true) }
        for id in ids { try pair.server.sendHeaders(Self.head, on: id, endStream: true) }
        pair.exchange()
        #expect(!pair.client.isClosed)
        for id in ids { #expect(pair.responses[id]?.status == 200) }
    }

    @Test("the encoder's generation moves with every change that shapes its output")
    func encoderGeneration() {
        var encoder = HPACKEncoder()
        var out: [UInt8] = []
        let start = encoder.stateGeneration
        encoder.encode(Self.head, into: &out)  // inserts content-type and cache-control
        let afterInsert = encoder.stateGeneration
        #expect(afterInsert != start)
        out.removeAll()
        encoder.encode(Self.head, into: &out)  // all indexed now
        #expect(encoder.stateGeneration == afterInsert)
        let indexed = out
        out.removeAll()
        encoder.encode(Self.head, into: &out)
        #expect(out == indexed)
        encoder.setMaxTableSize(4096)
        #expect(encoder.stateGeneration != afterInsert)
        let pending = encoder.stateGeneration
        out.removeAll()
        encoder.encode(Self.head, into: &out)  // starts with a size update
        #expect(encoder.stateGeneration != pending)
        let settled = encoder.stateGeneration
        encoder.huffman = .never
        #expect(encoder.stateGeneration != settled)
    }
}

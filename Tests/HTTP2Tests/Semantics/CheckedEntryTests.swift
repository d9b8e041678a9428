import HPACK
import Testing
@testable import HTTP2

/// The engine skips the RFC 9113 §8.2.1 syntax checks only for fields copied from HPACK table
/// entries already checked (the static table, dynamic entries of requests that validated):
/// every other field, and every semantic rule, is checked on each request.
@Suite("§8.2.1 checks and HPACK table entries")
struct CheckedEntryTests {
    /// :method GET, :scheme https, :path / (static), :authority as a literal (static name).
    static let prefix: [UInt8] = [0x82, 0x87, 0x84, 0x01, 0x09] + Array("a.example".utf8)

    static func literalIndexed(_ name: String, _ value: String) -> [UInt8] {
        [0x40, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    static func peer() -> RawPeer {
        var configuration = ConnectionConfiguration.server(maxConcurrentStreams: 1000)
        configuration.limits.provokedResets = TokenBucket(capacity: 10_000, refillPerSecond: 1)
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        return peer
    }

    /// Sends one request block; returns the frames the server answered.
    static func send(_ peer: inout RawPeer, _ stream: inout UInt32, _ block: [UInt8]) -> [String] {
        peer.writer.writeHeaders(block, streamID: StreamID(stream), endStream: true)
        defer { stream += 2 }
        return peer.flush()
    }

    @Test("every static table field passes the syntax checks it is exempted from")
    func staticTableIsValid() throws {
        for index in 1...61 {
            var decoder = HPACKDecoder()
            let list = try decoder.decode([0x80 | UInt8(index)])
            try list.withField(at: 0) { name, value in
                #expect(FieldSyntax.isValidValue(value), "static entry \(index)")
                if name.first != 0x3A {
                    #expect(FieldSyntax.isValidRegularName(name), "static entry \(index)")
                }
            }
            #expect(list.provenance(at: 0) == .checkedField)
        }
    }

    @Test("an uppercase name inserted by a literal with indexing is rejected every time it is referenced")
    func uppercaseEntry() {
        var peer = Self.peer()
        var stream: UInt32 = 1
        #expect(Self.send(&peer, &stream, Self.prefix + Self.literalIndexed("X-Up", "v")) == ["RST_STREAM 1 PROTOCOL_ERROR"])
        for _ in 0..<5 {
            let id = stream
            #expect(Self.send(&peer, &stream, Self.prefix + [0x80 | 62]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
            #expect(peer.server.fieldList.provenance(at: 4) == [])
        }
        #expect(!peer.server.isClosed)
        #expect(!peer.events.contains { $0.hasPrefix("request") })
    }

    @Test("a checked entry evicted and replaced by an invalid one: the new one is rejected")
    func evictedCheckedEntry() {
        var peer = Self.peer()
        var stream: UInt32 = 1
        // A 64-octet table: each insertion evicts the previous entry, and the decoder's ring
        // of entries wraps around several times over the rounds.
        #expect(Self.send(&peer, &stream, [0x3f, 0x21] + Self.prefix + Self.literalIndexed("x-a", "ok")) == [])
        for round in 0..<40 {
            // The checked entry, referenced: accepted, copied as checked.
            #expect(Self.send(&peer, &stream, Self.prefix + [0x80 | 62]) == [], "round \(round)")
            #expect(peer.server.fieldList.provenance(at: 4) == .checkedField)
            // Replaced by an entry with a control octet in its value (§8.2.1): rejected when
            // inserted, and every time it is referenced afterwards.
            var id = stream
            #expect(Self.send(&peer, &stream, Self.prefix + Self.literalIndexed("x-a", "b\u{1}")) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
            id = stream
            #expect(Self.send(&peer, &stream, Self.prefix + [0x80 | 62]) == ["RST_STREAM \(id) PROTOCOL_ERROR"], "round \(round)")
            #expect(peer.server.fieldList.provenance(at: 4) == [])
            // The checked name with an invalid literal value (name index 62): the value is checked.
            id = stream
            #expect(Self.send(&peer, &stream, Self.prefix + [0x7e, 0x02] + Array(" x".utf8)) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
            // A valid replacement, checked once its request validates.
            #expect(Self.send(&peer, &stream, Self.prefix + Self.literalIndexed("x-a", "ok\(round)")) == [])
            #expect(peer.server.fieldList.provenance(at: 4) == [])
            // Keep the streams within the concurrency limit: reset the accepted ones.
            peer.server.resetStream(StreamID(stream - 2))
            peer.server.resetStream(StreamID(stream - 10))
            _ = peer.server.takeOutput()
        }
        #expect(!peer.server.isClosed)
    }

    @Test("semantic rules still apply to checked fields: a second :method, te, connection-specific fields")
    func semanticRulesOnCheckedFields() {
        var peer = Self.peer()
        var stream: UInt32 = 1
        // "te: gzip" (§8.2.2) inserted by a literal, then referenced: refused both times.
        var id = stream
        #expect(Self.send(&peer, &stream, Self.prefix + Self.literalIndexed("te", "gzip")) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        id = stream
        #expect(Self.send(&peer, &stream, Self.prefix + [0x80 | 62]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        // A duplicate :method made of static (checked) fields.
        id = stream
        #expect(Self.send(&peer, &stream, Self.prefix + [0x82]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        // A pseudo-header after a regular field, both checked copies.
        #expect(Self.send(&peer, &stream, Self.prefix + Self.literalIndexed("x-b", "1")) == [])
        id = stream
        #expect(Self.send(&peer, &stream, [0x82, 0x87, 0x80 | 62, 0x84] + [0x01, 0x01] + Array("a".utf8)) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        // A response pseudo-header (static, checked) in a request.
        id = stream
        #expect(Self.send(&peer, &stream, Self.prefix + [0x88]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        // "host: b.example" checked in a request without :authority, then copied into
        // requests where it differs from :authority, or appears twice.
        #expect(Self.send(&peer, &stream, [0x82, 0x87, 0x84] + Self.literalIndexed("host", "b.example")) == [])
        #expect(peer.server.fieldList.provenance(at: 3) == [])
        #expect(Self.send(&peer, &stream, [0x82, 0x87, 0x84, 0x80 | 62]) == [])
        #expect(peer.server.fieldList.provenance(at: 3) == .checkedField)
        id = stream
        #expect(Self.send(&peer, &stream, Self.prefix + [0x80 | 62]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        id = stream
        #expect(Self.send(&peer, &stream, [0x82, 0x87, 0x84, 0x80 | 62, 0x80 | 62]) == ["RST_STREAM \(id) PROTOCOL_ERROR"])
        #expect(!peer.server.isClosed)
    }

    @Test("SP and HTAB are found at every position of :path and :authority")
    func whitespaceSearch() {
        for length in 1...40 {
            for position in 0..<length {
                for space: UInt8 in [0x20, 0x09] {
                    var bytes = [UInt8](repeating: 0x61, count: length)
                    bytes[position] = space
                    #expect(bytes.withUnsafeBytes { FieldSyntax.containsWhitespace($0) })
                }
            }
            let clean = (0..<length).map { UInt8(0x21 + ($0 * 7) % 94) }
            #expect(!clean.withUnsafeBytes { FieldSyntax.containsWhitespace($0) })
            // Octets next to SP and HTAB in value (0x08, 0x0A, 0x1F, 0x21, 0x29, 0xA0) are not whitespace.
            let near = (0..<length).map { [UInt8(0x08), 0x0A, 0x1F, 0x21, 0x29, 0xA0, 0x89][$0 % 7] }
            #expect(!near.withUnsafeBytes { FieldSyntax.containsWhitespace($0) })
        }
    }
}

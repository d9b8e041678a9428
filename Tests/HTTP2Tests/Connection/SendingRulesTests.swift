import HPACK
import Testing
@testable import HTTP2

/// What we send follows the rules we enforce on the peer (RFC 9113 §6.4, §6.5.2, §8.1 to
/// §8.3; RFC 9218 §7.1).
@Suite("RFC 9113 §6.5.2, §8.1-§8.3 rules for what we send")
struct SendingRulesTests {
    func openStream(_ pair: inout ConnectionPair) throws -> StreamID {
        pair.exchange()
        let id = try pair.client.sendRequest(request("/x"), endStream: true, now: pair.now)
        pair.exchange()
        return id
    }

    @Test("a response head or trailers that break §8.2/§8.3 are refused before reaching the peer")
    func invalidOutgoingFields() throws {
        var pair = ConnectionPair()
        let id = try openStream(&pair)
        for bad in [[HeaderField(":status", "200"), HeaderField("Content-Type", "text/plain")],
                    [HeaderField(":status", "200"), HeaderField("connection", "close")],
                    [HeaderField("content-type", "text/plain")],
                    [HeaderField(":status", "200"), HeaderField(":path", "/")]] {
            var refused = false
            do { try pair.server.sendHeaders(bad, on: id, endStream: false) } catch { refused = true }
            #expect(refused, "\(bad)")
        }
        #expect(pair.server.takeOutput().isEmpty)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        var refused = false
        do { try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true) } catch { refused = true }
        #expect(refused, "pseudo-header fields in trailers")
        try pair.server.sendHeaders([HeaderField("x-done", "1")], on: id, endStream: true)
    }

    @Test("§8.1: informational responses come first and cannot end the stream; DATA only after the final head")
    func informational() throws {
        var pair = ConnectionPair()
        let id = try openStream(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "103"), HeaderField("link", "</a.css>; rel=preload")],
                                    on: id, endStream: false)
        var refused = false
        do { try pair.server.sendData(Array("x".utf8), on: id, endStream: false) } catch { refused = true }
        #expect(refused)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        try pair.server.sendData(Array("body".utf8), on: id, endStream: true)
        pair.exchange()
        #expect(pair.clientEvents.contains("response 1 103"))
        #expect(pair.clientEvents.contains("response 1 200"))
        #expect(pair.clientData[id] == Array("body".utf8))
    }

    @Test("a client refuses to send a malformed request")
    func invalidRequest() {
        var pair = ConnectionPair()
        pair.exchange()
        var refused = false
        do {
            _ = try pair.client.sendRequest([HeaderField(":method", "GET"), HeaderField(":path", "/")], endStream: true,
                                            now: pair.now)
        } catch {
            refused = true
        }
        #expect(refused, "no :scheme")
    }

    @Test("§6.5.2: our SETTINGS are made valid before they are sent")
    func sanitizedSettings() {
        var settings = HTTP2Settings()
        settings.maxFrameSize = 1000
        settings.initialWindowSize = Int(UInt32.max)
        settings.enablePush = true
        let server = settings.sanitized(for: .server, after: nil)
        #expect(server.maxFrameSize == 16_384)
        #expect(server.initialWindowSize == FlowWindow.maximum)
        #expect(!server.enablePush)
        var connect = HTTP2Settings()
        connect.enableConnectProtocol = true
        var later = HTTP2Settings()
        later.enableConnectProtocol = false
        #expect(later.sanitized(for: .server, after: connect).enableConnectProtocol)  // RFC 8441 §3
    }

    @Test("§6.4: a stream error on an idle stream becomes a connection error, never RST_STREAM")
    func noResetOnIdle() {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.writer.writeWindowUpdate(streamID: 9, increment: 0)
        #expect(peer.flush() == ["GOAWAY PROTOCOL_ERROR"])
    }

    @Test("RFC 9218 §7.1: a client receiving PRIORITY_UPDATE ends the connection")
    func priorityUpdateToClient() {
        var pair = ConnectionPair()
        pair.exchange()
        var writer = FrameWriter()
        writer.writePriorityUpdate(prioritizedStreamID: 1, fieldValue: "u=1")
        pair.deliverToClient(writer.bytes)
        #expect(pair.clientEvents.last == "connection error PROTOCOL_ERROR")
    }
}

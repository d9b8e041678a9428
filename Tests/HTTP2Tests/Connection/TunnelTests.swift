import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §8.5: once a 2xx response answers CONNECT, the stream is a "connected stream":
/// only DATA and RST_STREAM, WINDOW_UPDATE, PRIORITY may be sent on it, and any other frame
/// received on it is a stream error. Extended CONNECT (RFC 8441) streams are treated the
/// same: after the 2xx they carry the tunnelled protocol's bytes in DATA frames (RFC 8441 §5).
@Suite("RFC 9113 §8.5 connected streams carry only DATA and stream management frames")
struct TunnelTests {
    static let connect = [HeaderField(":method", "CONNECT"), HeaderField(":authority", "example.com:443")]
    static let extendedConnect = [HeaderField(":method", "CONNECT"), HeaderField(":protocol", "websocket"),
                                  HeaderField(":scheme", "https"), HeaderField(":authority", "example.com"),
                                  HeaderField(":path", "/chat")]

    /// A pair with a CONNECT (or extended CONNECT) stream the server answered with `status`.
    static func answered(_ request: [HeaderField], status: String) throws -> (ConnectionPair, StreamID) {
        var server = ConnectionConfiguration.server()
        server.settings.enableConnectProtocol = true
        var pair = ConnectionPair(server: server)
        pair.exchange()
        let id = try pair.client.sendRequest(request, endStream: false, now: pair.now)
        pair.exchange()
        #expect(pair.requests[id]?.isConnect == true)
        try pair.server.sendHeaders([HeaderField(":status", status)], on: id, endStream: false)
        pair.exchange()
        #expect(pair.responses[id]?.status == Int(status))
        return (pair, id)
    }

    func refusal(_ body: () throws(ConnectionUsageError) -> Void) -> String? {
        do { try body(); return nil } catch { return error.description }
    }

    @Test("§8.5: neither side may send HEADERS on a connected stream; DATA flows both ways",
          arguments: ["CONNECT", "extended CONNECT"])
    func noHeadersSentOnATunnel(kind: String) throws {
        var (pair, id) = try Self.answered(kind == "CONNECT" ? Self.connect : Self.extendedConnect, status: "200")
        #expect(pair.responses[id]?.isTunnel == true)
        let server = refusal { () throws(ConnectionUsageError) in
            try pair.server.sendHeaders([HeaderField("x-trailer", "1")], on: id, endStream: true)
        }
        #expect(server?.contains("§8.5") == true, "\(server ?? "accepted")")
        let client = refusal { () throws(ConnectionUsageError) in
            try pair.client.sendHeaders([HeaderField("x-trailer", "1")], on: id, endStream: true)
        }
        #expect(client?.contains("§8.5") == true, "\(client ?? "accepted")")
        #expect(pair.server.takeOutput().isEmpty && pair.client.takeOutput().isEmpty)
        try pair.client.sendData(Array("ping".utf8), on: id, endStream: false)
        try pair.server.sendData(Array("pong".utf8), on: id, endStream: true)
        try pair.client.sendData([], on: id, endStream: true)
        pair.exchange()
        #expect(pair.serverData[id] == Array("ping".utf8))
        #expect(pair.clientData[id] == Array("pong".utf8))
        #expect(pair.closedOnClient.contains(id))
    }

    @Test("§8.5: a CONNECT answered with a non-2xx status is no tunnel: trailers may follow")
    func refusedConnectIsNoTunnel() throws {
        var (pair, id) = try Self.answered(Self.connect, status: "407")
        #expect(pair.responses[id]?.isTunnel == false)
        try pair.server.sendHeaders([HeaderField("x-trailer", "1")], on: id, endStream: true)
        pair.exchange()
        #expect(pair.clientEvents.contains("trailers \(id.rawValue) 1"))
        #expect(pair.clientResets[id] == nil)
    }

    @Test("§8.5: HEADERS received on a connected stream is a stream error PROTOCOL_ERROR (server role)",
          arguments: ["CONNECT", "extended CONNECT"])
    func headersReceivedByTheServer(kind: String) throws {
        var configuration = ConnectionConfiguration.server()
        configuration.settings.enableConnectProtocol = true
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        peer.headers(1, kind == "CONNECT" ? Self.connect : Self.extendedConnect, endStream: false)
        #expect(peer.flush().isEmpty)
        try peer.server.sendHeaders([HeaderField(":status", "200")], on: 1, endStream: false)
        #expect(frames(peer.server.takeOutput()) == ["HEADERS 1"])
        peer.writer.writeData(Array("bytes".utf8), streamID: 1, endStream: false)
        peer.headers(1, [HeaderField("x-trailer", "1")], endStream: true)
        #expect(peer.flush() == ["RST_STREAM 1 PROTOCOL_ERROR"])
        #expect(peer.events.contains("data 1 5"))
        #expect(!peer.events.contains("trailers 1 1"))
        #expect(peer.server.state(of: 1) == .closedByLocalReset)
    }

    @Test("§8.5: trailers on a CONNECT stream before its 2xx is sent are still trailers (server role)")
    func headersBeforeTheResponse() throws {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.headers(1, Self.connect, endStream: false)
        peer.headers(1, [HeaderField("x-trailer", "1")], endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("trailers 1 1"))
    }

    @Test("§8.5: HEADERS received on a connected stream is a stream error PROTOCOL_ERROR (client role)")
    func headersReceivedByTheClient() throws {
        var (pair, id) = try Self.answered(Self.connect, status: "200")
        // The server's engine refuses to send it: write the frame by hand (a literal field
        // not indexed, new name: valid in any HPACK state).
        var writer = FrameWriter()
        writer.writeHeaders([0x00, 0x03] + Array("x-t".utf8) + [0x01] + Array("1".utf8), streamID: id, endStream: true)
        pair.deliverToClient(writer.bytes)
        #expect(pair.clientResets[id] == .protocolError)
        #expect(frames(pair.client.takeOutput()) == ["RST_STREAM \(id.rawValue) PROTOCOL_ERROR"])
        #expect(!pair.clientEvents.contains("trailers \(id.rawValue) 1"))
    }
}

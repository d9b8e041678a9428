import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §3.4 (preface), §6.5 (SETTINGS), §8 (an exchange), client against server.
@Suite("RFC 9113 §3.4, §6.5, §8.1 connection basics")
struct ConnectionBasicsTests {
    @Test("the preface and SETTINGS exchange acknowledges both sides")
    func handshake() {
        var pair = ConnectionPair()
        pair.exchange()
        #expect(pair.clientEvents.contains("settings"))
        #expect(pair.clientEvents.contains("settings acked"))
        #expect(pair.serverEvents.contains("settings"))
        #expect(pair.serverEvents.contains("settings acked"))
        #expect(pair.client.peerSettings.maxConcurrentStreams == 100)
        #expect(pair.server.acknowledgedSettings.maxConcurrentStreams == 100)
        #expect(!pair.client.isClosed && !pair.server.isClosed)
    }

    @Test("a request and a response with content complete and close the stream")
    func requestResponse() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let id = try pair.client.sendRequest(request("/hello"), endStream: true, now: pair.now)
        pair.exchange()
        #expect(pair.requests[id]?.path == "/hello")
        try pair.server.sendHeaders([HeaderField(":status", "200"), HeaderField("content-type", "text/plain")],
                                    on: id, endStream: false)
        try pair.server.sendData(Array("hello, world".utf8), on: id, endStream: true)
        pair.exchange()
        #expect(pair.responses[id]?.status == 200)
        #expect(pair.clientData[id] == Array("hello, world".utf8))
        #expect(pair.closedOnClient.contains(id))
        #expect(pair.client.streamCount == 0)
        #expect(pair.server.streamCount == 0)
    }

    @Test("§3.4: a server that does not get the preface ends the connection with PROTOCOL_ERROR")
    func badPreface() {
        var server = Connection(role: .server, configuration: .server(), now: 0)
        _ = server.takeOutput()
        var events: [String] = []
        server.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 0) { events.append(describe($0)) }
        #expect(events == ["connection error PROTOCOL_ERROR"])
        #expect(server.isClosed)
        let output = server.takeOutput()
        #expect(output.count >= 17 && output[3] == 0x7)  // a GOAWAY frame
    }

    @Test("§3.4: the first frame after the preface must be SETTINGS")
    func firstFrameNotSettings() {
        var server = Connection(role: .server, configuration: .server(), now: 0)
        var events: [String] = []
        let ping: [UInt8] = [0, 0, 8, 6, 0, 0, 0, 0, 0] + [UInt8](repeating: 1, count: 8)
        server.receive(Connection.preface + ping, now: 0) { events.append(describe($0)) }
        #expect(events == ["connection error PROTOCOL_ERROR"])
    }

    @Test("the preface may arrive one octet at a time")
    func prefaceInPieces() {
        var pair = ConnectionPair()
        let bytes = pair.client.takeOutput()
        for byte in bytes { pair.deliverToServer([byte]) }
        #expect(pair.serverEvents.contains("settings"))
        #expect(!pair.server.isClosed)
    }

    @Test("§6.5.3: SETTINGS not acknowledged in time end the connection with SETTINGS_TIMEOUT")
    func settingsTimeout() {
        var server = Connection(role: .server, configuration: .server(), now: 0)
        var events: [String] = []
        server.handleTimeouts(now: 5_000_000_000) { events.append(describe($0)) }
        #expect(events.isEmpty)
        #expect(server.nextDeadline == 10_000_000_000)
        server.handleTimeouts(now: 10_000_000_001) { events.append(describe($0)) }
        #expect(events == ["connection error SETTINGS_TIMEOUT"])
    }

    @Test("§6.7: PING is answered, and our PING reports the round trip")
    func ping() {
        var pair = ConnectionPair()
        pair.exchange()
        pair.client.ping(now: pair.now)
        let out = pair.client.takeOutput()
        pair.now += 3_000_000
        pair.deliverToServer(out)
        pair.deliverToClient(pair.server.takeOutput())
        #expect(pair.clientEvents.last == "ping acked")
        #expect(pair.client.roundTrip == 3_000_000)
    }

    @Test("§6.8: graceful shutdown lets streams in flight finish, then closes")
    func gracefulShutdown() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let id = try pair.client.sendRequest(request("/slow"), endStream: true, now: pair.now)
        pair.exchange()
        pair.server.beginGracefulShutdown(now: pair.now)
        pair.exchange()
        #expect(pair.clientEvents.contains("goaway \(StreamID.max.rawValue) NO_ERROR"))
        #expect(pair.clientEvents.contains("goaway 1 NO_ERROR"))
        #expect(!pair.server.isClosed)
        var events: [String] = []
        pair.server.pollEvents { events.append(describe($0)) }
        #expect(events.isEmpty)
        // Our END_STREAM closes the last stream: pollEvents reports it, then the end.
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: true)
        pair.server.pollEvents { events.append(describe($0)) }
        #expect(events == ["closed \(id.rawValue)", "connection closed"])
        let serverClosed = pair.server.isClosed
        #expect(serverClosed)
        // The response still goes out after the connection is reported closed.
        pair.exchange()
        #expect(pair.responses[id]?.status == 200)
        #expect(pair.client.isClosed)
    }
}

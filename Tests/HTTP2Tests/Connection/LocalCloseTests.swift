import HPACK
import Testing
@testable import HTTP2

/// Streams that our own END_STREAM closes (RFC 9113 §5.1: half-closed (remote) → closed on
/// sending END_STREAM) are reported by `pollEvents`, as a close by the peer is by `receive`;
/// a graceful shutdown whose last stream ends that way reports the connection closed (§6.8).
@Suite("RFC 9113 §5.1, §6.8 streams closed by our END_STREAM")
struct LocalCloseTests {
    /// Completes the handshake and sends one request the server sees (ended unless
    /// `endStream` is false).
    func openRequest(_ pair: inout ConnectionPair, _ path: String = "/", method: String = "GET",
                     endStream: Bool = true) throws -> StreamID {
        pair.exchange()
        let id = try pair.client.sendRequest(request(path, method: method), endStream: endStream, now: pair.now)
        pair.exchange()
        return id
    }

    func serverEvents(_ pair: inout ConnectionPair) -> [String] {
        var events: [String] = []
        pair.server.pollEvents { events.append(describe($0)) }
        return events
    }

    @Test("§5.1: a response head with END_STREAM closes the stream; pollEvents reports it once")
    func headersEndStream() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        #expect(pair.server.state(of: id) == .halfClosedRemote)
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        #expect(pair.server.state(of: id) == .closed)
        #expect(serverEvents(&pair) == ["closed \(id.rawValue)"])
        #expect(serverEvents(&pair).isEmpty)
        pair.exchange()
        #expect(pair.closedOnClient.contains(id))
    }

    @Test("§5.1: DATA with END_STREAM sent at once closes the stream")
    func dataEndStream() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        #expect(serverEvents(&pair).isEmpty)
        try pair.server.sendData(Array("hello".utf8), on: id, endStream: true)
        #expect(serverEvents(&pair) == ["closed \(id.rawValue)"])
        pair.exchange()
        #expect(pair.clientData[id] == Array("hello".utf8))
    }

    @Test("§5.1, §6.9: END_STREAM that waited for window closes the stream when it is written")
    func queuedDataEndStream() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        // More than the initial window (65,535): the tail waits for WINDOW_UPDATE.
        let body = [UInt8](repeating: 0x61, count: 100_000)
        try pair.server.sendData(body, on: id, endStream: true)
        var closedSeen = 0
        for _ in 0..<50 {
            let toServer = pair.client.takeOutput()
            let toClient = pair.server.takeOutput()
            // Not before the last DATA frame is in the output.
            for event in serverEvents(&pair) where event == "closed \(id.rawValue)" {
                closedSeen += 1
                #expect(pair.server.bufferedOctets(on: id) == 0)
            }
            if toServer.isEmpty && toClient.isEmpty { break }
            pair.deliverToServer(toServer)
            pair.deliverToClient(toClient)
        }
        #expect(closedSeen == 1)
        #expect(pair.clientData[id]?.count == body.count)
        #expect(pair.server.state(of: id) == .closed)
    }

    @Test("§8.1: trailers that end the stream close it")
    func trailersEndStream() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        try pair.server.sendData(Array("body".utf8), on: id, endStream: false)
        try pair.server.sendHeaders([HeaderField("grpc-status", "0")], on: id, endStream: true)
        #expect(serverEvents(&pair) == ["closed \(id.rawValue)"])
    }

    @Test("§5.1: END_STREAM before the request ended only half-closes: the peer's close reports it")
    func responseBeforeRequestEnds() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair, "/upload", method: "POST", endStream: false)
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: true)
        #expect(pair.server.state(of: id) == .halfClosedLocal)
        #expect(serverEvents(&pair).isEmpty)
        try pair.client.sendData([1, 2, 3], on: id, endStream: true)
        pair.serverEvents = []
        pair.exchange()
        #expect(pair.serverEvents.filter { $0 == "closed \(id.rawValue)" }.count == 1)
        #expect(serverEvents(&pair).isEmpty)
    }

    @Test("the idle deadline is reported only while no stream is open")
    func idleDeadlineOnlyWithoutStreams() throws {
        var configuration = ConnectionConfiguration.server()
        configuration.idleTimeout = 30_000_000_000
        var pair = ConnectionPair(server: configuration)
        pair.exchange()   // our SETTINGS acknowledged: no SETTINGS deadline left
        #expect(pair.server.nextDeadline == pair.now + 30_000_000_000)
        let id = try pair.client.sendRequest(request("/"), endStream: true, now: pair.now)
        pair.exchange()
        #expect(pair.server.nextDeadline == nil)
        // Past the idle timeout with the stream open: nothing happens.
        var events: [String] = []
        pair.server.handleTimeouts(now: pair.now + 31_000_000_000) { events.append(describe($0)) }
        #expect(events.isEmpty)
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        #expect(pair.server.nextDeadline == pair.now + 30_000_000_000)
    }

    @Test("events of our own sends come before a connection error, and nothing after it")
    func deferredEventsBeforeConnectionError() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        var settings = pair.server.acknowledgedSettings
        settings.maxConcurrentStreams = 50
        pair.server.updateSettings(settings, now: pair.now)   // never acknowledged: the client does not read
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        var events: [String] = []
        pair.server.handleTimeouts(now: pair.now + 11_000_000_000) { events.append(describe($0)) }
        #expect(events == ["closed \(id.rawValue)", "connection error SETTINGS_TIMEOUT"])
        #expect(serverEvents(&pair).isEmpty)
    }

    @Test("events of our own sends come before the close we ask for")
    func deferredEventsBeforeClose() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        var events: [String] = []
        pair.server.close { events.append(describe($0)) }
        #expect(events == ["closed \(id.rawValue)", "connection closed"])
        #expect(serverEvents(&pair).isEmpty)
    }

    @Test("a closed connection still hands over events waiting from before, through receive too")
    func deferredEventsAfterClosedConnection() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        pair.server.beginGracefulShutdown(now: pair.now)
        pair.exchange()
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        pair.serverEvents = []
        pair.deliverToServer(pair.client.takeOutput() + [0, 0, 0, 4, 0, 0, 0, 0, 0])   // an empty SETTINGS
        #expect(pair.serverEvents == ["closed \(id.rawValue)", "connection closed"])
    }

    @Test("resetting a stream our END_STREAM already closed sends nothing and drops the waiting event")
    func resetAfterLocalClose() throws {
        var pair = ConnectionPair()
        let id = try openRequest(&pair)
        try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        pair.server.resetStream(id, code: .cancel)
        #expect(serverEvents(&pair).isEmpty)
        #expect(frames(pair.server.takeOutput()) == ["HEADERS 1"])   // no RST_STREAM
    }
}

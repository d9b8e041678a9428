import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §5.2 and §6.9: flow control, both directions.
@Suite("RFC 9113 §5.2, §6.9 flow control")
struct FlowControlTests {
    /// A client with small windows that returns credit only when told.
    static func slowClient(window: Int) -> ConnectionConfiguration {
        var configuration = ConnectionConfiguration.client()
        configuration.settings.initialWindowSize = window
        configuration.connectionWindow = 65_535
        configuration.maxReceiveWindow = window
        configuration.returnsCreditAutomatically = false
        return configuration
    }

    @Test("data beyond the window waits and flows as the receiver consumes it")
    func queuedUntilWindowUpdate() throws {
        var pair = ConnectionPair(client: Self.slowClient(window: 16_384))
        pair.exchange()
        let id = try pair.client.sendRequest(request("/big"), endStream: true, now: pair.now)
        pair.exchange()
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        try pair.server.sendData(body, on: id, endStream: true)
        pair.exchange()
        #expect(pair.clientData[id]?.count == 16_384)
        #expect(pair.server.bufferedOctets(on: id) == 200_000 - 16_384)
        var rounds = 0
        while (pair.clientData[id]?.count ?? 0) < body.count && rounds < 100 {
            let received = pair.clientData[id]?.count ?? 0
            pair.client.consume(received - (pair.clientDataConsumed[id] ?? 0), on: id, now: pair.now)
            pair.clientDataConsumed[id] = received
            pair.exchange()
            rounds += 1
        }
        #expect(pair.clientData[id] == body)
        #expect(pair.closedOnClient.contains(id))
    }

    @Test("round robin: one bulk stream does not starve small streams")
    func fairness() throws {
        var pair = ConnectionPair(client: Self.slowClient(window: 1 << 20))
        pair.exchange()
        let bulk = try pair.client.sendRequest(request("/bulk"), endStream: true, now: pair.now)
        var small: [StreamID] = []
        for index in 0..<10 { small.append(try pair.client.sendRequest(request("/sse/\(index)"), endStream: true, now: pair.now)) }
        pair.exchange()
        for id in [bulk] + small { try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false) }
        // The bulk stream queues far more than the connection window (64 KiB).
        try pair.server.sendData([UInt8](repeating: 0x42, count: 200_000), on: bulk, endStream: false)
        for id in small { try pair.server.sendData(Array("data: token\n\n".utf8), on: id, endStream: false) }
        pair.exchange()
        for id in small { #expect(pair.clientData[id] == Array("data: token\n\n".utf8), "stream \(id.rawValue)") }
        #expect((pair.clientData[bulk]?.count ?? 0) < 65_535)
    }

    @Test("§6.9.2: a new INITIAL_WINDOW_SIZE moves every open stream's window, even below zero")
    func initialWindowChange() throws {
        var pair = ConnectionPair(client: Self.slowClient(window: 65_535))
        pair.exchange()
        let id = try pair.client.sendRequest(request("/x"), endStream: true, now: pair.now)
        pair.exchange()
        try pair.server.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        try pair.server.sendData([UInt8](repeating: 1, count: 30_000), on: id, endStream: false)
        pair.exchange()
        #expect(pair.server.sendWindow(of: id) == 65_535 - 30_000)
        var settings = pair.client.configuration.settings
        settings.initialWindowSize = 10_000
        pair.client.updateSettings(settings, now: pair.now)
        pair.exchange()
        #expect(pair.server.peerSettings.initialWindowSize == 10_000)
        #expect(pair.server.sendWindow(of: id) == 0)
        #expect(pair.server.streams[id]?.sendWindow.size == 10_000 - 30_000)
    }

    @Test("WINDOW_UPDATE is batched: far fewer than one per DATA frame")
    func batchedWindowUpdates() throws {
        var pair = ConnectionPair()
        pair.exchange()
        let id = try pair.client.sendRequest(request("/upload", method: "POST"), endStream: false, now: pair.now)
        pair.exchange()
        var updates = 0
        for _ in 0..<256 {
            try pair.client.sendData([UInt8](repeating: 7, count: 16_384), on: id, endStream: false)
            let toServer = pair.client.takeOutput()
            pair.deliverToServer(toServer)
            let toClient = pair.server.takeOutput()
            updates += countFrames(toClient, type: 0x8)
            pair.deliverToClient(toClient)
        }
        #expect(pair.serverData[id]?.count == 256 * 16_384)
        #expect(updates > 0 && updates <= 32, "\(updates) WINDOW_UPDATE frames for 256 DATA frames")
    }
}

/// Counts frames of a type in a run of whole frames.
func countFrames(_ bytes: [UInt8], type: UInt8) -> Int {
    var offset = 0
    var count = 0
    while offset + 9 <= bytes.count {
        let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
        if bytes[offset + 3] == type { count += 1 }
        offset += 9 + length
    }
    return count
}

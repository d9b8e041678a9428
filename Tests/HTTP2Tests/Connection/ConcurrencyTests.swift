import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §5.1.2: SETTINGS_MAX_CONCURRENT_STREAMS, on both sides.
@Suite("RFC 9113 §5.1.2 concurrent streams")
struct ConcurrencyTests {
    @Test("a client queues requests beyond the server's limit and starts them as streams finish")
    func clientQueues() throws {
        var pair = ConnectionPair(server: .server(maxConcurrentStreams: 6))
        pair.exchange()
        var ids: [StreamID] = []
        for index in 0..<20 { ids.append(try pair.client.sendRequest(request("/stream?id=\(index)"), endStream: true, now: pair.now)) }
        #expect(pair.client.queuedRequestCount == 14)
        pair.now += 2_000_000_000
        #expect(pair.client.oldestQueuedRequestWait(now: pair.now) == 2_000_000_000)
        pair.exchange()
        #expect(pair.requests.count == 6)
        #expect(pair.serverResets.isEmpty)  // nothing refused: the client respected the limit
        // Finish the streams one by one; each frees a slot for the next queued request.
        var finished = 0
        while finished < 20 {
            let open = pair.requests.keys.sorted().filter { !pair.closedOnClient.contains($0) }
            #expect(open.count <= 6)
            guard let next = open.first else { break }
            try pair.server.sendHeaders([HeaderField(":status", "200")], on: next, endStream: true)
            pair.exchange()
            finished += 1
        }
        #expect(pair.closedOnClient.count == 20)
        #expect(pair.started.count == 14)
        #expect(pair.client.queuedRequestCount == 0)
    }

    @Test("a server refuses streams beyond its limit with REFUSED_STREAM")
    func serverRefuses() throws {
        var pair = ConnectionPair(server: .server(maxConcurrentStreams: 2))
        pair.exchange()
        // A client that ignores the limit: pretend the server allowed 10.
        pair.client.peerSettings.maxConcurrentStreams = 10
        for index in 0..<4 { _ = try pair.client.sendRequest(request("/\(index)"), endStream: true, now: pair.now) }
        pair.exchange()
        #expect(pair.requests.count == 2)
        #expect(pair.clientResets[5] == .refusedStream)
        #expect(pair.clientResets[7] == .refusedStream)
        #expect(!pair.server.isClosed)
    }

    @Test("a peer that lowers its limit mid-connection is obeyed for new streams")
    func limitLowered() throws {
        var pair = ConnectionPair(server: .server(maxConcurrentStreams: 10))
        pair.exchange()
        for index in 0..<3 { _ = try pair.client.sendRequest(request("/\(index)"), endStream: true, now: pair.now) }
        pair.exchange()
        var lower = pair.server.configuration.settings
        lower.maxConcurrentStreams = 1
        pair.server.updateSettings(lower, now: pair.now)
        pair.exchange()
        _ = try pair.client.sendRequest(request("/later"), endStream: true, now: pair.now)
        #expect(pair.client.queuedRequestCount == 1)
        for id in [StreamID(1), 3, 5] {
            try pair.server.sendHeaders([HeaderField(":status", "204")], on: id, endStream: true)
        }
        pair.exchange()
        #expect(pair.client.queuedRequestCount == 0)
        #expect(pair.requests[7] != nil)
    }
}

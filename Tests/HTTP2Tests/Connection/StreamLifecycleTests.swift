import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §5.1 (stream states), §8.1 (message framing), §6.8 (GOAWAY), seen end to end.
@Suite("RFC 9113 §5.1, §6.8, §8.1 stream lifecycle")
struct StreamLifecycleTests {
    func request(_ stream: StreamID, path: String = "/", extra: [HeaderField] = []) -> [HeaderField] {
        [HeaderField(":method", "POST"), HeaderField(":scheme", "https"), HeaderField(":authority", "a"),
         HeaderField(":path", path)] + extra
    }

    @Test("§5.1.2: a refused stream's field block is still decoded, so HPACK stays in step")
    func refusedStreamKeepsHPACK() {
        var peer = RawPeer(configuration: .server(maxConcurrentStreams: 1))
        _ = peer.handshake()
        peer.headers(1, request(1, extra: [HeaderField("x-first", "kept in the table")]), endStream: false)
        // Stream 3 is refused, but its block adds an entry the next block refers to.
        peer.headers(3, request(3, extra: [HeaderField("x-refused", "still indexed")]), endStream: false)
        #expect(peer.flush() == ["RST_STREAM 3 REFUSED_STREAM"])
        peer.writer.writeRSTStream(streamID: 1, errorCode: .cancel)
        peer.headers(5, request(5, extra: [HeaderField("x-refused", "still indexed")]), endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("request 5 POST / end"))
    }

    @Test("§8.1.1: DATA that does not add up to content-length is a stream error PROTOCOL_ERROR")
    func contentLengthMismatch() {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.headers(1, request(1, extra: [HeaderField("content-length", "10")]), endStream: false)
        peer.writer.writeData(Array("short".utf8), streamID: 1, endStream: true)
        #expect(peer.flush() == ["RST_STREAM 1 PROTOCOL_ERROR"])
        peer.headers(3, request(3, extra: [HeaderField("content-length", "3")]), endStream: false)
        peer.writer.writeData(Array("toolong".utf8), streamID: 3, endStream: false)
        #expect(peer.flush() == ["RST_STREAM 3 PROTOCOL_ERROR"])
        peer.headers(5, request(5, extra: [HeaderField("content-length", "2")]), endStream: false)
        peer.writer.writeData(Array("ok".utf8), streamID: 5, endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("data 5 2 end"))
    }

    @Test("§8.1: trailers end the request; a second block without END_STREAM is malformed")
    func trailers() {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.headers(1, request(1), endStream: false)
        peer.writer.writeData(Array("body".utf8), streamID: 1, endStream: false)
        peer.headers(1, [HeaderField("x-checksum", "1")], endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.suffix(2) == ["data 1 4", "trailers 1 1"])
        peer.headers(3, request(3), endStream: false)
        peer.headers(3, [HeaderField("x-not-last", "1")], endStream: false)
        #expect(peer.flush() == ["RST_STREAM 3 PROTOCOL_ERROR"])
        peer.headers(5, request(5), endStream: false)
        peer.headers(5, [HeaderField(":path", "/again")], endStream: true)
        #expect(peer.flush() == ["RST_STREAM 5 PROTOCOL_ERROR"])
    }

    @Test("§5.1: frames after our RST_STREAM are discarded; DATA still counts for the connection window")
    func framesAfterOurReset() throws {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.headers(1, request(1), endStream: false)
        peer.flush()
        peer.server.resetStream(1, code: .cancel)
        #expect(frames(peer.server.takeOutput()) == ["RST_STREAM 1 CANCEL"])
        peer.writer.writeData([UInt8](repeating: 1, count: 1000), streamID: 1, endStream: false)
        peer.headers(1, [HeaderField("x-trailer", "1")], endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(!peer.server.isClosed)
        #expect(peer.server.receiveWindow.window == (1 << 20) - 1000 || peer.server.receiveWindow.window == 1 << 20)
    }

    @Test("§6.8: a client whose server goes away fails its queued and unprocessed requests")
    func goAwayFailsQueuedRequests() throws {
        var pair = ConnectionPair(server: .server(maxConcurrentStreams: 1))
        pair.exchange()
        let first = try pair.client.sendRequest(request(1), endStream: true, now: pair.now)
        let second = try pair.client.sendRequest(request(3), endStream: true, now: pair.now)
        #expect(pair.client.queuedRequestCount == 1)
        pair.exchange()
        pair.server.close(code: .noError) { _ in }
        pair.exchange()
        #expect(pair.clientEvents.contains("goaway \(first.rawValue) NO_ERROR"))
        #expect(pair.clientResets[second] == .refusedStream)
        #expect(pair.client.queuedRequestCount == 0)
        var refused = false
        do { _ = try pair.client.sendRequest(request(5), endStream: true, now: pair.now) } catch { refused = true }
        #expect(refused)
    }

    @Test("an idle connection with no stream closes after the idle timeout")
    func idleTimeout() {
        var configuration = ConnectionConfiguration.server()
        configuration.idleTimeout = 30_000_000_000
        var pair = ConnectionPair(server: configuration)
        pair.exchange()
        var events: [String] = []
        pair.server.handleTimeouts(now: pair.now + 29_000_000_000) { events.append(describe($0)) }
        #expect(events.isEmpty)
        pair.server.handleTimeouts(now: pair.now + 31_000_000_000) { events.append(describe($0)) }
        #expect(events == ["connection closed"])
        #expect(frames(pair.server.takeOutput()) == ["GOAWAY NO_ERROR"])
    }
}

/// The receive window's WINDOW_UPDATE policy and auto-tuning (RFC 9113 §5.2.1, §6.9).
@Suite("RFC 9113 §5.2 receive window policy")
struct ReceiveWindowTests {
    @Test("credit returns in batches of half the target")
    func batching() {
        var window = ReceiveWindow(initial: 65_536, maximumTarget: 65_536)
        var updates: [Int] = []
        for _ in 0..<32 {
            let accepted = window.receive(4096)
            #expect(accepted)
            let increment = window.consume(4096, now: 0, roundTrip: 0)
            if increment > 0 { updates.append(increment) }
        }
        #expect(updates == [32_768, 32_768, 32_768, 32_768])
    }

    @Test("a window drained within a round trip grows toward the maximum")
    func autoTuning() {
        var window = ReceiveWindow(initial: 65_536, maximumTarget: 1 << 20)
        var now: UInt64 = 1_000_000
        var total = 0
        for _ in 0..<400 {
            let chunk = min(16_384, window.window)
            guard chunk > 0 else { break }
            let accepted = window.receive(chunk)
            #expect(accepted)
            total += chunk
            _ = window.consume(chunk, now: now, roundTrip: 10_000_000)
            now += 100_000  // 16 KiB per 0.1 ms: far more than 64 KiB per RTT
        }
        #expect(window.target == 1 << 20)
        #expect(total > 4 << 20)
    }

    @Test("a slow reader keeps the initial window")
    func noGrowthWhenSlow() {
        var window = ReceiveWindow(initial: 65_536, maximumTarget: 1 << 20)
        var now: UInt64 = 1_000_000
        for _ in 0..<100 {
            let accepted = window.receive(1024)
            #expect(accepted)
            _ = window.consume(1024, now: now, roundTrip: 1_000_000)
            now += 50_000_000  // 1 KiB per 50 ms
        }
        #expect(window.target == 65_536)
    }

    @Test("more than the window is a flow-control error")
    func overflow() {
        var window = ReceiveWindow(initial: 100, maximumTarget: 100)
        let first = window.receive(100)
        let second = window.receive(1)
        #expect(first && !second)
    }
}

import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §10.5 and the HTTP/2 denial-of-service CVEs: every budget ends the connection
/// with GOAWAY ENHANCE_YOUR_CALM once crossed, and never before honest traffic needs it.
@Suite("RFC 9113 §10.5 abuse budgets")
struct AbuseTests {
    func request(_ stream: StreamID) -> [HeaderField] {
        [HeaderField(":method", "GET"), HeaderField(":scheme", "https"), HeaderField(":authority", "a"),
         HeaderField(":path", "/\(stream.rawValue)")]
    }

    @Test("rapid reset (CVE-2023-44487): streams opened and reset at once exhaust the budget")
    func rapidReset() {
        var configuration = ConnectionConfiguration.server()
        configuration.limits.peerResets = TokenBucket(capacity: 50, refillPerSecond: 1)
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        var answer: [String] = []
        for index in 0..<60 {
            let stream = StreamID(UInt32(2 * index + 1))
            peer.headers(stream, request(stream), endStream: false)
            peer.writer.writeRSTStream(streamID: stream, errorCode: .cancel)
            answer = peer.flush()
            if answer.contains("GOAWAY ENHANCE_YOUR_CALM") { break }
        }
        #expect(answer.contains("GOAWAY ENHANCE_YOUR_CALM"))
        #expect(peer.server.isClosed)
        #expect(peer.events.filter { $0.hasSuffix("by peer") }.count == 50)
    }

    @Test("honest cancellations within the budget keep the connection")
    func resetsWithinBudget() {
        var peer = RawPeer()
        _ = peer.handshake()
        for index in 0..<100 {
            let stream = StreamID(UInt32(2 * index + 1))
            peer.headers(stream, request(stream), endStream: false)
            peer.writer.writeRSTStream(streamID: stream, errorCode: .cancel)
        }
        let answer = peer.flush()
        #expect(!answer.contains { $0.hasPrefix("GOAWAY") })
        #expect(!peer.server.isClosed)
    }

    @Test("MadeYouReset (CVE-2025-8671): stream errors the peer provokes are budgeted")
    func provokedResets() {
        var configuration = ConnectionConfiguration.server()
        configuration.limits.provokedResets = TokenBucket(capacity: 20, refillPerSecond: 1)
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        var answer: [String] = []
        for index in 0..<30 {
            let stream = StreamID(UInt32(2 * index + 1))
            peer.headers(stream, request(stream), endStream: false)
            peer.writer.writeWindowUpdate(streamID: stream, increment: 0)  // stream error PROTOCOL_ERROR
            answer += peer.flush()
        }
        #expect(answer.filter { $0.hasPrefix("RST_STREAM") }.count == 20)
        #expect(answer.contains("GOAWAY ENHANCE_YOUR_CALM"))
    }

    @Test("CONTINUATION flood (CVE-2024-27316): a cap on frames per field block (COMPRESSION_ERROR, §4.3)")
    func continuationFlood() {
        var peer = RawPeer()
        _ = peer.handshake()
        var raw: [UInt8] = []
        HeadersFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(), endStream: true, endHeaders: false)
            .serialize(into: &raw)
        for _ in 0..<40 {
            ContinuationFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(), endHeaders: false)
                .serialize(into: &raw)
        }
        let answer = peer.send(raw)
        #expect(answer.last == "GOAWAY COMPRESSION_ERROR")
    }

    @Test("CONTINUATION flood: a cap on the octets of one field block (COMPRESSION_ERROR, §4.3)")
    func fieldBlockSize() {
        var configuration = ConnectionConfiguration.server()
        configuration.limits.maxFieldBlockSize = 32 * 1024
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        let filler = [UInt8](repeating: 0x82, count: 16_000)  // ":method GET" again and again
        var raw: [UInt8] = []
        filler.withUnsafeBytes { bytes in
            HeadersFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(bytes), endStream: true, endHeaders: false)
                .serialize(into: &raw)
            for _ in 0..<3 {
                ContinuationFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(bytes), endHeaders: false)
                    .serialize(into: &raw)
            }
        }
        let answer = peer.send(raw)
        #expect(answer.last == "GOAWAY COMPRESSION_ERROR")
    }

    @Test("HPACK bomb (CVE-2016-6581): the request gets 431, the connection and HPACK state live on")
    func hpackBomb() {
        var configuration = ConnectionConfiguration.server()
        configuration.settings.maxHeaderListSize = 16 * 1024
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        var encoder = HPACKEncoder(huffman: .never, indexingPolicy: .indexEverything)
        var block: [UInt8] = []
        encoder.encode(request(1) + [HeaderField("x-bomb", String(repeating: "A", count: 3000))], into: &block)
        block += [UInt8](repeating: 0xbe, count: 10_000)  // 30 MB of headers if expanded
        peer.writer.writeHeaders(block, streamID: 1, endStream: true)
        let answer = peer.flush()
        #expect(answer == ["HEADERS 1"])
        #expect(peer.events.isEmpty || !peer.events.contains { $0.hasPrefix("request") })
        // The table is still in step: the next request may reference the entry.
        peer.encoder = encoder
        peer.headers(3, request(3))
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("request 3 GET /3 end"))
    }

    @Test("ping flood (CVE-2019-9512): PINGs beyond the budget end the connection")
    func pingFlood() {
        var peer = RawPeer()
        _ = peer.handshake()
        for payload in 0..<150 { peer.writer.writePing(UInt64(payload)) }
        let answer = peer.flush()
        #expect(answer.filter { $0 == "PING ack" }.count == 100)
        #expect(answer.last == "GOAWAY ENHANCE_YOUR_CALM")
    }

    @Test("settings flood (CVE-2019-9515): SETTINGS beyond the budget end the connection")
    func settingsFlood() {
        var peer = RawPeer()
        _ = peer.handshake()
        for _ in 0..<150 { peer.writer.writeSettings([Setting(.maxConcurrentStreams, 10)]) }
        let answer = peer.flush()
        #expect(answer.last == "GOAWAY ENHANCE_YOUR_CALM")
    }

    @Test("empty frames (CVE-2019-9518): empty DATA frames beyond the budget end the connection")
    func emptyFrames() {
        var peer = RawPeer()
        _ = peer.handshake()
        peer.headers(1, request(1), endStream: false)
        for _ in 0..<150 { peer.writer.writeData([], streamID: 1, endStream: false) }
        let answer = peer.flush()
        #expect(answer.last == "GOAWAY ENHANCE_YOUR_CALM")
    }

    @Test("priority churn (CVE-2019-9513): PRIORITY frames cost nothing and hold no state")
    func priorityChurn() {
        var peer = RawPeer()
        _ = peer.handshake()
        for index in 0..<10_000 {
            peer.writer.writePriority(streamID: StreamID(UInt32(2 * index + 1)),
                                      priority: PriorityParameters(exclusive: false, dependency: 0, weight: 16))
        }
        let answer = peer.flush()
        #expect(answer.isEmpty)
        #expect(peer.server.streamCount == 0)
        #expect(!peer.server.isClosed)
    }

    @Test("a peer that never reads: control replies pile up only to a bound")
    func neverReads() {
        var configuration = ConnectionConfiguration.server()
        configuration.limits.pings = TokenBucket(capacity: 100_000, refillPerSecond: 100_000)
        configuration.limits.maxPendingControlBytes = 4096
        configuration.outputHighWater = 4096
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        for payload in 0..<2000 { peer.writer.writePing(UInt64(payload)) }
        var seen: [String] = []
        peer.server.receive(peer.writer.bytes, now: peer.now) { seen.append(describe($0)) }
        #expect(seen.contains("connection error ENHANCE_YOUR_CALM"))
    }
}

import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §6.8: after our GOAWAY, streams above its last stream id are ignored, but their
/// field blocks are still decoded (HPACK stays in step, §4.3) and their DATA still counts
/// toward the connection flow-control window.
@Suite("RFC 9113 §6.8 streams above our GOAWAY are minimally processed")
struct GoAwayProcessingTests {
    static func post(_ path: String, extra: [HeaderField] = []) -> [HeaderField] {
        [HeaderField(":method", "POST"), HeaderField(":scheme", "https"), HeaderField(":authority", "a"),
         HeaderField(":path", path)] + extra
    }

    /// A server with a 65,535-octet connection window that has sent its final GOAWAY
    /// naming stream 1, which stays open.
    static func afterGoAway(returnsCredit: Bool = true) -> RawPeer {
        var configuration = ConnectionConfiguration.server()
        configuration.connectionWindow = FlowWindow.defaultSize
        configuration.returnsCreditAutomatically = returnsCredit
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        peer.headers(1, post("/kept"), endStream: false)
        _ = peer.flush()
        peer.server.beginGracefulShutdown(now: peer.now)
        _ = peer.server.takeOutput()
        let payload = peer.server.shutdownPing!
        peer.writer.writePing(payload, ack: true)
        #expect(peer.flush() == ["GOAWAY NO_ERROR"])
        #expect(peer.server.goAwaySent == 1)
        return peer
    }

    @Test("§6.8: a field block on a stream above our GOAWAY is decoded: a later block using its table entry decodes right")
    func ignoredStreamKeepsHPACK() {
        var peer = Self.afterGoAway()
        // Stream 3 is ignored, but its block inserts an entry into the peer's table.
        peer.headers(3, Self.post("/ignored", extra: [HeaderField("x-ignored", "inserted by stream 3")]), endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(!peer.events.contains { $0.hasPrefix("request 3") })
        // Trailers on stream 1 refer to that entry by index only.
        var block: [UInt8] = []
        peer.encoder.encode([HeaderField("x-ignored", "inserted by stream 3")], into: &block)
        #expect(block.count == 1, "the trailer is an indexed field of the dynamic table")
        peer.writer.writeHeaders(block, streamID: 1, endStream: true)
        var trailers: [HeaderField] = []
        var other: [String] = []
        peer.server.receive(peer.writer.bytes, now: peer.now) { event in
            if case .trailers(_, let list) = event { trailers = Array(list) } else { other.append(describe(event)) }
        }
        peer.writer.clear()
        #expect(trailers == [HeaderField("x-ignored", "inserted by stream 3")])
        #expect(!other.contains { $0.hasPrefix("connection error") })
        #expect(frames(peer.server.takeOutput()).allSatisfy { !$0.hasPrefix("GOAWAY") && !$0.hasPrefix("RST_STREAM") })
    }

    @Test("§6.8: DATA on a stream above our GOAWAY counts toward the connection window (and its credit comes back)")
    func ignoredStreamDataCounts() {
        var peer = Self.afterGoAway()
        peer.headers(3, Self.post("/ignored"), endStream: false)
        #expect(peer.flush().isEmpty)
        let before = peer.server.receiveWindow.window
        peer.writer.writeData([UInt8](repeating: 7, count: 1_000), streamID: 3, endStream: false)
        #expect(peer.flush().isEmpty)
        #expect(peer.server.receiveWindow.window == before - 1_000)
        // Past half the window, the discarded octets are returned in one WINDOW_UPDATE.
        peer.writer.writeData([UInt8](repeating: 7, count: 16_000), streamID: 3, endStream: false)
        peer.writer.writeData([UInt8](repeating: 7, count: 16_000), streamID: 3, endStream: false)
        #expect(peer.flush() == ["WINDOW_UPDATE 0 33000"])
        #expect(peer.server.receiveWindow.window == before)
        #expect(!peer.events.contains { $0.hasPrefix("data 3") })
    }

    @Test("§6.8: DATA on a stream above our GOAWAY beyond the connection window is a FLOW_CONTROL_ERROR")
    func ignoredStreamDataBeyondTheWindow() {
        var peer = Self.afterGoAway(returnsCredit: false)
        // Stream 1 (below the GOAWAY) takes most of the window; nobody consumes it.
        for _ in 0..<4 { peer.writer.writeData([UInt8](repeating: 1, count: 15_000), streamID: 1, endStream: false) }
        #expect(peer.flush().isEmpty)
        #expect(peer.server.receiveWindow.window == FlowWindow.defaultSize - 60_000)
        peer.headers(3, Self.post("/ignored"), endStream: false)
        #expect(peer.flush().isEmpty)
        // The ignored stream's DATA is counted: beyond what is left, a connection error.
        peer.writer.writeData([UInt8](repeating: 7, count: 6_000), streamID: 3, endStream: false)
        #expect(peer.flush() == ["GOAWAY FLOW_CONTROL_ERROR"])
    }
}

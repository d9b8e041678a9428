import HPACK
import Testing
@testable import HTTP2

/// A server whose connection receive window stays at 65,535 and is never refilled by
/// itself (credit goes back only when the application consumes).
private func holdingServer() -> ConnectionConfiguration {
    var configuration = ConnectionConfiguration.server()
    configuration.connectionWindow = FlowWindow.defaultSize
    configuration.returnsCreditAutomatically = false
    return configuration
}

private func post(_ path: String) -> [HeaderField] {
    [HeaderField(":method", "POST"), HeaderField(":scheme", "https"), HeaderField(":authority", "a"),
     HeaderField(":path", path)]
}

/// RFC 9113 §6.9: only DATA is flow controlled; every other frame is accepted and
/// processed whatever the windows.
@Suite("RFC 9113 §6.9 frames exempt from flow control")
struct ExemptFramesTests {
    @Test("§6.9: with our receive window exhausted, PING, SETTINGS, HEADERS, PRIORITY, RST_STREAM, WINDOW_UPDATE are processed")
    func processedWithTheWindowExhausted() throws {
        var peer = RawPeer(configuration: holdingServer())
        _ = peer.handshake()
        peer.headers(1, post("/upload"), endStream: false)
        for size in [16_384, 16_384, 16_384, 16_383] {
            peer.writer.writeData([UInt8](repeating: 1, count: size), streamID: 1, endStream: false)
        }
        #expect(peer.flush().isEmpty)
        #expect(peer.server.receiveWindow.window == 0)

        peer.writer.writePing(42)
        #expect(peer.flush() == ["PING ack"])
        peer.writer.writeSettings([Setting(.maxFrameSize, 20_000)])
        #expect(peer.flush() == ["SETTINGS ack"])
        #expect(peer.server.peerSettings.maxFrameSize == 20_000)
        peer.headers(3, post("/second"), endStream: false)
        peer.writer.writePriority(streamID: 3, priority: PriorityParameters(exclusive: false, dependency: 1, weight: 7))
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("request 3 POST /second"))
        peer.writer.writeRSTStream(streamID: 3, errorCode: .cancel)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("reset 3 CANCEL by peer"))
        let sendWindow = peer.server.sendWindow.size
        peer.writer.writeWindowUpdate(streamID: .connection, increment: 1_000)
        #expect(peer.flush().isEmpty)
        #expect(peer.server.sendWindow.size == sendWindow + 1_000)
        // Trailers (HEADERS) still end the stream.
        peer.headers(1, [HeaderField("x-sum", "1")], endStream: true)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.contains("trailers 1 1"))
        #expect(!peer.events.contains { $0.hasPrefix("connection error") })

        // The window really was exhausted: one more DATA octet is a flow-control error.
        peer.headers(5, post("/third"), endStream: false)
        peer.writer.writeData([1], streamID: 5, endStream: false)
        #expect(peer.flush() == ["GOAWAY FLOW_CONTROL_ERROR"])
    }
}

/// RFC 9113 §6.9.1: a flow-control window never exceeds 2^31-1, so what we advertise
/// (the peer's view of its send window) never does either, whatever is configured.
@Suite("RFC 9113 §6.9.1 receive windows stay at or below 2^31-1")
struct WindowClampTests {
    @Test("§6.9.1: ReceiveWindow.init clamps a maximum above 2^31-1; auto-tuning and WINDOW_UPDATEs stop there")
    func receiveWindowClamp() {
        var window = ReceiveWindow(initial: 1 << 30, maximumTarget: Int.max)
        #expect(window.maximumTarget == FlowWindow.maximum)
        var now: UInt64 = 1_000
        for _ in 0..<8 {
            let octets = window.window
            let accepted = window.receive(octets)
            #expect(accepted)
            let increment = window.consume(octets, now: now, roundTrip: 0)
            // The peer's view after the WINDOW_UPDATE is `window`.
            #expect(increment <= FlowWindow.maximum)
            #expect(window.window <= FlowWindow.maximum)
            now += 1_000
        }
        // Auto-tuning did try to grow past the limit (1 GiB doubled): it stopped at it.
        #expect(window.target == FlowWindow.maximum)
        #expect(window.window == FlowWindow.maximum)
    }

    @Test("§6.9.1: Connection.init with windows configured above 2^31-1 opens the connection window to exactly 2^31-1")
    func connectionClamp() {
        var configuration = ConnectionConfiguration.server()
        configuration.connectionWindow = Int(UInt32.max) + 10
        configuration.maxReceiveWindow = Int.max
        configuration.settings.initialWindowSize = Int(UInt32.max)
        var server = Connection(role: .server, configuration: configuration, now: 1)
        #expect(frames(server.takeOutput()) == ["SETTINGS", "WINDOW_UPDATE 0 \(FlowWindow.maximum - FlowWindow.defaultSize)"])
        #expect(server.receiveWindow.window == FlowWindow.maximum)
        #expect(server.receiveWindow.maximumTarget == FlowWindow.maximum)
        #expect(server.configuration.settings.initialWindowSize == FlowWindow.maximum)
    }

    @Test("§6.9.1: with windows configured above 2^31-1, the WINDOW_UPDATEs we send keep every peer view at or below it")
    func windowUpdatesStayBelowTheMaximum() {
        var configuration = ConnectionConfiguration.server()
        configuration.connectionWindow = Int.max
        configuration.maxReceiveWindow = Int.max
        configuration.settings.initialWindowSize = Int.max
        var peer = RawPeer(configuration: configuration)
        // The peer's view of its send windows: the connection's and stream 1's.
        var connectionView = FlowWindow.defaultSize
        var streamView = FlowWindow.defaultSize
        func account(_ answer: [String]) {
            for frame in answer where frame.hasPrefix("WINDOW_UPDATE ") {
                let parts = frame.split(separator: " ")
                let increment = Int(parts[2])!
                if parts[1] == "0" { connectionView += increment } else { streamView += increment }
            }
        }
        peer.writer.writeSettings([])
        peer.writer.writeSettingsAck()
        account(frames(peer.server.takeOutput()))
        account(peer.send(Connection.preface + peer.writer.bytes, clearing: true))
        // Our SETTINGS said INITIAL_WINDOW_SIZE 2^31-1: acknowledged, stream 1 starts there.
        streamView = peer.server.acknowledgedSettings.initialWindowSize
        #expect(streamView == FlowWindow.maximum)
        #expect(connectionView == FlowWindow.maximum)
        peer.headers(1, post("/big"), endStream: false)
        account(peer.flush())
        for _ in 0..<200 {
            peer.writer.writeData([UInt8](repeating: 3, count: 16_384), streamID: 1, endStream: false)
            connectionView -= 16_384
            streamView -= 16_384
            account(peer.flush())
            #expect(connectionView <= FlowWindow.maximum)
            #expect(streamView <= FlowWindow.maximum)
            // What we account matches what we told the peer.
            #expect(peer.server.receiveWindow.window == connectionView)
            #expect(peer.server.streams[1]?.receiveWindow.window == streamView)
        }
        #expect(peer.events.filter { $0.hasPrefix("data 1") }.count == 200)
        #expect(!peer.events.contains { $0.hasPrefix("connection error") })
    }
}

/// RFC 9113 §6.9.3: DATA the peer sent before it processed our smaller
/// SETTINGS_INITIAL_WINDOW_SIZE may exceed the new window; it is accepted.
@Suite("RFC 9113 §6.9.3 DATA in flight across a reduction of our window")
struct ReducedWindowTests {
    @Test("§6.9.3: DATA beyond the reduced window, sent before the peer acknowledged, is accepted; after, the reduction holds")
    func dataInFlightAcrossAReduction() {
        var configuration = holdingServer()
        configuration.connectionWindow = 1 << 20
        var peer = RawPeer(configuration: configuration)
        _ = peer.handshake()
        #expect(peer.server.acknowledgedSettings.initialWindowSize == 1 << 20)
        peer.headers(1, post("/upload"), endStream: false)
        #expect(peer.flush().isEmpty)
        var smaller = peer.server.configuration.settings
        smaller.initialWindowSize = 1_000
        peer.server.updateSettings(smaller, now: peer.now)
        #expect(frames(peer.server.takeOutput()) == ["SETTINGS"])
        // Sent before the peer saw our SETTINGS: 30,000 octets, far beyond 1,000.
        peer.writer.writeData([UInt8](repeating: 9, count: 16_384), streamID: 1, endStream: false)
        peer.writer.writeData([UInt8](repeating: 9, count: 13_616), streamID: 1, endStream: false)
        #expect(peer.flush().isEmpty)
        #expect(peer.events.suffix(2) == ["data 1 16384", "data 1 13616"])
        // The acknowledgement moves the stream window by 1,000 - 2^20: now 1,000 - 30,000.
        peer.writer.writeSettingsAck()
        #expect(peer.flush().isEmpty)
        #expect(peer.server.streams[1]?.receiveWindow.window == 1_000 - 30_000)
        peer.writer.writeData([9], streamID: 1, endStream: false)
        #expect(peer.flush() == ["RST_STREAM 1 FLOW_CONTROL_ERROR"])
    }
}

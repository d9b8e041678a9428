import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §5.5: an extension that changes protocol elements is used only once
/// negotiated. RFC 8441 `:protocol` is defined only after our
/// SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 binds the peer, that is once acknowledged (§6.5.3).
@Suite("RFC 9113 §5.5 extended CONNECT only once negotiated")
struct ExtendedConnectNegotiationTests {
    static func extendedConnect(path: String) -> [HeaderField] {
        [HeaderField(":method", "CONNECT"), HeaderField(":protocol", "websocket"), HeaderField(":scheme", "https"),
         HeaderField(":authority", "example.com"), HeaderField(":path", path)]
    }

    static func serverOffering(_ enabled: Bool) -> ConnectionConfiguration {
        var configuration = ConnectionConfiguration.server()
        configuration.settings.enableConnectProtocol = enabled
        return configuration
    }

    @Test("§5.5: :protocol is refused until our SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 is acknowledged, accepted after")
    func protocolOnlyAfterAcknowledgement() {
        var peer = RawPeer(configuration: Self.serverOffering(true))
        // The peer's SETTINGS but not yet the ACK of ours.
        peer.writer.writeSettings([])
        #expect(peer.send(Connection.preface + peer.writer.bytes, clearing: true).last == "SETTINGS ack")
        #expect(!peer.server.acknowledgedSettings.enableConnectProtocol)
        peer.headers(1, Self.extendedConnect(path: "/early"), endStream: false)
        #expect(peer.flush() == ["RST_STREAM 1 PROTOCOL_ERROR"])
        #expect(!peer.events.contains { $0.hasPrefix("request 1") })

        peer.writer.writeSettingsAck()
        peer.headers(3, Self.extendedConnect(path: "/chat"), endStream: false)
        #expect(peer.flush().isEmpty)
        #expect(peer.server.acknowledgedSettings.enableConnectProtocol)
        #expect(peer.events.contains("request 3 CONNECT /chat"))
    }

    @Test("§5.5: without our SETTINGS_ENABLE_CONNECT_PROTOCOL, :protocol stays refused after the acknowledgement")
    func protocolRefusedWhenNotOffered() {
        var peer = RawPeer(configuration: Self.serverOffering(false))
        _ = peer.handshake()
        peer.headers(1, Self.extendedConnect(path: "/chat"), endStream: false)
        #expect(peer.flush() == ["RST_STREAM 1 PROTOCOL_ERROR"])
        #expect(!peer.events.contains { $0.hasPrefix("request 1") })
    }
}

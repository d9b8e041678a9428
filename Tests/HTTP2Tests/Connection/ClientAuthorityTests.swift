import HPACK
import Testing
@testable import HTTP2

/// RFC 9113 §8.3.1: a client conveys authority information in `:authority`, and
/// generates no `:authority` when there is none.
@Suite("RFC 9113 §8.3.1 clients send the authority as :authority")
struct ClientAuthorityTests {
    func connectedClient() -> ConnectionPair {
        var pair = ConnectionPair()
        pair.exchange()
        return pair
    }

    func refusal(_ pair: inout ConnectionPair, _ fields: [HeaderField]) -> String? {
        do {
            _ = try pair.client.sendRequest(fields, endStream: true, now: pair.now)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("§8.3.1: a request with the authority only in host is refused by sendRequest")
    func hostOnlyRefused() {
        var pair = connectedClient()
        let reason = refusal(&pair, [HeaderField(":method", "GET"), HeaderField(":scheme", "https"),
                                     HeaderField(":path", "/"), HeaderField("host", "example.com")])
        #expect(reason?.contains(":authority") == true, "\(reason ?? "accepted")")
        #expect(reason?.contains("host") == true)
        #expect(pair.client.takeOutput().isEmpty)
        #expect(pair.client.streamCount == 0)
    }

    @Test("§8.3.1: an empty :authority is refused (no authority: no :authority), whatever the scheme")
    func emptyAuthorityRefused() {
        var pair = connectedClient()
        for scheme in ["https", "urn"] {
            let reason = refusal(&pair, [HeaderField(":method", "GET"), HeaderField(":scheme", scheme),
                                         HeaderField(":authority", ""), HeaderField(":path", "/")])
            #expect(reason?.contains("empty :authority") == true, "\(scheme): \(reason ?? "accepted")")
        }
        #expect(pair.client.takeOutput().isEmpty)
    }

    @Test("§8.3.1: :authority (with or without a matching host) is sent; a request with no authority at all too")
    func authorityAccepted() throws {
        var pair = connectedClient()
        let plain = try pair.client.sendRequest(request("/a"), endStream: true, now: pair.now)
        let withHost = try pair.client.sendRequest(request("/b") + [HeaderField("host", "example.com")],
                                                   endStream: true, now: pair.now)
        let none = try pair.client.sendRequest([HeaderField(":method", "GET"), HeaderField(":scheme", "urn"),
                                                HeaderField(":path", "/c")], endStream: true, now: pair.now)
        pair.exchange()
        #expect(pair.requests[plain]?.authority == "example.com")
        #expect(pair.requests[withHost]?.authority == "example.com")
        #expect(pair.requests[none] != nil && pair.requests[none]?.authority == nil)
    }

    @Test("§8.3.1: the check belongs to outgoing validation (off: the application's fields go out as given)")
    func onlyWithValidation() throws {
        var configuration = ConnectionConfiguration.client()
        configuration.validatesOutgoingFields = false
        var pair = ConnectionPair(client: configuration)
        pair.exchange()
        _ = try pair.client.sendRequest([HeaderField(":method", "GET"), HeaderField(":scheme", "https"),
                                         HeaderField(":path", "/"), HeaderField("host", "example.com")],
                                        endStream: true, now: pair.now)
        #expect(!pair.client.takeOutput().isEmpty)
    }
}

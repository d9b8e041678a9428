// RFC 9113 §8.1.1, §8.2.1: validation answers every input without trapping, and what it
// accepts meets the minimal field rules.
import HPACK
import Testing
@testable import HTTP2

@Suite("Semantics robustness")
struct SemanticsRobustnessTests {
    /// Random field lists, biased toward the interesting names and bytes: validation must
    /// answer (never trap), and anything accepted must satisfy the §8.2.1 minimum.
    @Test func randomFieldListsNeverTrap() {
        var random = SemRandom(state: 0x8_1_1)
        let names: [[UInt8]] = [":method", ":scheme", ":authority", ":path", ":protocol", ":status", ":", "host",
                                "content-length", "te", "cookie", "connection", "x", "", "X"].map { Array($0.utf8) }
        let values: [[UInt8]] = ["GET", "CONNECT", "OPTIONS", "HEAD", "https", "http", "/", "*", "", "a@b", "a:443",
                                 "trailers", "1", "1, 1", "200", "101", "websocket", "99999999999999999999"]
            .map { Array($0.utf8) }
        for _ in 0..<3000 {
            var pairs: [([UInt8], [UInt8])] = []
            for _ in 0..<Int.random(in: 0...7, using: &random) {
                let name = Bool.random(using: &random) ? names.randomElement(using: &random)!
                    : (0..<Int.random(in: 0...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let value = Bool.random(using: &random) ? values.randomElement(using: &random)!
                    : (0..<Int.random(in: 0...6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                pairs.append((name, value))
            }
            let list = semRawFields(pairs)
            let results = [
                semKind(MessageValidator.validateRequest(list, extendedConnectEnabled: true)) == nil,
                semKind(MessageValidator.validateRequest(list, extendedConnectEnabled: false)) == nil,
                semKind(MessageValidator.validatePushPromise(list)) == nil,
                semKind(MessageValidator.validateResponse(list, requestMethod: "CONNECT")) == nil,
                semKind(MessageValidator.validateResponse(list, requestMethod: "HEAD", informationalAllowed: false)) == nil,
                semKind(MessageValidator.validateTrailers(list)) == nil,
            ]
            _ = list.mergingCookies()
            _ = list.joinedCookieValue()
            if results.contains(true) { Self.expectMinimalValidity(pairs) }
        }
    }

    /// Valid messages with one byte flipped: whatever is accepted still meets §8.2.1.
    @Test func mutatedValidMessagesNeverTrap() {
        var random = SemRandom(state: 0x9113)
        let templates: [[(String, String)]] = [
            semGET + [("content-length", "10"), ("host", "example.com"), ("te", "trailers"), ("cookie", "a=b")],
            SemanticsRequestPseudoHeaderTests.websocket,
            [(":method", "CONNECT"), (":authority", "a:443")],
            [(":status", "200"), ("content-length", "5"), ("content-type", "text/plain")],
        ]
        var accepted = 0
        for _ in 0..<4000 {
            var pairs = templates.randomElement(using: &random)!.map { (Array($0.0.utf8), Array($0.1.utf8)) }
            let field = Int.random(in: 0..<pairs.count, using: &random)
            let inName = Bool.random(using: &random)
            let bytes = inName ? pairs[field].0 : pairs[field].1
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let byte = UInt8.random(in: 0...255, using: &random)
            if inName { pairs[field].0[position] = byte } else { pairs[field].1[position] = byte }
            let list = semRawFields(pairs)
            let results = [
                semKind(MessageValidator.validateRequest(list, extendedConnectEnabled: true)) == nil,
                semKind(MessageValidator.validateResponse(list, requestMethod: "GET")) == nil,
                semKind(MessageValidator.validateTrailers(list)) == nil,
            ]
            if results.contains(true) {
                accepted += 1
                Self.expectMinimalValidity(pairs)
            }
        }
        #expect(accepted > 100)  // the mutations do reach the accepting paths
    }

    /// RFC 9113 §8.2.1, the minimal validation every accepted field meets.
    static func expectMinimalValidity(_ pairs: [([UInt8], [UInt8])]) {
        for (name, value) in pairs {
            #expect(!name.isEmpty)
            #expect(!name.contains { $0 >= 0x41 && $0 <= 0x5A || $0 <= 0x20 || $0 >= 0x7F })
            #expect(!name.dropFirst().contains(0x3A))
            #expect(!value.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D })
            #expect(value.first != 0x20 && value.first != 0x09 && value.last != 0x20 && value.last != 0x09)
            let isConnectionSpecific = ["connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"]
                .contains { Array($0.utf8) == name }
            #expect(!isConnectionSpecific)
        }
    }
}

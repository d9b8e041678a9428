// RFC 9113 §4.1, §5.5: frames of unknown type.
import Testing
@testable import HTTP2

@Suite("§4.1, §5.5 Unknown frame types")
struct UnknownFrameTests {
    @Test(arguments: [UInt8(0x0A), 0x0B, 0x0C, 0x11, 0x20, 0xFA, 0xFF])
    func surfacedAsUnknown(type: UInt8) throws {
        // RFC 9113 §4.1: unknown types are ignored and discarded; surfaced for extensions.
        let wire = rawFrame(type: type, flags: 0xA5, stream: 0x8000_0007, payload: [1, 2, 3])
        let result = try parseOne(wire).get()
        let frame = try #require(result.frame)
        #expect(frame.type == FrameType(type))
        #expect(frame.streamID == 7)
        #expect(frame.flags.rawValue == 0xA5)  // the extension's flags are kept as sent
        #expect(frame.bytes == [1, 2, 3])
    }

    @Test func roundTripKeepsFlags() throws {
        let wire = rawFrame(type: 0xCC, flags: 0x81, stream: 9, payload: [4, 5])
        #expect(try reencode(wire) == wire)
    }

    @Test func emptyUnknownOnStreamZero() throws {
        let result = try parseOne(rawFrame(type: 0xEE, stream: 0, payload: [])).get()
        #expect(result.frame?.bytes == [])
    }

    @Test func unknownBetweenKnownFrames() {
        let wire = rawFrame(type: 0x6, stream: 0, payload: [UInt8](repeating: 0, count: 8))
            + rawFrame(type: 0xCC, stream: 3, payload: [1])
            + rawFrame(type: 0x8, stream: 3, payload: be32(7))
        let decoded = decode(wire)
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 3)
        #expect(decoded.results[1].hasPrefix("UNKNOWN"))
    }

    @Test func unknownInsideFieldBlockIsConnectionProtocolError() {
        // RFC 9113 §5.5: extension frames in the middle of a field block are a connection
        // error PROTOCOL_ERROR.
        let wire = rawFrame(type: 0x1, stream: 1, payload: [0x82])
            + rawFrame(type: 0xFA, stream: 1, payload: [])
        let decoded = decode(wire)
        #expect(decoded.results.count == 1)
        #expect(decoded.error?.code == .protocolError)
        #expect(decoded.error?.scope == .connection)
    }
}

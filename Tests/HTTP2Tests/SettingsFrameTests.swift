// RFC 9113 §6.5: SETTINGS.
import Testing
@testable import HTTP2

@Suite("§6.5 SETTINGS")
struct SettingsFrameTests {
    @Test func roundTripKeepsOrderAndRepeats() throws {
        let settings = [
            Setting(.initialWindowSize, 100), Setting(.maxConcurrentStreams, 7),
            Setting(.initialWindowSize, 200), Setting(SettingIdentifier(0xFAFA), 9),
        ]
        var writer = FrameWriter()
        writer.writeSettings(settings)
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.settings == settings)
        #expect(frame.flags.isEmpty)
        #expect(writer.bytes.count == 9 + 24)
    }

    @Test func ackIsEmpty() throws {
        var writer = FrameWriter()
        writer.writeSettingsAck()
        #expect(writer.bytes == rawFrame(type: 0x4, flags: 0x1, stream: 0, payload: []))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.flags == .ack)
    }

    @Test func unknownIdentifiersSurfaced() throws {
        // RFC 9113 §6.5.2: unknown settings MUST be ignored, not rejected.
        let wire = rawFrame(type: 0x4, stream: 0, payload: be16(0xF0) + be32(0xFFFF_FFFF))
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.settings == [Setting(SettingIdentifier(0xF0), 0xFFFF_FFFF)])
    }

    @Test func onNonZeroStreamIsConnectionProtocolError() {
        // RFC 9113 §6.5: stream identifier other than 0 is a connection error PROTOCOL_ERROR.
        for flags in [UInt8(0), 1] {
            let error = frameError(rawFrame(type: 0x4, flags: flags, stream: 1, payload: []))
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .connection)
        }
    }

    @Test func ackWithPayloadIsConnectionFrameSizeError() {
        // RFC 9113 §6.5: ACK with a length other than 0 is a connection error FRAME_SIZE_ERROR.
        for payload in [[UInt8(0)], be16(3) + be32(1)] {
            let error = frameError(rawFrame(type: 0x4, flags: 0x1, stream: 0, payload: payload))
            #expect(error?.code == .frameSizeError)
            #expect(error?.scope == .connection)
        }
    }

    @Test(arguments: [1, 5, 7, 11, 13])
    func lengthNotMultipleOfSixIsConnectionFrameSizeError(length: Int) {
        // RFC 9113 §6.5: a length other than a multiple of 6 is a connection error FRAME_SIZE_ERROR.
        let error = frameError(rawFrame(type: 0x4, stream: 0, payload: [UInt8](repeating: 0, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [
        (UInt16(0x2), UInt32(2), HTTP2ErrorCode.protocolError),
        (0x2, 0xFFFF_FFFF, .protocolError),
        (0x4, 0x8000_0000, .flowControlError),
        (0x5, 16_383, .protocolError),
        (0x5, 16_777_216, .protocolError),
        (0x5, 0, .protocolError),
    ])
    func valuesOutOfRangeAreConnectionErrors(identifier: UInt16, value: UInt32, code: HTTP2ErrorCode) {
        // RFC 9113 §6.5.2: ENABLE_PUSH 0 or 1; INITIAL_WINDOW_SIZE ≤ 2^31-1
        // (FLOW_CONTROL_ERROR); MAX_FRAME_SIZE in 2^14...2^24-1.
        let error = frameError(rawFrame(type: 0x4, stream: 0, payload: be16(identifier) + be32(value)))
        #expect(error?.code == code)
        #expect(error?.scope == .connection)
    }

    @Test func boundaryValuesAccepted() {
        let payload = be16(2) + be32(1) + be16(2) + be32(0) + be16(4) + be32(0x7FFF_FFFF)
            + be16(5) + be32(16_384) + be16(5) + be32(16_777_215) + be16(1) + be32(0xFFFF_FFFF)
        #expect(frameError(rawFrame(type: 0x4, stream: 0, payload: payload)) == nil)
    }

    @Test func writerStopsAtOneFrame() throws {
        var writer = FrameWriter()
        writer.writeSettings(Array(repeating: Setting(.maxConcurrentStreams, 1), count: 3000))
        let lengths = try frameLengths(writer.bytes)
        #expect(lengths == [2730 * 6])
    }
}

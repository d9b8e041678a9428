// RFC 9113 §6.3: PRIORITY.
import Testing
@testable import HTTP2

@Suite("§6.3 PRIORITY")
struct PriorityFrameTests {
    @Test func roundTrip() throws {
        var writer = FrameWriter()
        let priority = PriorityParameters(exclusive: true, dependency: 1, weight: 255)
        writer.writePriority(streamID: 5, priority: priority)
        #expect(writer.bytes == rawFrame(type: 0x2, stream: 5, payload: be32(0x8000_0001) + [255]))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.priority == priority)
        #expect(frame.streamID == 5)
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.3: PRIORITY with stream 0 is a connection error PROTOCOL_ERROR.
        for payload in [be32(1) + [1], be32(1)] {
            let error = frameError(rawFrame(type: 0x2, stream: 0, payload: payload))
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .connection)
        }
    }

    @Test(arguments: [0, 4, 6, 10])
    func wrongLengthIsStreamFrameSizeError(length: Int) {
        // RFC 9113 §6.3: a length other than 5 is a stream error FRAME_SIZE_ERROR.
        let error = frameError(rawFrame(type: 0x2, stream: 3, payload: [UInt8](repeating: 0, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .stream(3))
    }

    @Test func dependingOnItselfIsStreamProtocolError() {
        // RFC 7540 §5.3.1: a stream cannot depend on itself.
        let error = frameError(rawFrame(type: 0x2, stream: 9, payload: be32(0x8000_0009) + [7]))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .stream(9))
    }

    @Test func streamErrorDoesNotStopTheReader() {
        let wire = rawFrame(type: 0x2, stream: 3, payload: [0, 0, 0, 0])
            + rawFrame(type: 0x8, stream: 0, payload: be32(10))
        let decoded = decode(wire)
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 2)
        #expect(decoded.results[0].contains("FRAME_SIZE_ERROR"))
        #expect(decoded.results[1].hasPrefix("WINDOW_UPDATE"))
    }
}

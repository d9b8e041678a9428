// RFC 9113 §6.9: WINDOW_UPDATE.
import Testing
@testable import HTTP2

@Suite("§6.9 WINDOW_UPDATE")
struct WindowUpdateFrameTests {
    @Test(arguments: [UInt32(0), 3], [UInt32(1), 65_535, 0x7FFF_FFFF])
    func roundTrip(stream: UInt32, increment: UInt32) throws {
        var writer = FrameWriter()
        writer.writeWindowUpdate(streamID: StreamID(stream), increment: increment)
        #expect(writer.bytes == rawFrame(type: 0x8, stream: stream, payload: be32(increment)))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.number == UInt64(increment))
        #expect(frame.streamID == StreamID(stream))
    }

    @Test func reservedBitIgnored() throws {
        let frame = try #require(try parseOne(rawFrame(type: 0x8, stream: 1, payload: be32(0x8000_0010))).get().frame)
        #expect(frame.number == 16)
    }

    @Test func zeroIncrementOnStreamIsStreamProtocolError() {
        // RFC 9113 §6.9: increment 0 is a stream error PROTOCOL_ERROR...
        for raw in [UInt32(0), 0x8000_0000] {
            let error = frameError(rawFrame(type: 0x8, stream: 5, payload: be32(raw)))
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .stream(5))
        }
    }

    @Test func zeroIncrementOnConnectionIsConnectionProtocolError() {
        // ...and a connection error on the connection flow-control window.
        let error = frameError(rawFrame(type: 0x8, stream: 0, payload: be32(0)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [(0, UInt32(1)), (3, 1), (5, 0), (8, 3)])
    func wrongLengthIsConnectionFrameSizeError(length: Int, stream: UInt32) {
        // RFC 9113 §6.9: a length other than 4 is a connection error FRAME_SIZE_ERROR,
        // on a stream too.
        let error = frameError(rawFrame(type: 0x8, stream: stream, payload: [UInt8](repeating: 1, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }
}

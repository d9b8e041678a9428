// RFC 9113 §6.4: RST_STREAM.
import Testing
@testable import HTTP2

@Suite("§6.4 RST_STREAM")
struct RSTStreamFrameTests {
    @Test(arguments: [UInt32(0), 1, 8, 13, 0xDEAD_BEEF])
    func roundTrip(code: UInt32) throws {
        var writer = FrameWriter()
        writer.writeRSTStream(streamID: 3, errorCode: HTTP2ErrorCode(code))
        #expect(writer.bytes == rawFrame(type: 0x3, stream: 3, payload: be32(code)))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.errorCode == HTTP2ErrorCode(code))
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.4: RST_STREAM with stream 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x3, stream: 0, payload: be32(8)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [0, 3, 5, 8])
    func wrongLengthIsConnectionFrameSizeError(length: Int) {
        // RFC 9113 §6.4: a length other than 4 is a connection error FRAME_SIZE_ERROR.
        let error = frameError(rawFrame(type: 0x3, stream: 1, payload: [UInt8](repeating: 0, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }
}

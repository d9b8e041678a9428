// RFC 9113 §6.7: PING.
import Testing
@testable import HTTP2

@Suite("§6.7 PING")
struct PingFrameTests {
    @Test(arguments: [false, true])
    func roundTrip(ack: Bool) throws {
        var writer = FrameWriter()
        writer.writePing(0x0102_0304_0506_0708, ack: ack)
        #expect(writer.bytes == rawFrame(type: 0x6, flags: ack ? 1 : 0, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.number == 0x0102_0304_0506_0708)
        #expect(frame.flags.contains(.ack) == ack)
    }

    @Test func onNonZeroStreamIsConnectionProtocolError() {
        // RFC 9113 §6.7: PING with a stream other than 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x6, stream: 1, payload: [UInt8](repeating: 0, count: 8)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [0, 7, 9, 16])
    func wrongLengthIsConnectionFrameSizeError(length: Int) {
        // RFC 9113 §6.7: a length other than 8 is a connection error FRAME_SIZE_ERROR.
        for flags in [UInt8(0), 1] {
            let error = frameError(rawFrame(type: 0x6, flags: flags, stream: 0, payload: [UInt8](repeating: 0, count: length)))
            #expect(error?.code == .frameSizeError)
            #expect(error?.scope == .connection)
        }
    }
}

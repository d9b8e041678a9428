// RFC 9113 §6.8: GOAWAY.
import Testing
@testable import HTTP2

@Suite("§6.8 GOAWAY")
struct GoAwayFrameTests {
    @Test func roundTripWithDebugData() throws {
        var writer = FrameWriter()
        writer.writeGoAway(lastStreamID: 7, errorCode: .protocolError, debugData: Array("bad".utf8))
        #expect(writer.bytes == rawFrame(type: 0x7, stream: 0, payload: be32(7) + be32(1) + Array("bad".utf8)))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.promised == 7)
        #expect(frame.errorCode == .protocolError)
        #expect(frame.bytes == Array("bad".utf8))
    }

    @Test func unknownErrorCodePreserved() throws {
        let wire = rawFrame(type: 0x7, stream: 0, payload: be32(0) + be32(0xABCD_EF01))
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.errorCode?.rawValue == 0xABCD_EF01)
        #expect(try reencode(wire) == wire)
    }

    @Test func lastStreamReservedBitIgnored() throws {
        let wire = rawFrame(type: 0x7, stream: 0, payload: be32(0x8000_0003) + be32(0))
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.promised == 3)
    }

    @Test func onNonZeroStreamIsConnectionProtocolError() {
        // RFC 9113 §6.8: GOAWAY with a stream other than 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x7, stream: 1, payload: be32(0) + be32(0)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [0, 4, 7])
    func shorterThanEightIsConnectionFrameSizeError(length: Int) {
        // RFC 9113 §4.2: too small for mandatory data; stream 0, so a connection error.
        let error = frameError(rawFrame(type: 0x7, stream: 0, payload: [UInt8](repeating: 0, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }

    @Test func writerCutsDebugDataToOneFrame() throws {
        var writer = FrameWriter()
        writer.writeGoAway(lastStreamID: 1, errorCode: .noError, debugData: [UInt8](repeating: 1, count: 20_000))
        #expect(try frameLengths(writer.bytes) == [16_384])
    }
}

// RFC 9218 §7.1: PRIORITY_UPDATE.
import Testing
@testable import HTTP2

@Suite("RFC 9218 §7.1 PRIORITY_UPDATE")
struct PriorityUpdateFrameTests {
    @Test func roundTrip() throws {
        var writer = FrameWriter()
        writer.writePriorityUpdate(prioritizedStreamID: 5, fieldValue: "u=3, i")
        #expect(writer.bytes == rawFrame(type: 0x10, stream: 0, payload: be32(5) + Array("u=3, i".utf8)))
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.type == .priorityUpdate)
        #expect(frame.promised == 5)
        #expect(frame.bytes == Array("u=3, i".utf8))
    }

    @Test func emptyValue() throws {
        let frame = try #require(try parseOne(rawFrame(type: 0x10, stream: 0, payload: be32(1))).get().frame)
        #expect(frame.bytes.isEmpty)
    }

    @Test func onNonZeroStreamIsConnectionProtocolError() {
        let error = frameError(rawFrame(type: 0x10, stream: 1, payload: be32(1)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [0, 1, 3])
    func shorterThanFourIsConnectionFrameSizeError(length: Int) {
        let error = frameError(rawFrame(type: 0x10, stream: 0, payload: [UInt8](repeating: 1, count: length)))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }

    @Test func prioritizedStreamZeroIsConnectionProtocolError() {
        for raw in [UInt32(0), 0x8000_0000] {
            let error = frameError(rawFrame(type: 0x10, stream: 0, payload: be32(raw) + [0x69]))
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .connection)
        }
    }
}

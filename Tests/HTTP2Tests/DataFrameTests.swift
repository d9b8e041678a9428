// RFC 9113 §6.1: DATA.
import Testing
@testable import HTTP2

@Suite("§6.1 DATA")
struct DataFrameTests {
    @Test(arguments: [false, true], [nil, UInt8(0), 1, 200, 255] as [UInt8?])
    func roundTrip(endStream: Bool, padLength: UInt8?) throws {
        let data: [UInt8] = Array(0..<40)
        var writer = FrameWriter()
        writer.writeData(data, streamID: 5, endStream: endStream, padLength: padLength)
        let result = try parseOne(writer.bytes).get()
        let frame = try #require(result.frame)
        #expect(frame.type == .data)
        #expect(frame.streamID == 5)
        #expect(frame.bytes == data)
        #expect(frame.padLength == padLength)
        #expect(frame.flags.contains(.endStream) == endStream)
        #expect(try reencode(writer.bytes) == writer.bytes)
    }

    @Test func paddingIsZeroOnSend() {
        // RFC 9113 §6.1: padding octets MUST be set to zero when sending.
        var writer = FrameWriter()
        writer.writeData([0xFF, 0xFF], streamID: 1, padLength: 6)
        #expect(writer.bytes.count == 9 + 1 + 2 + 6)
        #expect(writer.bytes[9] == 6)
        #expect(writer.bytes.suffix(6).allSatisfy { $0 == 0 })
    }

    @Test func nonZeroPaddingAccepted() throws {
        // RFC 9113 §6.1: a receiver is not obligated to verify padding.
        let wire = rawFrame(type: 0x0, flags: 0x8, stream: 1, payload: [2, 0xAA, 0xBB, 1, 2])
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.bytes == [0xAA, 0xBB])
        #expect(frame.padLength == 2)
    }

    @Test func flowControlledLengthCountsPadding() throws {
        let wire = rawFrame(type: 0x0, flags: 0x8, stream: 1, payload: [3, 9, 9, 0, 0, 0])
        var length = 0
        var reader = FrameReader()
        try reader.read(wire) { result in
            if case .frame(.data(let data)) = result { length = data.flowControlledLength }
        }
        #expect(length == 6)
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.1: DATA with stream 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x0, stream: 0, payload: [1]))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [(UInt8(5), 4), (1, 0), (255, 10), (11, 10)])
    func padLengthReachingPayloadIsConnectionProtocolError(padLength: UInt8, dataCount: Int) {
        // RFC 9113 §6.1: padding the length of the frame payload or greater is a
        // connection error PROTOCOL_ERROR. Payload = 1 + dataCount.
        let wire = rawFrame(type: 0x0, flags: 0x8, stream: 1, payload: [padLength] + [UInt8](repeating: 0, count: dataCount))
        let error = frameError(wire)
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test func largestValidPadding() throws {
        // Pad length = payload length - 1: only the Pad Length field and padding.
        let wire = rawFrame(type: 0x0, flags: 0x8, stream: 1, payload: [4, 0, 0, 0, 0])
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.bytes.isEmpty)
        #expect(frame.padLength == 4)
    }

    @Test func paddedWithEmptyPayloadIsConnectionFrameSizeError() {
        // RFC 9113 §4.2: too small to contain the Pad Length field.
        let error = frameError(rawFrame(type: 0x0, flags: 0x8, stream: 1, payload: []))
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }

    @Test func emptyDataWithEndStream() throws {
        var writer = FrameWriter()
        writer.writeData([], streamID: 3, endStream: true)
        #expect(writer.bytes == rawFrame(type: 0x0, flags: 0x1, stream: 3, payload: []))
    }
}

// RFC 9113 §6.6: PUSH_PROMISE.
import Testing
@testable import HTTP2

@Suite("§6.6 PUSH_PROMISE")
struct PushPromiseFrameTests {
    @Test(arguments: [nil, UInt8(0), 10] as [UInt8?])
    func roundTrip(padLength: UInt8?) throws {
        let block: [UInt8] = [0x82, 0x86, 0x84]
        var writer = FrameWriter()
        writer.writePushPromise(block, streamID: 1, promisedStreamID: 2, padLength: padLength)
        let frame = try #require(try parseOne(writer.bytes).get().frame)
        #expect(frame.type == .pushPromise)
        #expect(frame.promised == 2)
        #expect(frame.bytes == block)
        #expect(frame.padLength == padLength)
        #expect(frame.flags.contains(.endHeaders))
        #expect(try reencode(writer.bytes) == writer.bytes)
    }

    @Test func promisedReservedBitIgnored() throws {
        let wire = rawFrame(type: 0x5, flags: 0x4, stream: 1, payload: be32(0x8000_0004))
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.promised == 4)
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.6: PUSH_PROMISE with stream 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x5, flags: 0x4, stream: 0, payload: be32(2)))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test func tooShortIsConnectionFrameSizeError() {
        // RFC 9113 §4.2: too small for the Promised Stream ID; field-block frame: connection.
        for (flags, payload) in [(UInt8(0x4), [UInt8](repeating: 0, count: 3)), (0xC, [0, 0, 0, 2])] {
            let error = frameError(rawFrame(type: 0x5, flags: flags, stream: 1, payload: payload))
            #expect(error?.code == .frameSizeError)
            #expect(error?.scope == .connection)
        }
    }

    @Test func padLengthTooLargeIsConnectionProtocolError() {
        // RFC 9113 §6.6: padding the length of the payload or greater: PROTOCOL_ERROR; also
        // padding that leaves no room for the Promised Stream ID.
        for pad in [UInt8(6), 9, 2] {
            let wire = rawFrame(type: 0x5, flags: 0xC, stream: 1, payload: [pad] + be32(2) + [0])
            let error = frameError(wire)
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .connection)
        }
    }

    @Test func splitIntoContinuation() throws {
        var writer = FrameWriter()
        let block = [UInt8](repeating: 0x41, count: 16_384)
        writer.writePushPromise(block, streamID: 1, promisedStreamID: 2)
        #expect(try frameLengths(writer.bytes) == [16_384, 4])
        let decoded = decode(writer.bytes)
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 2)
        #expect(decoded.results[0].contains("endHeaders=false"))
        #expect(decoded.results[1].hasPrefix("CONTINUATION stream=1 endHeaders=true"))
    }
}

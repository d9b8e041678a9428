// RFC 9113 §6.2: HEADERS.
import Testing
@testable import HTTP2

@Suite("§6.2 HEADERS")
struct HeadersFrameTests {
    static let priorities: [PriorityParameters?] = [
        nil,
        PriorityParameters(exclusive: false, dependency: 3, weight: 200),
        PriorityParameters(exclusive: true, dependency: 0, weight: 0),
    ]

    @Test(arguments: [false, true], priorities)
    func roundTrip(endStream: Bool, priority: PriorityParameters?) throws {
        for padLength in [nil, UInt8(0), 17] as [UInt8?] {
            let block: [UInt8] = Array(100..<130)
            var writer = FrameWriter()
            writer.writeHeaders(block, streamID: 7, endStream: endStream, priority: priority, padLength: padLength)
            let frame = try #require(try parseOne(writer.bytes).get().frame)
            #expect(frame.type == .headers)
            #expect(frame.bytes == block)
            #expect(frame.priority == priority)
            #expect(frame.padLength == padLength)
            #expect(frame.flags.contains(.endStream) == endStream)
            #expect(frame.flags.contains(.endHeaders))
            #expect(try reencode(writer.bytes) == writer.bytes)
        }
    }

    @Test func priorityFieldsParsed() throws {
        let wire = rawFrame(type: 0x1, flags: 0x24, stream: 11, payload: be32(0x8000_0009) + [42, 0x82])
        let frame = try #require(try parseOne(wire).get().frame)
        #expect(frame.priority == PriorityParameters(exclusive: true, dependency: 9, weight: 42))
        #expect(frame.bytes == [0x82])
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.2: HEADERS with stream 0 is a connection error PROTOCOL_ERROR.
        let error = frameError(rawFrame(type: 0x1, flags: 0x4, stream: 0, payload: [0x82]))
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test func padLengthReachingPayloadIsConnectionProtocolError() {
        // RFC 9113 §6.2: padding the length of the payload or greater: PROTOCOL_ERROR.
        for pad in [UInt8(4), 5, 255] {
            let error = frameError(rawFrame(type: 0x1, flags: 0xC, stream: 1, payload: [pad, 1, 2, 3]))
            #expect(error?.code == .protocolError)
            #expect(error?.scope == .connection)
        }
    }

    @Test func paddingOverlappingPriorityIsConnectionProtocolError() {
        // Pad length 3 < payload 7, but 1 + 5 + 3 > 7.
        let wire = rawFrame(type: 0x1, flags: 0x2C, stream: 1, payload: [3] + be32(3) + [9, 0])
        let error = frameError(wire)
        #expect(error?.code == .protocolError)
        #expect(error?.scope == .connection)
    }

    @Test func tooShortForFixedFieldsIsConnectionFrameSizeError() {
        // RFC 9113 §4.2: too small for mandatory data; a field-block frame, so connection.
        for (flags, payload) in [(UInt8(0x24), [UInt8](repeating: 0, count: 4)), (0x2C, [0, 0, 0, 0, 0]), (0x0C, [])] {
            let error = frameError(rawFrame(type: 0x1, flags: flags, stream: 1, payload: payload))
            #expect(error?.code == .frameSizeError)
            #expect(error?.scope == .connection)
        }
    }

    @Test func dependingOnItselfIsStreamProtocolErrorWithFrame() throws {
        // RFC 7540 §5.3.1 (kept by RFC 9113 §5.3.2): stream error PROTOCOL_ERROR; the
        // frame comes along so that its field block can still be decoded (RFC 9113 §4.3).
        let wire = rawFrame(type: 0x1, flags: 0x24, stream: 3, payload: be32(3) + [16, 0x82, 0x86])
        let result = try parseOne(wire).get()
        #expect(result.streamError?.code == .protocolError)
        #expect(result.streamError?.scope == .stream(3))
        #expect(result.frame?.bytes == [0x82, 0x86])
    }

    @Test func selfDependencyWithoutEndHeadersStillExpectsContinuation() {
        let wire = rawFrame(type: 0x1, flags: 0x20, stream: 3, payload: be32(3) + [16, 0x82])
            + rawFrame(type: 0x9, flags: 0x4, stream: 3, payload: [0x86])
        let decoded = decode(wire)
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 2)
        #expect(decoded.results[1].hasPrefix("CONTINUATION"))
    }

    @Test func paddingIsZeroOnSend() {
        // RFC 9113 §6.2, §6.6: padding octets MUST be set to zero when sending.
        var writer = FrameWriter()
        writer.writeHeaders([0xFF, 0xFF], streamID: 1, padLength: 5)
        #expect(writer.bytes.suffix(5).allSatisfy { $0 == 0 })
        writer.clear()
        writer.writePushPromise([0xFF, 0xFF], streamID: 1, promisedStreamID: 2, padLength: 7)
        #expect(writer.bytes.suffix(7).allSatisfy { $0 == 0 })
        #expect(writer.bytes.count == 9 + 1 + 4 + 2 + 7)
    }

    @Test func emptyFieldBlock() throws {
        let frame = try #require(try parseOne(rawFrame(type: 0x1, flags: 0x4, stream: 1, payload: [])).get().frame)
        #expect(frame.bytes.isEmpty)
    }
}

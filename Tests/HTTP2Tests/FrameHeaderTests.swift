// RFC 9113 §4.1: frame format, reserved bit, unused flags.
import Testing
@testable import HTTP2

@Suite("§4.1 Frame header")
struct FrameHeaderTests {
    @Test func parsesAllFields() throws {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x07, 0xA5, 0x12, 0x34, 0x56, 0x78]
        let header = try #require(bytes.withUnsafeBytes { FrameHeader(parsing: $0) })
        #expect(header.length == 0x010203)
        #expect(header.type == .goAway)
        #expect(header.flags.rawValue == 0xA5)
        #expect(header.streamID == StreamID(0x1234_5678))
    }

    @Test func needsNineOctets() {
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]
        #expect(bytes.withUnsafeBytes { FrameHeader(parsing: $0) } == nil)
    }

    @Test func reservedBitIgnoredOnReceipt() throws {
        // RFC 9113 §4.1: the reserved bit MUST be ignored when receiving.
        let bytes = rawFrame(type: 0x0, stream: 0x8000_0003, payload: [1, 2])
        let frame = try #require(try parseOne(bytes).get().frame)
        #expect(frame.streamID == 3)
        let header = try #require(bytes.withUnsafeBytes { FrameHeader(parsing: $0) })
        #expect(header.streamID.rawValue == 3)
    }

    @Test func reservedBitOnStreamZeroStillMeansConnection() throws {
        let bytes = rawFrame(type: 0x6, stream: 0x8000_0000, payload: [UInt8](repeating: 7, count: 8))
        let frame = try #require(try parseOne(bytes).get().frame)
        #expect(frame.type == .ping)
    }

    @Test func reservedBitZeroOnSend() throws {
        // RFC 9113 §4.1: the reserved bit MUST remain unset when sending.
        let bytes = rawFrame(type: 0x0, stream: 0x8000_0003, payload: [9])
        let out = try reencode(bytes)
        #expect(out == rawFrame(type: 0x0, stream: 3, payload: [9]))
        var writer = FrameWriter()
        writer.writeRSTStream(streamID: StreamID(rawValue: 0xFFFF_FFFF), errorCode: .cancel)
        #expect(writer.bytes[5] & 0x80 == 0)
    }

    @Test func streamIDDropsReservedBit() {
        #expect(StreamID(rawValue: 0xFFFF_FFFF) == .max)
        #expect(StreamID(0x8000_0000).isConnection)
        #expect(StreamID(1).isClientInitiated)
        #expect(StreamID(2).isServerInitiated)
        #expect(!StreamID(0).isServerInitiated)
    }

    @Test(arguments: [
        (0x0, 0xF6), (0x1, 0xD2 | 0x04), (0x2, 0xFF), (0x3, 0xFF), (0x4, 0xFE),
        (0x5, 0xF3 | 0x04), (0x6, 0xFE), (0x7, 0xFF), (0x8, 0xFF), (0x10, 0xFF),
    ] as [(UInt8, UInt8)])
    func unusedFlagsIgnoredAndNotResent(type: UInt8, flags: UInt8) throws {
        // RFC 9113 §4.1: unused flags MUST be ignored on receipt and left unset on send.
        let payload: [UInt8]
        let stream: UInt32
        switch type {
        case 0x2: payload = be32(1) + [15]; stream = 3
        case 0x3: payload = be32(8); stream = 3
        case 0x4: payload = be16(3) + be32(100); stream = 0
        case 0x5: payload = be32(2) + [1, 2, 3]; stream = 1
        case 0x6: payload = [1, 2, 3, 4, 5, 6, 7, 8]; stream = 0
        case 0x7: payload = be32(5) + be32(0); stream = 0
        case 0x8: payload = be32(1000); stream = 0
        case 0x10: payload = be32(1) + Array("u=1".utf8); stream = 0
        default: payload = [1, 2, 3]; stream = 1
        }
        let wire = rawFrame(type: type, flags: flags, stream: stream, payload: payload)
        let clean = rawFrame(type: type, flags: flags & definedFlags(type), stream: stream, payload: payload)
        let result = try parseOne(wire).get()
        #expect(result.streamError == nil)
        #expect(result.description == (try parseOne(clean).get().description))
        #expect(try reencode(wire) == clean)
    }

    private func definedFlags(_ type: UInt8) -> UInt8 {
        switch type {
        case 0x0: return 0x09
        case 0x1: return 0x2D
        case 0x4, 0x6: return 0x01
        case 0x5: return 0x0C
        case 0x9: return 0x04
        default: return 0
        }
    }

    @Test func frameTypeNames() {
        #expect(FrameType.data.description == "DATA")
        #expect(FrameType.windowUpdate.description == "WINDOW_UPDATE")
        #expect(FrameType.priorityUpdate.description == "PRIORITY_UPDATE")
        #expect(FrameType(0xFA).name == nil)
        #expect(FrameType(0xFA).description == "UNKNOWN(0xfa)")
    }

    @Test func headerWrittenWith24BitLength() {
        var writer = FrameWriter(peerMaxFrameSize: 1 << 20)
        let payload = [UInt8](repeating: 0xAB, count: 70_000)
        writer.writeData(payload, streamID: 1)
        #expect(Array(writer.bytes.prefix(9)) == [0x01, 0x11, 0x70, 0x00, 0x00, 0, 0, 0, 1])
    }
}

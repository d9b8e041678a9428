// RFC 9113 §4.2: frame size and SETTINGS_MAX_FRAME_SIZE.
import Testing
@testable import HTTP2

@Suite("§4.2 Frame size")
struct FrameSizeTests {
    @Test func acceptsExactlyMaxFrameSize() throws {
        let wire = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 1, count: 16_384))
        let result = try parseOne(wire).get()
        #expect(result.frame?.bytes.count == 16_384)
    }

    @Test func frameOverMaxFrameSizeIsConnectionFrameSizeError() {
        // RFC 9113 §4.2: a frame exceeding SETTINGS_MAX_FRAME_SIZE is FRAME_SIZE_ERROR.
        let wire = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 1, count: 16_385))
        let error = frameError(wire)
        #expect(error?.code == .frameSizeError)
        #expect(error?.scope == .connection)
    }

    @Test(arguments: [UInt8(0x0), 0x1, 0x4, 0x6, 0x9, 0xFA])
    func oversizeDetectedFromHeaderAlone(type: UInt8) {
        // The payload is never buffered: the header is enough to reject the frame.
        let header = rawFrame(type: type, stream: 1, payload: [], length: 16_385)
        var reader = FrameReader()
        let decoded = decode(header, with: &reader)
        #expect(decoded.error?.code == .frameSizeError)
        #expect(reader.bufferedByteCount <= FrameHeader.size)
    }

    @Test func raisedMaxFrameSizeAcceptsLargerFrames() throws {
        let wire = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 2, count: 20_000))
        #expect(frameError(wire)?.code == .frameSizeError)
        #expect(frameError(wire, maxFrameSize: 20_000) == nil)
        #expect(frameError(wire, maxFrameSize: 19_999)?.code == .frameSizeError)
    }

    @Test func maxFrameSizeClampedToLegalRange() {
        // RFC 9113 §4.2, §6.5.2: 2^14 ... 2^24-1.
        var reader = FrameReader(maxFrameSize: 100)
        #expect(reader.maxFrameSize == 16_384)
        reader.maxFrameSize = 1 << 30
        #expect(reader.maxFrameSize == 16_777_215)
        var writer = FrameWriter(peerMaxFrameSize: 0)
        #expect(writer.peerMaxFrameSize == 16_384)
        writer.peerMaxFrameSize = Int.max
        #expect(writer.peerMaxFrameSize == 16_777_215)
    }

    @Test func maxFrameSizeChangedBetweenFramesOfOneChunk() throws {
        // The pull API leaves the reader free between frames: the connection raises the
        // limit when it sees the peer's SETTINGS ACK, before the next frame is read.
        let ack = rawFrame(type: 0x4, flags: 0x1, stream: 0, payload: [])
        let big = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 3, count: 30_000))
        let wire = ack + big
        var reader = FrameReader()
        var sizes: [Int] = []
        try wire.withUnsafeBytes { all in
            var input = all
            while let result = try reader.nextFrame(from: &input) {
                if case .frame(.settings(let settings)) = result, settings.ack {
                    reader.maxFrameSize = 65_536
                }
                if case .frame(.data(let data)) = result { sizes.append(data.data.count) }
            }
        }
        #expect(sizes == [30_000])
    }

    @Test func writerNeverExceedsPeerMaxFrameSize() throws {
        var writer = FrameWriter()
        writer.writeData([UInt8](repeating: 0, count: 100_000), streamID: 1)
        writer.writeHeaders([UInt8](repeating: 0, count: 50_000), streamID: 1)
        let sizes = try frameLengths(writer.bytes)
        #expect(sizes.allSatisfy { $0 <= 16_384 })
    }
}

/// The payload lengths of the frames in `bytes`.
func frameLengths(_ bytes: [UInt8]) throws -> [Int] {
    var lengths: [Int] = []
    var offset = 0
    while offset < bytes.count {
        let header = try #require(bytes.withUnsafeBytes {
            FrameHeader(parsing: UnsafeRawBufferPointer(rebasing: $0[offset...]))
        })
        lengths.append(header.length)
        offset += FrameHeader.size + header.length
    }
    #expect(offset == bytes.count)
    return lengths
}

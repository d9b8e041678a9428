// The writer: one reusable buffer, HEADERS + CONTINUATION and DATA splitting.
import Testing
@testable import HTTP2

@Suite("Frame writer")
struct FrameWriterTests {
    /// (type, flags, stream, length) of each frame in `bytes`.
    func frames(_ bytes: [UInt8]) throws -> [(FrameType, FrameFlags, StreamID, Int)] {
        var out: [(FrameType, FrameFlags, StreamID, Int)] = []
        var offset = 0
        while offset < bytes.count {
            let h = try #require(bytes.withUnsafeBytes { FrameHeader(parsing: UnsafeRawBufferPointer(rebasing: $0[offset...])) })
            out.append((h.type, h.flags, h.streamID, h.length))
            offset += 9 + h.length
        }
        return out
    }

    @Test(arguments: [0, 1, 16_383, 16_384, 16_385, 32_768, 32_769, 100_000])
    func headerBlockSplitIntoContinuations(size: Int) throws {
        // RFC 9113 §4.3, §6.2, §6.10: END_HEADERS only on the last frame of the block.
        let block = (0..<size).map { UInt8(truncatingIfNeeded: $0) }
        var writer = FrameWriter()
        writer.writeHeaders(block, streamID: 3, endStream: true)
        let list = try frames(writer.bytes)
        let expectedCount = Swift.max(1, (size + 16_383) / 16_384)
        #expect(list.count == expectedCount)
        #expect(list[0].0 == .headers)
        #expect(list[0].1.contains(.endStream))
        for (index, frame) in list.enumerated() {
            #expect(frame.2 == 3)
            #expect(frame.3 <= 16_384)
            if index > 0 {
                #expect(frame.0 == .continuation)
                #expect(!frame.1.contains(.endStream))
            }
            #expect(frame.1.contains(.endHeaders) == (index == list.count - 1))
        }
        // Reassembled, the fragments give back the block.
        var reassembled: [UInt8] = []
        var reader = FrameReader()
        try reader.read(writer.bytes) { result in
            switch result {
            case .frame(.headers(let h)): reassembled += h.fieldBlockFragment
            case .frame(.continuation(let c)): reassembled += c.fieldBlockFragment
            default: Issue.record("unexpected \(result)")
            }
        }
        #expect(reassembled == block)
    }

    @Test func priorityAndPaddingReduceFirstFrameRoom() throws {
        var writer = FrameWriter()
        writer.writeHeaders([UInt8](repeating: 1, count: 16_384), streamID: 1,
                            priority: PriorityParameters(exclusive: false, dependency: 0, weight: 1), padLength: 10)
        let list = try frames(writer.bytes)
        #expect(list.map(\.3) == [16_384, 16])
        #expect(list[0].1.contains(.padded) && list[0].1.contains(.priority))
        #expect(!list[1].1.contains(.padded))
    }

    @Test func splitFollowsPeerMaxFrameSize() throws {
        var writer = FrameWriter(peerMaxFrameSize: 20_000)
        writer.writeHeaders([UInt8](repeating: 1, count: 50_000), streamID: 1)
        #expect(try frames(writer.bytes).map(\.3) == [20_000, 20_000, 10_000])
    }

    @Test(arguments: [0, 1, 16_384, 16_385, 50_000])
    func dataChunkedWithEndStreamOnLast(size: Int) throws {
        // RFC 9113 §6.1: END_STREAM only on the last chunk.
        var writer = FrameWriter()
        let data = [UInt8](repeating: 5, count: size)
        writer.writeData(data, streamID: 7, endStream: true)
        let list = try frames(writer.bytes)
        #expect(list.count == Swift.max(1, (size + 16_383) / 16_384))
        #expect(list.map(\.3).reduce(0, +) == size)
        for (index, frame) in list.enumerated() {
            #expect(frame.0 == .data)
            #expect(frame.1.contains(.endStream) == (index == list.count - 1))
        }
    }

    @Test func dataWithoutEndStreamNeverSetsIt() throws {
        var writer = FrameWriter()
        writer.writeData([UInt8](repeating: 5, count: 40_000), streamID: 7, endStream: false)
        #expect(try frames(writer.bytes).allSatisfy { !$0.1.contains(.endStream) })
    }

    @Test func paddedDataChunksFit() throws {
        var writer = FrameWriter()
        writer.writeData([UInt8](repeating: 5, count: 40_000), streamID: 7, padLength: 255)
        let list = try frames(writer.bytes)
        #expect(list.allSatisfy { $0.3 <= 16_384 && $0.1.contains(.padded) })
        #expect(list.map { $0.3 - 256 }.reduce(0, +) == 40_000)
    }

    @Test func bufferIsReusedWithoutShrinking() {
        var writer = FrameWriter()
        writer.writeData([UInt8](repeating: 1, count: 60_000), streamID: 1)
        let capacity = writer.bytes.capacity
        writer.clear()
        #expect(writer.isEmpty)
        #expect(writer.bytes.capacity == capacity)
        writer.writePing(1)
        var drained: [UInt8] = []
        writer.drain { drained = Array($0) }
        #expect(drained.count == 17)
        #expect(writer.isEmpty)
        #expect(writer.bytes.capacity == capacity)
    }

    @Test func writeFrameIsExact() throws {
        var writer = FrameWriter()
        let block: [UInt8] = [1, 2, 3]
        block.withUnsafeBytes { raw in
            writer.write(.headers(HeadersFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(raw), endHeaders: false)))
            writer.write(.continuation(ContinuationFrame(streamID: 1, fieldBlockFragment: BorrowedBytes(raw))))
        }
        let list = try frames(writer.bytes)
        #expect(list.map(\.0) == [.headers, .continuation])
        #expect(list[0].1 == [])
        #expect(list[1].1 == .endHeaders)
    }
}

// The incremental reader: chunking, in-place parsing, one partial frame at most.
import Testing
@testable import HTTP2

@Suite("Frame reader")
struct FrameReaderTests {
    /// A short stream with every frame type, padding, priority, a field block split
    /// into CONTINUATION frames, an unknown frame and a stream error.
    static let stream: [UInt8] = {
        var writer = FrameWriter()
        writer.writeSettings([Setting(.maxConcurrentStreams, 100), Setting(.initialWindowSize, 1 << 20)])
        writer.writeSettingsAck()
        writer.writeWindowUpdate(streamID: 0, increment: 1 << 24)
        writer.writeHeaders(Array(0..<200), streamID: 1, priority: PriorityParameters(exclusive: true, dependency: 0, weight: 15), padLength: 8)
        let block = [UInt8](repeating: 0x41, count: 300)
        block.withUnsafeBytes { raw in
            let part = BorrowedBytes(UnsafeRawBufferPointer(rebasing: raw[0..<100]))
            writer.write(.headers(HeadersFrame(streamID: 3, fieldBlockFragment: part, endStream: true, endHeaders: false)))
            writer.write(.continuation(ContinuationFrame(streamID: 3, fieldBlockFragment: part, endHeaders: false)))
            writer.write(.continuation(ContinuationFrame(streamID: 3, fieldBlockFragment: part, endHeaders: true)))
        }
        writer.writeData([UInt8](repeating: 7, count: 300), streamID: 1, padLength: 3)
        writer.writeData(Array(0..<255), streamID: 1, endStream: true)
        writer.writePriority(streamID: 5, priority: PriorityParameters(exclusive: false, dependency: 1, weight: 3))
        writer.writeRSTStream(streamID: 3, errorCode: .cancel)
        writer.writePushPromise(Array(50..<90), streamID: 1, promisedStreamID: 2, padLength: 1)
        writer.writePing(42)
        writer.writePing(42, ack: true)
        writer.writePriorityUpdate(prioritizedStreamID: 1, fieldValue: "u=2")
        writer.writeGoAway(lastStreamID: 3, errorCode: .noError, debugData: Array("bye".utf8))
        var bytes = writer.bytes
        bytes += rawFrame(type: 0xFA, flags: 0x3, stream: 9, payload: [1, 2, 3])
        bytes += rawFrame(type: 0x8, stream: 7, payload: be32(0))  // stream error, reading goes on
        bytes += rawFrame(type: 0x0, stream: 5, payload: [])
        return bytes
    }()

    /// The same with frames far larger than any chunk: a 40,000-octet field block
    /// (HEADERS + 2 CONTINUATION) and 33,000 octets of padded DATA (3 frames).
    static let largeStream: [UInt8] = {
        var writer = FrameWriter()
        writer.writeHeaders([UInt8](repeating: 0x41, count: 40_000), streamID: 3, endStream: true)
        writer.writeData([UInt8](repeating: 7, count: 33_000), streamID: 1, endStream: true, padLength: 3)
        return stream + writer.bytes + stream
    }()

    static let expected = decode(stream)
    static let expectedLarge = decode(largeStream)

    @Test func referenceDecodingIsComplete() {
        #expect(Self.expected.error == nil)
        #expect(Self.expected.buffered == 0)
        #expect(Self.expected.results.count == 19)
        #expect(Self.expected.results.contains { $0.contains("stream error on 7") })
        #expect(Self.expectedLarge.error == nil)
        #expect(Self.expectedLarge.results.count == 2 * 19 + 6)
    }

    @Test func splitAtEveryBoundary() {
        // Property: two chunks, cut at every offset, give the same frames.
        for cut in 0...Self.stream.count {
            let decoded = decode(Self.stream, chunkSizes: [cut, Self.stream.count])
            if decoded != Self.expected {
                Issue.record("split at \(cut) differs")
                return
            }
        }
    }

    @Test func splitAtEveryPairOfBoundariesAroundFrameEdges() {
        // Three chunks: cuts at and next to every frame edge.
        var edges: [Int] = []
        var offset = 0
        while offset < Self.stream.count {
            edges.append(offset)
            let high = Int(Self.stream[offset]) << 16
            let middle = Int(Self.stream[offset + 1]) << 8
            let low = Int(Self.stream[offset + 2])
            offset += 9 + (high | middle | low)
        }
        var cutSet: Set<Int> = []
        for edge in edges {
            for delta in [-1, 0, 1, 8, 9, 10] where edge + delta > 0 && edge + delta < Self.stream.count {
                cutSet.insert(edge + delta)
            }
        }
        let cuts = cutSet.sorted()
        for first in cuts {
            for second in cuts where second > first {
                let decoded = decode(Self.stream, chunkSizes: [first, second - first, Self.stream.count])
                if decoded != Self.expected {
                    Issue.record("split at \(first) and \(second) differs")
                    return
                }
            }
        }
    }

    @Test func byteByByte() {
        #expect(decode(Self.stream, chunkSizes: [1]) == Self.expected)
        #expect(decode(Self.largeStream, chunkSizes: [1]) == Self.expectedLarge)
    }

    @Test(arguments: 0..<40)
    func randomChunks(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 7919)
        let maxChunk = [2, 9, 10, 64, 1000, 20_000][seed % 6]
        var sizes: [Int] = []
        var total = 0
        while total < Self.largeStream.count {
            let size = Int.random(in: 0...maxChunk, using: &random)
            sizes.append(size)
            total += size
        }
        sizes.append(1)
        #expect(decode(Self.largeStream, chunkSizes: sizes) == Self.expectedLarge)
    }

    @Test func wholeFramePayloadBorrowsCallerBytes() throws {
        // A frame wholly inside the chunk is parsed in place: no copy.
        let wire = rawFrame(type: 0x0, stream: 1, payload: Array(0..<100))
        var reader = FrameReader()
        var pointsIntoInput = false
        wire.withUnsafeBytes { input in
            var rest = input
            if case .frame(.data(let data))? = try? reader.nextFrame(from: &rest) {
                pointsIntoInput = data.data.base.baseAddress == input.baseAddress.map { $0 + 9 }
            }
        }
        #expect(pointsIntoInput)
        #expect(reader.bufferedByteCount == 0)
    }

    @Test func keepsAtMostOnePartialFrame() {
        // Two complete frames and the start of a third: only the third is buffered.
        let a = rawFrame(type: 0x6, stream: 0, payload: [UInt8](repeating: 1, count: 8))
        let b = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 2, count: 500))
        let wire = a + b + Array(b.prefix(100))
        var reader = FrameReader()
        let decoded = decode(wire, with: &reader)
        #expect(decoded.results.count == 2)
        #expect(reader.bufferedByteCount == 100)
        let rest = decode(Array(b.dropFirst(100)), with: &reader)
        #expect(rest.results.count == 1)
        #expect(reader.bufferedByteCount == 0)
    }

    @Test func frameCompletedFromBufferIsYieldedAtItsLastByte() throws {
        let frame = rawFrame(type: 0x8, stream: 1, payload: be32(5))
        var reader = FrameReader()
        var yielded: [Int] = []
        try frame.withUnsafeBytes { all in
            for index in 0..<all.count {
                var input = UnsafeRawBufferPointer(rebasing: all[index..<(index + 1)])
                if try reader.nextFrame(from: &input) != nil { yielded.append(index) }
                #expect(input.isEmpty)
            }
        }
        #expect(yielded == [frame.count - 1])
    }

    @Test func connectionErrorIsFinal() {
        var reader = FrameReader()
        let bad = rawFrame(type: 0x0, stream: 0, payload: [1])
        let first = decode(bad, with: &reader)
        #expect(first.error?.code == .protocolError)
        #expect(reader.connectionError?.code == .protocolError)
        let after = decode(rawFrame(type: 0x8, stream: 0, payload: be32(1)), with: &reader)
        #expect(after.error == first.error)
        #expect(after.results.isEmpty)
    }

    @Test func closureReadDeliversEveryFrame() throws {
        var reader = FrameReader()
        var count = 0
        try reader.read(Self.stream) { _ in count += 1 }
        #expect(count == Self.expected.results.count)
    }

    @Test func closureErrorsPropagate() {
        var reader = FrameReader()
        #expect(throws: HTTP2Error.connection(.internalError, "stop")) {
            try reader.read(Self.stream) { _ throws(HTTP2Error) in throw .connection(.internalError, "stop") }
        }
    }

    @Test func copiedReaderKeepsItsOwnBuffer() {
        // The partial-frame buffer is copy-on-write: a copy continues independently.
        let frame = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 9, count: 300))
        var original = FrameReader()
        _ = decode(Array(frame.prefix(150)), with: &original)
        var copy = original
        let fromCopy = decode(Array(frame.dropFirst(150)), with: &copy)
        let fromOriginal = decode(Array(frame.dropFirst(150)), with: &original)
        #expect(fromCopy == fromOriginal)
        #expect(fromCopy.results.count == 1)
    }

    @Test func largeBufferedFrameReleasesMemory() {
        var reader = FrameReader(maxFrameSize: 1 << 20)
        let big = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 1, count: 500_000))
        let decoded = decode(big, with: &reader, chunkSizes: [1000])
        #expect(decoded.results.count == 1)
        let next = decode(rawFrame(type: 0x8, stream: 0, payload: be32(1)), with: &reader, chunkSizes: [3])
        #expect(next.results.count == 1)
        #expect(reader.bufferedByteCount == 0)
    }
}

// Peer bytes never crash the process: random and mutated input only ever gives frames
// or HTTP2Error values.
import Testing
@testable import HTTP2

@Suite("Robustness")
struct RobustnessTests {
    @Test(arguments: 0..<20)
    func randomBytesNeverCrash(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 1)
        for _ in 0..<200 {
            var bytes = random.bytes(Int.random(in: 0...300, using: &random))
            // Keep lengths small often, so that payloads get parsed, not just rejected.
            if bytes.count >= 3, Bool.random(using: &random) {
                bytes[0] = 0
                bytes[1] = 0
                bytes[2] = UInt8.random(in: 0...40, using: &random)
            }
            let whole = decode(bytes)
            let pieces = decode(bytes, chunkSizes: [Int.random(in: 1...17, using: &random)])
            #expect(whole == pieces)
        }
    }

    @Test(arguments: 0..<10)
    func mutatedValidStreamNeverCrashes(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 100)
        let valid = FrameReaderTests.stream
        for _ in 0..<100 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) {
                bytes.removeLast(Int.random(in: 0..<Swift.min(100, bytes.count), using: &random))
            }
            let whole = decode(bytes, maxFrameSize: 1 << 16)
            let pieces = decode(bytes, chunkSizes: [Int.random(in: 1...5000, using: &random)], maxFrameSize: 1 << 16)
            #expect(whole == pieces)
            if let error = whole.error {
                #expect(error.isConnectionError)
                #expect([HTTP2ErrorCode.protocolError, .frameSizeError, .flowControlError].contains(error.code))
            }
        }
    }

    @Test func everyTypeWithEveryShortLength() {
        // Each type, each flag byte, payload lengths 0...12: no crash, only frames or errors.
        for type in UInt8(0)...0x11 {
            for flags in [UInt8(0), 0x01, 0x04, 0x08, 0x20, 0x2D, 0xFF] {
                for length in 0...12 {
                    for stream in [UInt32(0), 1, 0x8000_0000] {
                        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
                        let wire = rawFrame(type: type, flags: flags, stream: stream, payload: payload)
                        _ = decode(wire)
                        _ = decode(wire, chunkSizes: [1])
                    }
                }
            }
        }
    }

    @Test func lengthFieldAtMaximum() {
        let header = rawFrame(type: 0x0, stream: 1, payload: [], length: 0xFF_FFFF)
        var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
        let decoded = decode(header + [1, 2, 3], with: &reader)
        #expect(decoded.error == nil)
        #expect(decoded.results.isEmpty)
        #expect(reader.bufferedByteCount == 12)
    }
}

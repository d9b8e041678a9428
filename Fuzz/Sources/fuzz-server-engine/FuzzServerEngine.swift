// fuzz-server-engine: a server Connection fed arbitrary bytes, as a client would send
// them, in arbitrary chunks, driven by an application (EngineHarness) between chunks.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0        the harness options (EngineHarness.swift: credit, idle timeout, our
//                 initial window, connection window, response body size)
//   byte 1        the harness flags (EngineHarness.swift); bit 0 set: the harness sends no
//                 preface or SETTINGS, the stream must (seeds from Vectors/conformance do);
//                 otherwise the harness sends the preface, an empty SETTINGS and (unless
//                 bit 1) the ACK of ours, and the stream starts with frames
//   bytes 2-7     chunk codes, used in turn: bits 0-4 the size (chunkSizes; 31: the rest),
//                 bits 5-7 what the application does after the chunk (actions)
//   the rest      the byte stream
//
// Every invariant is the harness's (EngineHarness.swift); errors in what the client sends
// are fine.
import EngineHarness
import FuzzDriver

private let chunkSizes = [1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 16, 17, 24, 32, 33, 48,
                          64, 100, 128, 200, 256, 500, 1000, 1500, 2048, 4096, 9000, 16384, 16393, 20000, 65536, Int.max]
/// (clock advance in nanoseconds, action) for bits 5-7 of a chunk code.
private let actions: [(UInt64, StepAction)] = [
    (1_000_000, []),
    (1_000_000, .resetOldest),
    (300_000_000, []),
    (2_000_000_000, .holdResponses),
    (11_000_000_000, []),  // past the SETTINGS timeout (10 s)
    (0, []),
    (1_000_000, .resetNewest),
    (40_000_000_000, []),  // past the idle timeout; refills every token bucket
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    func byte(_ index: Int) -> UInt8 { index < size ? input[index] : 0 }
    let harness = EngineHarness(options: byte(0), flags: byte(1), trace: fuzz_trace_enabled() != 0)
    harness.start()
    let codes = (2...7).map(byte)
    var offset = min(8, size)
    var turn = 0
    let stream = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset...]))
    offset = 0
    while offset < stream.count {
        let code = codes[turn % codes.count]
        turn += 1
        let length = min(chunkSizes[Int(code & 31)], stream.count - offset)
        let (advance, action) = actions[Int(code >> 5)]
        harness.step(UnsafeRawBufferPointer(rebasing: stream[offset..<(offset + length)]), advance: advance, action: action)
        offset += length
    }
    harness.finish()
    return 0
}

/// The `main` that `swift build -Xswiftc -sanitize=fuzzer` links (see FuzzDriver.h).
@_cdecl("fuzz_server_engine_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

// Helpers shared by the HTTP2 tests: raw wire building and decoding to owned values.
@testable import HTTP2

/// A frame built by hand, byte for byte (RFC 9113 §4.1 layout); `stream` may carry the
/// reserved bit and `length` may lie about the payload.
func rawFrame(type: UInt8, flags: UInt8 = 0, stream: UInt32, payload: [UInt8], length: Int? = nil) -> [UInt8] {
    let n = length ?? payload.count
    return [UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n),
            type, flags,
            UInt8(truncatingIfNeeded: stream >> 24), UInt8(truncatingIfNeeded: stream >> 16),
            UInt8(truncatingIfNeeded: stream >> 8), UInt8(truncatingIfNeeded: stream)] + payload
}

func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
     UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}

func be16(_ value: UInt16) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}

/// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// What a reader produced from a byte stream, as owned values.
struct Decoded: Equatable {
    /// `FrameResult.description` of each result, in order (descriptions are complete:
    /// every field, payloads in hex).
    var results: [String] = []
    /// The connection error thrown, if any.
    var error: HTTP2Error?
    /// Bytes still buffered at the end.
    var buffered = 0
}

/// Feeds `bytes` to a new reader in chunks of the given sizes (the last size repeats).
func decode(_ bytes: [UInt8], chunkSizes: [Int] = [], maxFrameSize: Int = 16_384) -> Decoded {
    var reader = FrameReader(maxFrameSize: maxFrameSize)
    return decode(bytes, with: &reader, chunkSizes: chunkSizes)
}

func decode(_ bytes: [UInt8], with reader: inout FrameReader, chunkSizes: [Int] = []) -> Decoded {
    var decoded = Decoded()
    var start = 0
    var index = 0
    bytes.withUnsafeBytes { all in
        repeat {
            let size = chunkSizes.isEmpty ? all.count : chunkSizes[Swift.min(index, chunkSizes.count - 1)]
            index += 1
            let end = Swift.min(start + Swift.max(size, 0), all.count)
            var input = UnsafeRawBufferPointer(rebasing: all[start..<end])
            start = end
            do throws(HTTP2Error) {
                while let result = try reader.nextFrame(from: &input) {
                    decoded.results.append(result.description)
                }
            } catch {
                decoded.error = error
                return
            }
        } while start < all.count
    }
    // After a connection error the reader is finished; what it held no longer matters.
    decoded.buffered = decoded.error == nil ? reader.bufferedByteCount : 0
    return decoded
}

/// Parses exactly one complete frame through the reader; the result, or the connection error.
func parseOne(_ bytes: [UInt8], maxFrameSize: Int = 16_384) -> Result<OwnedResult, HTTP2Error> {
    var reader = FrameReader(maxFrameSize: maxFrameSize)
    var owned: OwnedResult?
    do {
        try reader.read(bytes) { result in
            if owned == nil { owned = OwnedResult(result) }
        }
    } catch {
        return .failure(error)
    }
    guard let owned else { return .failure(.connection(.internalError, "no frame")) }
    return .success(owned)
}

/// A FrameResult copied out of the reader's lifetime: the frame's fields are read in
/// the closure, payloads copied into arrays.
struct OwnedResult {
    var description: String
    var streamError: HTTP2Error?
    var type: FrameType?
    var payload: [UInt8] = []
    var frame: OwnedFrame?

    init(_ result: FrameResult) {
        description = result.description
        switch result {
        case .frame(let frame):
            type = frame.type
            self.frame = OwnedFrame(frame)
        case .streamError(let error, let headers):
            streamError = error
            if let headers { self.frame = OwnedFrame(.headers(headers)) }
        }
    }
}

/// The fields of any frame, payload copied.
struct OwnedFrame: Equatable {
    var type: FrameType
    var streamID: StreamID
    var flags: FrameFlags = []
    var padLength: UInt8?
    var priority: PriorityParameters?
    var bytes: [UInt8] = []
    var errorCode: HTTP2ErrorCode?
    var settings: [Setting] = []
    var number: UInt64 = 0
    var promised: StreamID?

    init(_ frame: Frame) {
        type = frame.type
        streamID = frame.streamID
        switch frame {
        case .data(let f):
            flags = f.flags; padLength = f.padLength; bytes = Array(f.data)
        case .headers(let f):
            flags = f.flags; padLength = f.padLength; priority = f.priority; bytes = Array(f.fieldBlockFragment)
        case .priority(let f):
            priority = f.priority
        case .rstStream(let f):
            errorCode = f.errorCode
        case .settings(let f):
            flags = f.ack ? .ack : []; settings = Array(f.settings)
        case .pushPromise(let f):
            flags = f.flags; padLength = f.padLength; promised = f.promisedStreamID; bytes = Array(f.fieldBlockFragment)
        case .ping(let f):
            flags = f.ack ? .ack : []; number = f.opaqueData
        case .goAway(let f):
            promised = f.lastStreamID; errorCode = f.errorCode; bytes = Array(f.debugData)
        case .windowUpdate(let f):
            number = UInt64(f.increment)
        case .continuation(let f):
            flags = f.endHeaders ? .endHeaders : []; bytes = Array(f.fieldBlockFragment)
        case .priorityUpdate(let f):
            promised = f.prioritizedStreamID; bytes = Array(f.fieldValue)
        case .unknown(let f):
            flags = f.flags; bytes = Array(f.payload)
        }
    }
}

/// The connection or stream error a one-frame wire gives, nil when it parses cleanly.
func frameError(_ bytes: [UInt8], maxFrameSize: Int = 16_384) -> HTTP2Error? {
    switch parseOne(bytes, maxFrameSize: maxFrameSize) {
    case .failure(let error): return error
    case .success(let owned): return owned.streamError
    }
}

/// Re-encodes the frames of `bytes` with FrameWriter.write(_:).
func reencode(_ bytes: [UInt8]) throws -> [UInt8] {
    var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
    var writer = FrameWriter(peerMaxFrameSize: FrameReader.largestMaxFrameSize)
    try reader.read(bytes) { result in
        if case .frame(let frame) = result { writer.write(frame) }
    }
    return writer.bytes
}

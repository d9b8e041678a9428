import HTTP2

/// The small control frames of the frame benchmarks.
public enum ControlKind: String, CaseIterable, Sendable {
    /// PING with ACK set (the same bytes for every library; a PING without ACK would make
    /// swift-nio-http2's handler write an answer as well).
    case ping
    /// WINDOW_UPDATE on the connection, increment 1.
    case windowUpdate = "window-update"
    /// RST_STREAM CANCEL on stream 3 (closed beforehand where the library keeps state).
    case rstStream = "rst-stream"
    /// An empty SETTINGS frame with ACK.
    case settingsAck = "settings-ack"
    /// PING, WINDOW_UPDATE, RST_STREAM, SETTINGS ack in turn.
    case mixed
    /// PING, WINDOW_UPDATE, RST_STREAM in turn: what swift-nio-http2's handler accepts in a
    /// row (it refuses a SETTINGS ack that answers no SETTINGS of its own).
    case mixed3 = "mixed-3"

    /// The kinds a round robin of this kind goes through.
    var cycle: [ControlKind] {
        switch self {
        case .mixed: return [.ping, .windowUpdate, .rstStream, .settingsAck]
        case .mixed3: return [.ping, .windowUpdate, .rstStream]
        default: return [self]
        }
    }
}

/// The stream that RST_STREAM frames name (opened and closed before the measurement for
/// libraries that check stream states).
let resetStream: UInt32 = 3
/// The stream DATA frames travel on.
let dataStream: UInt32 = 1

/// Inputs and outputs of the frame benchmarks, in plain bytes.
public enum FrameCorpus {
    /// Control frames per pass.
    public static let controlFrames = 10_000
    /// DATA frames per pass, each with a full 16 KiB payload: 1 MiB per pass.
    public static let dataFrames = 64
    public static let dataPayload = 16_384
    /// The chunk sizes the "chunked" variants cut the input into: 1 KiB for control frames
    /// (frames straddle chunk ends), 16 KiB for DATA (a TLS record's worth, so nearly every
    /// frame straddles two chunks and is copied into the reader's buffer).
    public static let controlChunk = 1024
    public static let dataChunk = 16_384

    /// `controlFrames` frames of `kind`, back to back.
    public static func control(_ kind: ControlKind) -> [UInt8] {
        var bytes: [UInt8] = []
        let cycle = kind.cycle
        for index in 0..<controlFrames {
            switch cycle[index % cycle.count] {
            case .ping: bytes.appendPing(UInt64(index), ack: true)
            case .windowUpdate: bytes.appendWindowUpdate(stream: 0, increment: 1)
            case .rstStream: bytes.appendRSTStream(stream: resetStream, code: 0x8)
            case .settingsAck: bytes.appendSettingsAck()
            case .mixed, .mixed3: fatalError("not a single kind")
            }
        }
        return bytes
    }

    /// The payload of every DATA frame (an SSE-like text, so that it is not all zeros).
    public static let payload: [UInt8] = {
        let line = Array("data: {\"seq\":12345,\"price\":101.25,\"symbol\":\"ACME\"}\n\n".utf8)
        return (0..<dataPayload).map { line[$0 % line.count] }
    }()

    /// `dataFrames` DATA frames of 16 KiB on stream 1, no flags.
    public static func data() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(dataFrames * (9 + dataPayload))
        for _ in 0..<dataFrames {
            bytes.appendFrame(.data, stream: dataStream, payload: payload)
        }
        return bytes
    }

    public static var dataPassBytes: Int { dataFrames * dataPayload }
}

/// Our `FrameReader` and `FrameWriter` over the frame corpus. One instance per benchmark;
/// the reader and writer live across passes (passes end on frame boundaries), the way a
/// connection keeps them.
public final class OursFrameBench {
    let input: [UInt8]
    let chunks: [Range<Int>]
    let kind: ControlKind?
    var reader = FrameReader()
    var writer = FrameWriter(capacity: FrameCorpus.controlFrames * 17 + FrameCorpus.dataFrames * (9 + FrameCorpus.dataPayload))
    let payload = FrameCorpus.payload

    /// Control frames of `kind`, or DATA frames when `kind` is nil; cut in chunks of `chunk`
    /// octets for the chunked variants.
    public init(kind: ControlKind?, chunk: Int? = nil) {
        self.kind = kind
        let input = kind.map(FrameCorpus.control) ?? FrameCorpus.data()
        let size = chunk ?? input.count
        chunks = stride(from: 0, to: input.count, by: size).map { $0..<min($0 + size, input.count) }
        self.input = input
    }

    /// Parses the whole input once; returns the number of frames (and checks it in `verify`).
    @inline(never)
    public func parsePass() throws -> (frames: Int, payloadBytes: Int) {
        try Self.parse(&reader, input, chunks)
    }

    // Not inlined into `parsePass`: Swift 6.3.1's optimizer crashes on the inlined form.
    @inline(never)
    static func parse(_ reader: inout FrameReader, _ input: [UInt8], _ chunks: [Range<Int>]) throws -> (frames: Int, payloadBytes: Int) {
        var frames = 0
        var payloadBytes = 0
        var checksum: UInt32 = 0
        try input.withUnsafeBytes { all in
            for range in chunks {
                var chunk = UnsafeRawBufferPointer(rebasing: all[range])
                while let result = try reader.nextFrame(from: &chunk) {
                    guard case .frame(let frame) = result else { continue }
                    frames &+= 1
                    // Touch what a connection would look at first.
                    switch frame {
                    case .data(let data):
                        payloadBytes &+= data.data.count
                        checksum &+= data.streamID.rawValue
                    case .ping(let ping): checksum &+= UInt32(truncatingIfNeeded: ping.opaqueData)
                    case .windowUpdate(let update): checksum &+= update.increment
                    case .rstStream(let reset): checksum &+= reset.streamID.rawValue
                    case .settings(let settings): checksum &+= settings.ack ? 1 : 0
                    default: break
                    }
                }
            }
        }
        opaqueUse(checksum)
        return (frames, payloadBytes)
    }

    /// Writes the pass's frames into the reused buffer; returns (frames, octets written).
    @inline(never)
    public func writePass() -> (frames: Int, bytes: Int) {
        Self.write(&writer, kind, payload)
    }

    @inline(__always)
    static func write(_ writer: inout FrameWriter, _ kind: ControlKind?, _ payload: [UInt8]) -> (frames: Int, bytes: Int) {
        writer.clear()
        guard let kind else {
            payload.withUnsafeBytes { data in
                for _ in 0..<FrameCorpus.dataFrames {
                    writer.writeData(data, streamID: StreamID(dataStream))
                }
            }
            return (FrameCorpus.dataFrames, writer.bytes.count)
        }
        let cycle = kind.cycle
        var next = 0
        for index in 0..<FrameCorpus.controlFrames {
            switch cycle[next] {
            case .ping: writer.writePing(UInt64(index))
            case .windowUpdate: writer.writeWindowUpdate(streamID: .connection, increment: 1)
            case .rstStream: writer.writeRSTStream(streamID: StreamID(resetStream), errorCode: .cancel)
            case .settingsAck: writer.writeSettingsAck()
            case .mixed, .mixed3: break
            }
            next += 1
            if next == cycle.count { next = 0 }
        }
        return (FrameCorpus.controlFrames, writer.bytes.count)
    }

    /// Checks that a pass sees every frame and that the writer lays out the same frames.
    public func verify() throws {
        let parsed = try parsePass()
        let expected = kind == nil ? FrameCorpus.dataFrames : FrameCorpus.controlFrames
        require(parsed.frames == expected, "parsed \(parsed.frames) frames, expected \(expected)")
        if kind == nil { require(parsed.payloadBytes == FrameCorpus.dataPassBytes) }
        let written = writePass()
        require(written.frames == expected)
        let out = writer.bytes
        require(countFrames(out).all == expected, "the writer's output does not have \(expected) frames")
        if kind == nil || kind!.cycle.count == 1 {
            // Same frames as the hand-made corpus, but for PING's ACK flag.
            var reference = input
            if kind == .ping {
                for offset in stride(from: 4, to: reference.count, by: 17) { reference[offset] = 0 }
            }
            require(out == reference, "the writer's bytes differ from the corpus")
        }
    }
}

/// Keeps a value alive and opaque to the optimizer.
@inline(never)
public func opaqueUse<T>(_ value: T) {}

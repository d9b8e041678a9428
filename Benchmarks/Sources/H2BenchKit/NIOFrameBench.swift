import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2

// swift-nio-http2 keeps its frame decoder and encoder internal (HTTP2FrameDecoder,
// HTTP2FrameEncoder), so its side of the frame benchmarks is the whole `NIOHTTP2Handler`
// (server mode, no multiplexer) in an `EmbeddedChannel`: the same bytes written in, the frames
// it passes on counted by a sink handler; frames written through the channel and the bytes
// it produces read back out. That is frame parsing/serialization *plus* its connection state
// machine, flow control and DoS accounting, which a bare frame reader does not do: read the
// ratios as "our frame layer against the cheapest public path through swift-nio-http2".

/// Counts the frames the HTTP/2 handler passes on, and drops them.
final class FrameSink: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    var frames = 0
    var payloadBytes = 0
    var checksum = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        frames &+= 1
        checksum &+= Int(frame.streamID)
        if case .data(let data) = frame.payload, case .byteBuffer(let buffer) = data.data {
            payloadBytes &+= buffer.readableBytes
        }
    }
}

/// A request head in HPACK without the dynamic table (GET https://localhost/), for the
/// streams the frame benchmarks need open.
let plainRequestBlock: [UInt8] = [0x82, 0x87, 0x84, 0x01, 0x09] + Array("localhost".utf8)

/// A server-mode `NIOHTTP2Handler` in an `EmbeddedChannel`, past the preface, with stream 1
/// open both ways (response head sent) and stream 3 reset by the client.
public final class NIOFrameServer {
    public let channel = EmbeddedChannel()
    let sink = FrameSink()
    let allocator = ByteBufferAllocator()

    /// `openPeerWindows`: the client opens its windows to 2^31-1 (to let the server write
    /// DATA); otherwise it leaves them at 65,535 so that WINDOW_UPDATEs of 1 can keep coming.
    public init(openPeerWindows: Bool) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 1000),
            HTTP2Setting(parameter: .initialWindowSize, value: 4 << 20),
            HTTP2Setting(parameter: .maxFrameSize, value: 16_384),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 64 << 10),
        ]
        // Floods of control frames are the point here: lift the DoS budgets.
        connection.maximumBufferedControlFrames = Int.max
        connection.maximumConnectionGlitches = Int.max
        connection.controlFrameRateLimit.maximumCount = Int.max
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.streamResetFrameRateLimit.maximumCount = Int.max
        stream.streamErrorRateLimit.maximumCount = Int.max
        let handler = NIOHTTP2Handler(mode: .server, connectionConfiguration: connection, streamConfiguration: stream)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(sink)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()

        var bytes = clientMagic
        bytes.appendSettings(openPeerWindows ? [(SettingID.initialWindowSize, UInt32(0x7FFF_FFFF))] : [(UInt16, UInt32)]())
        bytes.appendSettingsAck()
        if openPeerWindows { bytes.appendWindowUpdate(stream: 0, increment: 0x7FFF_FFFF - 65_535) }
        bytes.appendFrame(.headers, flags: WireFlag.endHeaders, stream: dataStream, payload: plainRequestBlock)
        bytes.appendFrame(.headers, flags: WireFlag.endHeaders | WireFlag.endStream, stream: resetStream,
                          payload: plainRequestBlock)
        bytes.appendRSTStream(stream: resetStream, code: 0x8)
        try channel.writeInbound(allocator.buffer(bytes: bytes))
        channel.write(HTTP2Frame(streamID: HTTP2StreamID(Int(dataStream)), payload: .headers(.init(headers: [":status": "200"]))),
                      promise: nil)
        // Our connection window for DATA in: 4 MiB like the streams'.
        channel.write(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: (4 << 20) - 65_535)),
                      promise: nil)
        channel.flush()
        _ = try drainOutbound()
        sink.frames = 0
        try checkAlive()
    }

    /// Reads every buffer the handler wrote; returns the octets.
    @inline(__always)
    public func drainOutbound() throws -> Int {
        var octets = 0
        while let data = try channel.readOutbound(as: IOData.self) { octets &+= data.readableBytes }
        return octets
    }

    /// The bytes the handler wrote, for checks.
    public func takeOutbound() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { fatalError("file region") }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    public func checkAlive() throws {
        try channel.throwIfErrorCaught()
        require(channel.isActive, "swift-nio-http2 closed the connection")
    }
}

/// swift-nio-http2's side of the frame benchmarks.
public final class NIOFrameBench {
    let server: NIOFrameServer
    let kind: ControlKind?
    let isWrite: Bool
    /// Inbound: the corpus as one buffer, or chunk slices of it.
    let chunks: [ByteBuffer]
    /// What a real peer sends back while DATA flows, once per pass.
    let peerCredit: ByteBuffer
    let payload: ByteBuffer
    let pingData = HTTP2PingData(withInteger: 0x0102_0304_0506_0708)

    public init(kind: ControlKind?, chunk: Int? = nil, write: Bool) throws {
        self.kind = kind
        self.isWrite = write
        server = try NIOFrameServer(openPeerWindows: write && kind == nil)
        let allocator = server.allocator
        let input = allocator.buffer(bytes: kind.map(FrameCorpus.control) ?? FrameCorpus.data())
        let size = chunk ?? input.readableBytes
        chunks = stride(from: 0, to: input.readableBytes, by: size).map {
            input.getSlice(at: $0, length: min(size, input.readableBytes - $0))!
        }
        var credit: [UInt8] = []
        credit.appendWindowUpdate(stream: 0, increment: UInt32(FrameCorpus.dataPassBytes))
        credit.appendWindowUpdate(stream: dataStream, increment: UInt32(FrameCorpus.dataPassBytes))
        peerCredit = allocator.buffer(bytes: credit)
        payload = allocator.buffer(bytes: FrameCorpus.payload)
    }

    /// Feeds the whole input once; returns the frames the handler passed on and the DATA
    /// payload octets among them. For DATA, the credit is returned afterwards the way a
    /// receiver does (WINDOW_UPDATE on the stream and the connection, written and drained).
    @inline(never)
    public func parsePass() throws -> (frames: Int, payloadBytes: Int) {
        let channel = server.channel
        let sink = server.sink
        let frames = sink.frames
        let payloadBytes = sink.payloadBytes
        for chunk in chunks { try channel.writeInbound(chunk) }
        if kind == nil {
            let increment = FrameCorpus.dataPassBytes
            channel.write(HTTP2Frame(streamID: HTTP2StreamID(Int(dataStream)), payload: .windowUpdate(windowSizeIncrement: increment)),
                          promise: nil)
            channel.write(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment)), promise: nil)
            channel.flush()
        }
        _ = try server.drainOutbound()
        return (sink.frames &- frames, sink.payloadBytes &- payloadBytes)
    }

    /// Writes the pass's frames through the channel, flushes once and reads the bytes out.
    /// For DATA, the peer's WINDOW_UPDATEs for them come in afterwards.
    @inline(never)
    public func writePass() throws -> (frames: Int, bytes: Int) {
        let frames = emit()
        let octets = try server.drainOutbound()
        if kind == nil { try server.channel.writeInbound(peerCredit) }
        return (frames, octets)
    }

    /// Writes and flushes the pass's frames; returns how many.
    @inline(__always)
    func emit() -> Int {
        let channel = server.channel
        guard let kind else {
            let stream = HTTP2StreamID(Int(dataStream))
            for _ in 0..<FrameCorpus.dataFrames {
                channel.write(HTTP2Frame(streamID: stream, payload: .data(.init(data: .byteBuffer(payload)))), promise: nil)
            }
            channel.flush()
            return FrameCorpus.dataFrames
        }
        let cycle = kind.cycle
        var next = 0
        let reset = HTTP2StreamID(Int(resetStream))
        for _ in 0..<FrameCorpus.controlFrames {
            let frame: HTTP2Frame
            switch cycle[next] {
            case .ping: frame = HTTP2Frame(streamID: .rootStream, payload: .ping(pingData, ack: false))
            case .windowUpdate: frame = HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: 1))
            case .rstStream: frame = HTTP2Frame(streamID: reset, payload: .rstStream(.cancel))
            case .settingsAck: frame = HTTP2Frame(streamID: .rootStream, payload: .settings(.ack))
            case .mixed, .mixed3: fatalError("not a single kind")
            }
            channel.write(frame, promise: nil)
            next += 1
            if next == cycle.count { next = 0 }
        }
        channel.flush()
        return FrameCorpus.controlFrames
    }

    /// Checks a pass: every frame delivered (RST_STREAM on the closed stream 3 is checked and
    /// dropped by the handler, not delivered), the connection still up, the written bytes
    /// the expected frames.
    public func verify() throws {
        if isWrite {
            let expected = kind == nil ? FrameCorpus.dataFrames : FrameCorpus.controlFrames
            require(emit() == expected)
            let bytes = try server.takeOutbound()
            let counted = countFrames(bytes, type: .data)
            require(counted.all == expected, "NIO wrote \(counted.all) frames, expected \(expected)")
            if kind == nil {
                require(counted.ofType == expected && bytes.count == expected * (9 + FrameCorpus.dataPayload))
                try server.channel.writeInbound(peerCredit)
            }
        } else {
            let result = try parsePass()
            let expected: Int
            switch kind {
            case nil: expected = FrameCorpus.dataFrames
            case .some(let kind):
                let cycle = kind.cycle
                expected = (0..<FrameCorpus.controlFrames).filter { cycle[$0 % cycle.count] != .rstStream }.count
            }
            // A DATA frame cut by a chunk's end is passed on in pieces (NIO does not wait for
            // the rest of its payload), so DATA counts payload octets, not frames.
            require(kind == nil ? result.frames >= expected : result.frames == expected,
                    "NIO passed on \(result.frames) frames, expected \(expected)")
            if kind == nil { require(result.payloadBytes == FrameCorpus.dataPassBytes, "NIO DATA payload \(result.payloadBytes)") }
        }
        try server.checkAlive()
    }
}

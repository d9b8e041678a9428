import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2

// swift-nio-http2's server side of the engine benchmark: `NIOHTTP2Handler` with its inline
// stream multiplexer (the 1.x recommended setup) in an `EmbeddedChannel`; every request gets
// its child channel, whose handler answers HEADERS + DATA(END_STREAM) when the request head
// arrives. The same request bytes go in (one fresh `ByteBuffer` per batch, as a socket read
// would give) and the output is read out of the channel after each batch.

/// Answers a request head with the SSE response head and a small DATA frame that ends the
/// stream; or, for the idle-stream measurement, does nothing.
final class Responder: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload
    let headers: HPACKHeaders
    let body: ByteBuffer
    let answers: Bool

    init(headers: HPACKHeaders, body: ByteBuffer, answers: Bool) {
        self.headers = headers
        self.body = body
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard answers, case .headers = unwrapInboundIn(data) else { return }
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
    }
}

/// A server `NIOHTTP2Handler` + inline multiplexer in an `EmbeddedChannel`, past the preface.
public final class NIOEngineServer {
    public let channel = EmbeddedChannel()
    let sink = FrameSink()
    let allocator = ByteBufferAllocator()

    public init(maxConcurrentStreams: Int, answers: Bool) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: maxConcurrentStreams),
            HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
            HTTP2Setting(parameter: .maxFrameSize, value: 16_384),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 64 << 10),
        ]
        let headers = HPACKHeaders(EngineCorpus.responseFields)
        let body = allocator.buffer(bytes: EngineCorpus.body)
        let handler = NIOHTTP2Handler(
            mode: .server, eventLoop: channel.eventLoop, connectionConfiguration: connection,
            streamConfiguration: .init()
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(Responder(headers: headers, body: body, answers: answers))
            }
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(sink)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        _ = try drainOutbound()
    }

    /// Feeds bytes from the client, runs what the event loop has queued, and reads out what
    /// the handler wrote; returns the octets written.
    @inline(__always)
    public func exchange(_ bytes: [UInt8]) throws -> Int {
        try channel.writeInbound(allocator.buffer(bytes: bytes))
        channel.embeddedEventLoop.run()
        return try drainOutbound()
    }

    @inline(__always)
    public func drainOutbound() throws -> Int {
        var octets = 0
        while let data = try channel.readOutbound(as: IOData.self) { octets &+= data.readableBytes }
        return octets
    }

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

/// swift-nio-http2 answering the engine benchmark's batches.
public final class NIOEngineBench {
    let server: NIOEngineServer
    var client = RequestStream()

    public init() throws {
        server = try NIOEngineServer(maxConcurrentStreams: 1000, answers: true)
        _ = try server.exchange(client.prologue)
        try server.checkAlive()
    }

    /// One batch: 100 requests in, 100 responses out, the output drained.
    @inline(never)
    public func batch() throws -> Int {
        client.next()
        opaqueUse(try server.exchange(client.batch))
        return EngineCorpus.batch
    }

    public func verify(batches: Int = 3) throws {
        for _ in 0..<batches {
            client.next()
            try server.channel.writeInbound(server.allocator.buffer(bytes: client.batch))
            server.channel.embeddedEventLoop.run()
            try checkResponses(try server.takeOutbound())
            try server.checkAlive()
        }
    }
}

import NIOCore

/// Cleartext: decides between HTTP/2 with prior knowledge (RFC 9113 §3.3: the connection
/// starts with the client preface) and HTTP/1.1 from the first bytes, then hands the
/// connection (and those bytes) to `decide`, which sets up the rest of the pipeline.
/// An h2c Upgrade request (§3.1 of RFC 7540, removed in RFC 9113) is plain HTTP/1.1 here.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Decision: Equatable { case http2, http1, undecided }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// HTTP/2 once the whole preface is there; HTTP/1.1 at the first octet that differs.
    static func decide(_ bytes: some Collection<UInt8>) -> Decision {
        for (index, byte) in bytes.prefix(preface.count).enumerated() where byte != preface[index] {
            return .http1
        }
        return bytes.count >= preface.count ? .http2 : .undecided
    }

    let configure: (ChannelHandlerContext, Decision) throws -> Void
    var buffered: ByteBuffer?

    init(configure: @escaping (ChannelHandlerContext, Decision) throws -> Void) {
        self.configure = configure
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)  // no request yet: nothing to finish
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        var bytes = buffered ?? context.channel.allocator.buffer(capacity: incoming.readableBytes)
        bytes.writeBuffer(&incoming)
        buffered = bytes
        let decision = Self.decide(bytes.readableBytesView)
        guard decision != .undecided else { return }
        do {
            try configure(context, decision)
        } catch {
            context.close(promise: nil)
            return
        }
        buffered = nil
        context.fireChannelRead(wrapInboundOut(bytes))
        context.fireChannelReadComplete()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

import Logging
import NIOCore

/// Closes a connection that has not completed its opening (TLS handshake, then the HTTP/2
/// preface or the first HTTP/1.1 request head) within the timeout: connections that never
/// send a preface cost nothing for long.
final class HandshakeTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let timeout: TimeAmount
    let logger: Logger
    var timer: Scheduled<Void>?
    var done = false

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func arm(context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let channel = context.channel
        let logger = self.logger
        let timeout = self.timeout
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard !self.done else { return }
            let peer = channel.remoteAddress.map(HTTP2ServerHandler.describe) ?? ""
            logger.warning("no handshake or preface within \(timeout); closing", metadata: ["peer": "\(peer)"])
            channel.close(promise: nil)
        }
    }

    /// The connection has opened: no more deadline.
    func opened() {
        done = true
        timer?.cancel()
        timer = nil
    }
}

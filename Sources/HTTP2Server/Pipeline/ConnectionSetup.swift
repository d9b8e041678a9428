import HTTP2
import Logging
import NIOCore
import NIOHTTP1

/// Builds the pipeline of an accepted connection and, once the protocol is known (ALPN
/// or the first cleartext bytes), the protocol's handlers.
struct ConnectionSetup: Sendable {
    let configuration: ServerConfiguration
    let tls: TLSContext?
    let logger: Logger
    let inlineHandler: InlineHandler?
    let handler: HTTPHandler

    /// The first handlers: the opening deadline, then TLS and ALPN, or the cleartext sniffer.
    func initialize(_ channel: Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        let deadline = HandshakeTimeoutHandler(timeout: configuration.handshakeTimeout, logger: logger)
        try pipeline.addHandler(deadline)
        let peer = channel.remoteAddress.map(HTTP2ServerHandler.describe) ?? "?"
        if let tls {
            let tlsHandler = try TLSHandler(context: tls, logger: logger)
            try pipeline.addHandler(tlsHandler)
            let setup = self
            try pipeline.addHandler(TLSProtocolRouter { context, info in
                let chosen = info.alpn ?? ALPN.withoutNegotiation(offers: tls.configuration.alpnOffers)
                var metadata: Logger.Metadata = ["peer": "\(peer)", "protocol": "\(chosen ?? "none")",
                                                 "tls": "\(info.version)", "cipher": "\(info.cipher)"]
                if let name = info.serverName { metadata["sni"] = "\(name)" }
                guard let chosen else {
                    setup.logger.warning("connection without ALPN, and HTTP/1.1 is not offered; closing", metadata: metadata)
                    context.close(promise: nil)
                    return
                }
                setup.logger.info("connection", metadata: metadata)
                if chosen == ALPN.h2 {
                    try setup.installHTTP2(context: context, scheme: "https", deadline: deadline)
                } else {
                    try setup.installHTTP1(context: context, scheme: "https", deadline: deadline)
                }
            })
        } else {
            let setup = self
            try pipeline.addHandler(ProtocolSniffer { context, decision in
                let name = decision == .http2 ? "h2c" : "http/1.1"
                setup.logger.info("connection", metadata: ["peer": "\(peer)", "protocol": "\(name)", "tls": "none"])
                if decision == .http2 {
                    try setup.installHTTP2(context: context, scheme: "http", deadline: deadline)
                } else {
                    try setup.installHTTP1(context: context, scheme: "http", deadline: deadline)
                }
            })
        }
    }

    func installHTTP2(context: ChannelHandlerContext, scheme: String, deadline: HandshakeTimeoutHandler) throws {
        var http2 = configuration.http2
        http2.connection = configuration.engineConfiguration
        http2.scheme = scheme
        let h2 = HTTP2ServerHandler(configuration: http2, logger: logger, inlineHandler: inlineHandler,
                                    handler: handler)
        h2.onPreface = { deadline.opened() }
        try context.pipeline.syncOperations.addHandler(h2, position: .after(context.handler))
    }

    func installHTTP1(context: ChannelHandlerContext, scheme: String, deadline: HandshakeTimeoutHandler) throws {
        let pipeline = context.pipeline.syncOperations
        let h1 = HTTP1ServerHandler(scheme: scheme, idleTimeout: configuration.idleTimeout,
                                    sendTimeout: configuration.http2.sendTimeout, logger: logger,
                                    handler: handler)
        h1.onFirstRequest = { deadline.opened() }
        try pipeline.addHandler(h1, position: .after(context.handler))
        try pipeline.configureHTTPServerPipeline(position: .after(context.handler), withPipeliningAssistance: true,
                                                 withErrorHandling: true)
    }
}

/// Waits for the end of the TLS handshake, then installs the protocol ALPN chose.
final class TLSProtocolRouter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let install: (ChannelHandlerContext, TLSHandshakeCompleted) throws -> Void

    init(install: @escaping (ChannelHandlerContext, TLSHandshakeCompleted) throws -> Void) {
        self.install = install
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let info = event as? TLSHandshakeCompleted {
            do {
                try install(context, info)
            } catch {
                context.close(promise: nil)
                return
            }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)  // still handshaking: nothing in flight
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

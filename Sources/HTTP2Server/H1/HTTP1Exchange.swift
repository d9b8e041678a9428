import HPACK
import NIOCore
import NIOHTTP1
import Logging

/// One HTTP/1.1 request/response on a keep-alive connection, as a `ResponseSink`.
/// Loop-confined (hence `@unchecked Sendable`).
final class HTTP1Exchange: ResponseSink, @unchecked Sendable {
    let eventLoop: EventLoop
    weak var owner: HTTP1ServerHandler?
    let body: BodySource
    let isHeadRequest: Bool
    var task: Task<Void, Never>?
    var headSent = false
    var ended = false
    var handlerDone = false
    var failure: Error?
    var writerCancelled = false
    /// A writer waiting for the socket to become writable.
    var waitingWrite: CheckedContinuation<Void, Error>?

    init(eventLoop: EventLoop, owner: HTTP1ServerHandler, body: BodySource, isHeadRequest: Bool) {
        self.eventLoop = eventLoop
        self.owner = owner
        self.body = body
        self.isHeadRequest = isHeadRequest
    }

    func submit(_ parts: [ResponsePart], _ done: CheckedContinuation<Void, Error>) {
        eventLoop.assertInEventLoop()
        if let failure { return done.resume(throwing: failure) }
        if writerCancelled { return done.resume(throwing: CancellationError()) }
        guard let owner else { return done.resume(throwing: HTTPServerError.connectionClosed) }
        owner.submit(self, parts, done)
    }

    func cancelWaitingWrite() {
        eventLoop.assertInEventLoop()
        writerCancelled = true
        if let waitingWrite {
            self.waitingWrite = nil
            waitingWrite.resume(throwing: CancellationError())
        }
    }

    func terminate(_ error: Error) {
        eventLoop.assertInEventLoop()
        if failure == nil { failure = error }
        body.fail(error)
        if let waitingWrite {
            self.waitingWrite = nil
            waitingWrite.resume(throwing: error)
        }
        if !handlerDone { task?.cancel() }
    }
}

/// Serves HTTP/1.1 behind NIOHTTP1's decoder, encoder and pipelining handler, with the
/// same `HTTPHandler` API as HTTP/2: keep-alive, chunked responses flushed per write,
/// back-pressure on the socket's writability, and request bodies read only as fast as
/// the handler consumes them (reads from the socket pause while a body chunk waits).
final class HTTP1ServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: HTTPHandler
    let scheme: String
    let logger: Logger
    let idleTimeout: TimeAmount?
    var context: ChannelHandlerContext?
    var current: HTTP1Exchange?
    var keepAlive = true
    var quiescing = false
    /// The request's version, which the response head carries (an HTTP/1.0 client gets a
    /// close-delimited body, not chunked coding).
    var version = HTTPVersion.http1_1
    var readPending = false
    var idleTimer: Scheduled<Void>?
    var remoteAddress: String?
    /// Called with the first request head (the handshake timeout stops).
    var onFirstRequest: (() -> Void)?
    /// Reads stop while this much request body waits for the handler.
    let bodyHighWater = 256 * 1024

    let sendTimeout: TimeAmount?
    var stallTimer: Scheduled<Void>?

    init(scheme: String, idleTimeout: TimeAmount?, sendTimeout: TimeAmount?, logger: Logger,
         handler: @escaping HTTPHandler) {
        self.scheme = scheme
        self.idleTimeout = idleTimeout
        self.sendTimeout = sendTimeout
        self.logger = logger
        self.handler = handler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        remoteAddress = context.channel.remoteAddress.map(HTTP2ServerHandler.describe)
        armIdleTimer()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        stallTimer?.cancel()
        current?.terminate(HTTPServerError.connectionClosed)
        current = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        current?.terminate(HTTPServerError.connectionClosed)
        current = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            idleTimer?.cancel()
            idleTimer = nil
            onFirstRequest?()
            onFirstRequest = nil
            start(head, context: context)
        case .body(let chunk):
            current?.body.append(chunk)
        case .end:
            current?.body.finish()
        }
    }

    /// Holds the socket read while the handler has a body backlog.
    func read(context: ChannelHandlerContext) {
        if let current, current.body.bufferedBytes >= bodyHighWater {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
            if let exchange = current, let waiting = exchange.waitingWrite {
                exchange.waitingWrite = nil
                waiting.resume()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if current == nil { context.close(promise: nil) }
            return
        }
        if event is TLSRenegotiationAttempted {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if HTTP2ServerHandler.isPeerReset(error) {
            context.close(promise: nil)
            return
        }
        logger.warning("HTTP/1.1 connection error: \(error)", metadata: remoteAddress.map { ["peer": "\($0)"] } ?? [:])
        context.close(promise: nil)
    }

    // MARK: - Requests

    func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        keepAlive = head.isKeepAlive && !quiescing
        version = head.version.major == 1 && head.version.minor == 0 ? .http1_0 : .http1_1
        let body = BodySource(eventLoop: context.eventLoop)
        body.onConsumed = { [weak self] _ in
            guard let self, self.readPending, let context = self.context,
                  (self.current?.body.bufferedBytes ?? 0) < self.bodyHighWater else { return }
            self.readPending = false
            context.read()
        }
        let exchange = HTTP1Exchange(eventLoop: context.eventLoop, owner: self, body: body,
                                     isHeadRequest: head.method == .HEAD)
        if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            // RFC 9110 §10.1.1: the client waits for this before sending the body.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))),
                                  promise: nil)
        }
        current = exchange
        let fields = head.headers.map { HeaderField($0.name.lowercased(), $0.value) }
        let request = HTTPRequest(method: head.method.rawValue, path: head.uri,
                                  authority: head.headers.first(name: "host"), scheme: scheme, headers: fields,
                                  version: .http1_1, body: RequestBody(source: body), remoteAddress: remoteAddress)
        let writer = ResponseWriter(sink: exchange, isHeadRequest: exchange.isHeadRequest)
        let handler = self.handler
        exchange.task = Task {
            let failure: Error?
            do { try await handler(request, writer); failure = nil } catch { failure = error }
            exchange.eventLoop.execute { exchange.owner?.handlerReturned(exchange, failure) ?? exchange.body.abandon() }
        }
    }

    func handlerReturned(_ exchange: HTTP1Exchange, _ failure: Error?) {
        exchange.handlerDone = true
        exchange.body.abandon()
        guard exchange.failure == nil, let context, current === exchange else { return }
        if !exchange.headSent {
            if let failure, !(failure is CancellationError) {
                logger.warning("handler failed before the response head: \(failure)")
            } else if failure == nil {
                logger.warning("handler returned without a response")
            }
            let text = "internal server error\n"
            var headers = HTTPHeaders([("content-type", "text/plain"), ("content-length", String(text.utf8.count))])
            if !keepAlive { headers.add(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .internalServerError,
                                                                 headers: headers))), promise: nil)
            if !exchange.isHeadRequest {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            }
            exchange.headSent = true
            endResponse(exchange, trailers: nil, context: context)
        } else if !exchange.ended {
            if failure != nil {
                // The head is out: the only way to say the body is incomplete is to close.
                exchange.ended = true
                current = nil
                context.close(promise: nil)
            } else {
                endResponse(exchange, trailers: nil, context: context)
            }
        }
    }

    // MARK: - Responses

    func submit(_ exchange: HTTP1Exchange, _ parts: [ResponsePart], _ done: CheckedContinuation<Void, Error>) {
        guard let context, current === exchange else { return done.resume(throwing: HTTPServerError.connectionClosed) }
        for part in parts {
            switch part {
            case .head(let status, let headers, let endStream):
                guard !exchange.headSent else { return done.resume(throwing: HTTPServerError.headAlreadySent) }
                var fields = HTTPHeaders()
                for field in headers {
                    switch field.name.lowercased() {
                    case "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection": continue
                    default: fields.add(name: field.name, value: field.value)
                    }
                }
                if !keepAlive { fields.add(name: "connection", value: "close") }
                let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status),
                                            headers: fields)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                exchange.headSent = true
                if endStream {
                    endResponse(exchange, trailers: nil, context: context)
                } else {
                    context.flush()
                }
            case .body(let chunk, let endStream):
                guard exchange.headSent else { return done.resume(throwing: HTTPServerError.headNotSent) }
                guard !exchange.ended else { return done.resume(throwing: HTTPServerError.responseFinished) }
                if chunk.readableBytes > 0 && !exchange.isHeadRequest {
                    context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
                }
                if endStream {
                    endResponse(exchange, trailers: nil, context: context)
                } else {
                    context.flush()
                }
            case .end(let trailers):
                guard exchange.headSent else { return done.resume(throwing: HTTPServerError.headNotSent) }
                if exchange.ended { continue }
                endResponse(exchange, trailers: trailers.isEmpty ? nil : HTTPHeaders(trailers.map { ($0.name, $0.value) }),
                            context: context)
            }
        }
        // Back-pressure: the writer waits while the socket's buffer is above its high water.
        if context.channel.isWritable || exchange.ended {
            done.resume()
        } else {
            exchange.waitingWrite = done
            armStallTimer(context: context)
        }
    }

    func endResponse(_ exchange: HTTP1Exchange, trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        exchange.ended = true
        let close = !keepAlive || quiescing
        let channel = context.channel
        let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
        if current === exchange { current = nil }
        if readPending {
            readPending = false
            context.read()
        }
        if close {
            written.whenComplete { _ in channel.close(promise: nil) }
            context.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
        } else {
            armIdleTimer()
        }
    }

    /// A peer that leaves our output unread for `sendTimeout` is dropped.
    func armStallTimer(context: ChannelHandlerContext) {
        guard stallTimer == nil, let sendTimeout else { return }
        stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: sendTimeout) {
            self.stallTimer = nil
            guard let context = self.context, !context.channel.isWritable else { return }
            self.logger.warning("peer stopped reading for \(sendTimeout); closing",
                                metadata: self.remoteAddress.map { ["peer": "\($0)"] } ?? [:])
            HTTP2ServerHandler.discardUnsentOnClose(context)
            context.close(promise: nil)
        }
    }

    func armIdleTimer() {
        guard let idleTimeout, let context, current == nil else { return }
        idleTimer?.cancel()
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) {
            guard self.current == nil else { return }
            self.context?.close(promise: nil)
        }
    }
}

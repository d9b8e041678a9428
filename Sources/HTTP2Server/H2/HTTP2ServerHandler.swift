import HPACK
import HTTP2
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How an `HTTP2ServerHandler` runs a connection.
public struct HTTP2HandlerConfiguration: Sendable {
    /// The engine's configuration: settings we advertise, timeouts, budgets. Credit for
    /// request bodies is returned as handlers read them, whatever this says.
    public var connection: ConnectionConfiguration
    /// The scheme handlers see when a request has no `:scheme` ("https" behind TLS).
    public var scheme: String
    /// A peer that reads nothing for this long while we have output waiting is dropped
    /// (a client that stops reading must not hold buffers forever). nil: never.
    public var sendTimeout: TimeAmount?
    /// Each `sendData` call hands at most this many octets to the engine.
    public var writeChunkSize: Int = 64 * 1024

    public init(connection: ConnectionConfiguration = .server(maxConcurrentStreams: 1000),
                scheme: String = "https", sendTimeout: TimeAmount? = .seconds(30)) {
        self.connection = connection
        self.scheme = scheme
        self.sendTimeout = sendTimeout
    }
}

/// The SwiftNIO channel handler that drives the HTTP/2 engine for one connection. It
/// takes plaintext `ByteBuffer`s (put it behind TLS, or use it on a cleartext connection
/// that starts with the client preface), feeds them to `Connection`, runs an `HTTPHandler`
/// task per request and writes what the engine produces, flushing once per read batch.
///
/// Any NIO server can put it in its own pipeline:
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandler(
///     HTTP2ServerHandler(configuration: .init(scheme: "http")) { request, response in
///         try await response.respond(status: 200, body: "hello\n")
///     })
/// ```
///
/// It closes the channel when the connection ends (GOAWAY sent or received and every
/// stream done, a connection error, the idle timeout). `ChannelShouldQuiesceEvent` starts
/// a graceful shutdown (RFC 9113 §6.8).
public final class HTTP2ServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    let configuration: HTTP2HandlerConfiguration
    let handler: HTTPHandler
    /// Asked first for each request without a body: answers made at once, no task.
    let inlineHandler: InlineHandler?
    let logger: Logger
    var connection: Connection

    var context: ChannelHandlerContext?
    var streams: [StreamID: H2Stream] = [:]
    /// Streams whose writer waits for room.
    var blocked: [StreamID: H2Stream] = [:]
    /// A graceful shutdown is under way: close once the last stream is done.
    var quiescing = false
    var events: [Event] = []
    var remoteAddress: String?
    var flushScheduled = false
    /// Inside `channelRead`: `channelReadComplete` flushes what is written now.
    var reading = false
    var closing = false
    var prefaceSeen = false
    var timer: Scheduled<Void>?
    /// When `timer` fires.
    var timerDeadline: UInt64?
    var stallTimer: Scheduled<Void>?
    /// When output last moved to the socket.
    var lastProgress = HTTP2ServerHandler.now()
    /// Called once with the peer's first SETTINGS (the preface is complete).
    var onPreface: (() -> Void)?

    /// What the engine reported, copied out of its callback.
    enum Event {
        case request(StreamID, RequestHead, endStream: Bool)
        case data(StreamID, ByteBuffer, endStream: Bool)
        case trailers(StreamID, [HeaderField])
        case reset(StreamID, HTTP2ErrorCode, byPeer: Bool)
        case closed(StreamID)
        case writable(StreamID)
        case settings
        case connectionError(HTTP2Error)
        case connectionClosed
    }

    /// `inlineHandler`, when given, is asked first for each request that has no body while
    /// the channel is writable; what it answers is sent at once, on the event loop, without
    /// a task. What it declines (nil) goes to `handler`.
    public init(configuration: HTTP2HandlerConfiguration = HTTP2HandlerConfiguration(),
                logger: Logger = Logger(label: "HTTP2Server"),
                inlineHandler: InlineHandler? = nil,
                handler: @escaping HTTPHandler) {
        var configuration = configuration
        configuration.connection.returnsCreditAutomatically = false
        self.configuration = configuration
        self.handler = handler
        self.inlineHandler = inlineHandler
        self.logger = logger
        self.connection = Connection(role: .server, configuration: configuration.connection, now: Self.now())
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Reads the engine's state through an `inout` access. Calling a non-mutating member on
    /// the stored property directly copies the whole `Connection` (a memmove and a retain
    /// and release of each of its references) every time: 6% of the server's CPU time
    /// per request before this.
    @inline(__always)
    func peek<R>(_ body: (inout Connection) -> R) -> R { body(&connection) }

    // MARK: - Channel events

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        remoteAddress = context.channel.remoteAddress.map(Self.describe)
        if context.channel.isActive { flushNow() }   // our SETTINGS (§3.4)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        terminateAll(HTTPServerError.connectionClosed)
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress.map(Self.describe)
        flushNow()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        terminateAll(HTTPServerError.connectionClosed)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !closing else { return }
        let allocator = context.channel.allocator
        buffer.withUnsafeReadableBytes { bytes in
            connection.receive(bytes, now: Self.now()) { event in
                self.collect(event, allocator)
            }
        }
        reading = true
        processEvents()
        reading = false
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        flushNow()
        context.fireChannelReadComplete()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flushNow() }
        armStallTimer()
        context.fireChannelWritabilityChanged()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            connection.beginGracefulShutdown(now: Self.now())
            if streams.isEmpty && !prefaceSeen {
                // Nothing started yet: no need to wait for the PING round trip.
                connection.close(code: .noError, reason: "shutting down") { self.collect($0, context.channel.allocator) }
                processEvents()
            }
            flushNow()
            return
        }
        if event is TLSRenegotiationAttempted {
            // RFC 9113 §9.2.1: a renegotiation is a connection error PROTOCOL_ERROR.
            connection.close(code: .protocolError, reason: "TLS renegotiation") { self.collect($0, context.channel.allocator) }
            processEvents()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        if Self.isPeerReset(error) {
            logger.debug("connection reset by the peer", metadata: metadata)
        } else {
            logger.warning("connection error: \(error)", metadata: metadata)
        }
        abort()
    }

    /// Closing will reset the connection (SO_LINGER 0): what the kernel still holds for a
    /// peer that does not read is dropped at once instead of lingering.
    static func discardUnsentOnClose(_ context: ChannelHandlerContext) {
        // On the loop, NIO sets the option before returning (the close that follows sees it).
        _ = (context.channel as? SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
    }

    /// ECONNRESET and EPIPE: the peer went away, not worth a warning.
    static func isPeerReset(_ error: Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return error.errnoCode == 104 || error.errnoCode == 32
    }

    var metadata: Logger.Metadata {
        remoteAddress.map { ["peer": "\($0)"] } ?? [:]
    }

    static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .v4: return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        default: return "\(address)"
        }
    }

    // MARK: - Engine events

    func collect(_ event: ConnectionEvent, _ allocator: ByteBufferAllocator) {
        switch event {
        case .request(let id, let head, let endStream):
            events.append(.request(id, head, endStream: endStream))
        case .data(let id, let bytes, let endStream):
            let buffer = bytes.withUnsafeBytes { allocator.buffer(bytes: $0) }
            events.append(.data(id, buffer, endStream: endStream))
        case .trailers(let id, let list):
            events.append(.trailers(id, Array(list)))
        case .streamReset(let id, let code, let byPeer):
            events.append(.reset(id, code, byPeer: byPeer))
        case .streamClosed(let id):
            events.append(.closed(id))
        case .writable(let id):
            events.append(.writable(id))
        case .settingsReceived:
            events.append(.settings)
        case .connectionError(let error):
            events.append(.connectionError(error))
        case .connectionClosed:
            events.append(.connectionClosed)
        case .response, .requestStarted, .settingsAcknowledged, .pingAcknowledged, .goAwayReceived:
            break
        }
    }

    func processEvents() {
        var rounds = 0
        while !events.isEmpty && rounds < 64 {
            rounds += 1
            let batch = events
            events.removeAll(keepingCapacity: true)
            for event in batch { handle(event) }
            if let context { connection.pollEvents { self.collect($0, context.channel.allocator) } }
        }
        rescheduleTimer()
    }

    func handle(_ event: Event) {
        switch event {
        case .request(let id, let head, let endStream):
            startStream(id, head, endStream: endStream)
        case .data(let id, let buffer, let endStream):
            guard let stream = streams[id] else {
                // Nobody reads it: the credit goes back at once.
                connection.consume(buffer.readableBytes, on: id, now: Self.now())
                return
            }
            if buffer.readableBytes > 0 { stream.body.append(buffer) }
            if endStream { stream.body.finish() }
        case .trailers(let id, _):
            streams[id]?.body.finish()
        case .reset(let id, let code, let byPeer):
            blocked[id] = nil
            if let stream = streams.removeValue(forKey: id) {
                if byPeer { logger.debug("stream \(id) reset by peer: \(code)", metadata: metadata) }
                stream.terminate(HTTPServerError.streamReset(code: code.rawValue))
            }
        case .closed(let id):
            // Both sides ended the stream: the peer's END_STREAM came last (during `receive`)
            // or ours did (reported by `pollEvents` after the send or the drain).
            blocked[id] = nil
            if let stream = streams.removeValue(forKey: id) {
                stream.closed = true
                stream.body.finish()
            }
        case .writable(let id):
            if let stream = blocked[id] { pump(stream) }
        case .settings:
            if !prefaceSeen {
                prefaceSeen = true
                onPreface?()
                onPreface = nil
            }
        case .connectionError(let error):
            logger.warning("HTTP/2 connection error: \(error)", metadata: metadata)
            finishConnection()
        case .connectionClosed:
            finishConnection()
        }
    }

    // MARK: - Requests

    /// The regular fields of a request as the application sees them. RFC 9113 §8.2.3: several
    /// `cookie` fields are joined with "; " into one before they reach a generic HTTP
    /// application (the joined field takes the first one's place; never-indexed if any was).
    static func applicationFields(of head: RequestHead) -> [HeaderField] {
        var fields: [HeaderField] = []
        fields.reserveCapacity(head.headers.count - head.firstRegularFieldIndex)
        var cookieIndex: Int?
        for index in head.firstRegularFieldIndex..<head.headers.count {
            let field = head.headers[index]
            guard field.name == "cookie" else {
                fields.append(field)
                continue
            }
            if let first = cookieIndex {
                fields[first].value += "; " + field.value
                if field.indexing == .neverIndexed { fields[first].indexing = .neverIndexed }
            } else {
                cookieIndex = fields.count
                fields.append(field)
            }
        }
        return fields
    }

    func startStream(_ id: StreamID, _ head: RequestHead, endStream: Bool) {
        guard let context else { return }
        // A request without a body, while the socket takes output (else the task path,
        // whose writers wait for room): the inline handler may answer it at once.
        if endStream, let inlineHandler, context.channel.isWritable {
            let request = InlineRequest(head: head, defaultScheme: configuration.scheme)
            if let response = inlineHandler(request) {
                respondInline(id, response, isHeadRequest: head.method == "HEAD")
                return
            }
        }
        let eventLoop = context.eventLoop
        let body = BodySource(eventLoop: eventLoop)
        body.onConsumed = { [weak self] octets in
            guard let self, !self.closing else { return }
            self.connection.consume(octets, on: id, now: Self.now())
            self.flushSoon()
        }
        if endStream { body.finish() }
        let stream = H2Stream(id: id, eventLoop: eventLoop, owner: self, body: body,
                              isHeadRequest: head.method == "HEAD")
        streams[id] = stream
        let fields = Self.applicationFields(of: head)
        let request = HTTPRequest(method: head.method, path: head.path ?? "", authority: head.targetAuthority,
                                  scheme: head.scheme ?? configuration.scheme, headers: fields, version: .http2,
                                  body: RequestBody(source: body), remoteAddress: remoteAddress)
        let writer = ResponseWriter(sink: stream, isHeadRequest: stream.isHeadRequest)
        let handler = self.handler
        stream.task = Task {
            let failure: Error?
            do { try await handler(request, writer); failure = nil } catch { failure = error }
            stream.eventLoop.execute { stream.owner?.handlerReturned(stream, failure) ?? stream.body.abandon() }
        }
    }

    /// Sends a whole response made at once. The request has ended, so our END_STREAM
    /// closes the stream (RFC 9113 §5.1): nothing to track afterwards. A body that does not
    /// fit the stream's window and queue budget now is left to `pump` on a stream record
    /// (as if a handler had written it and returned).
    func respondInline(_ id: StreamID, _ response: InlineResponse, isHeadRequest: Bool) {
        let bodyless = isHeadRequest || response.body.readableBytes == 0
        do {
            try connection.sendHeaders(response.head, on: id, endStream: bodyless)
        } catch {
            // The stream cannot take a response (e.g. the connection is closing).
            logger.debug("inline response on stream \(id) not sent: \(error)", metadata: metadata)
            connection.resetStream(id, code: .internalError)
            return
        }
        if !bodyless {
            // One chunk goes to the engine at once: it sends what the windows allow and
            // queues the rest, or refuses it whole when that is over the stream's budget
            // (`sendData` checks before it takes anything). Asking first would cost more
            // than the send (each query copies the stream's record).
            var sent = false
            if response.body.readableBytes <= configuration.writeChunkSize {
                sent = (try? response.body.withUnsafeReadableBytes { bytes in
                    try connection.sendData(bytes, on: id, endStream: true)
                }) != nil
            }
            if !sent, let context {
                let body = BodySource(eventLoop: context.eventLoop)
                body.finish()
                let stream = H2Stream(id: id, eventLoop: context.eventLoop, owner: self, body: body,
                                      isHeadRequest: false)
                stream.headSent = true
                stream.handlerDone = true
                streams[id] = stream
                stream.pending = H2Stream.PendingWrite(buffer: response.body, endStream: true, continuation: nil)
                pump(stream)
            }
        }
        if !reading { flushSoon() }
    }

    /// The handler's task is over: finish what it left open.
    func handlerReturned(_ stream: H2Stream, _ failure: Error?) {
        stream.handlerDone = true
        stream.body.abandon()
        guard stream.failure == nil, !stream.closed, !closing else { return }
        if let pending = stream.pending {
            // Cannot happen (the task waited for its writes), but never leak a continuation.
            stream.pending = nil
            pending.continuation?.resume(throwing: CancellationError())
        }
        blocked[stream.id] = nil
        let id = stream.id
        if !stream.headSent {
            if let failure, !(failure is CancellationError) {
                logger.warning("handler failed before the response head: \(failure)", metadata: metadata)
            } else if failure == nil {
                logger.warning("handler returned without a response", metadata: metadata)
            }
            let body = "internal server error\n"
            let head: [HeaderField] = [HeaderField(":status", "500"), HeaderField("content-type", "text/plain"),
                                       HeaderField("content-length", String(body.utf8.count))]
            do {
                try connection.sendHeaders(head, on: id, endStream: stream.isHeadRequest)
                stream.headSent = true
                if !stream.isHeadRequest { try connection.sendData(Array(body.utf8), on: id, endStream: true) }
                markEnded(stream)
            } catch {
                resetStream(stream, code: .internalError)
            }
        } else if !stream.ended {
            if let failure, !(failure is CancellationError) {
                logger.warning("handler failed during the response: \(failure)", metadata: metadata)
            }
            if failure == nil {
                // The end goes out behind what is queued, when there is room for it.
                stream.pending = H2Stream.PendingWrite(buffer: ByteBuffer(), endStream: true, continuation: nil)
                pump(stream)
            } else {
                resetStream(stream, code: failure is CancellationError ? .cancel : .internalError)
            }
        }
        if let context { connection.pollEvents { self.collect($0, context.channel.allocator) } }
        processEvents()
        flushSoon()
    }

    // MARK: - Responses

    func submit(_ stream: H2Stream, _ parts: [ResponsePart], _ done: CheckedContinuation<Void, Error>) {
        guard !closing else { return done.resume(throwing: HTTPServerError.connectionClosed) }
        if stream.closed { return done.resume(throwing: HTTPServerError.responseFinished) }
        let id = stream.id
        for part in parts {
            switch part {
            case .head(let status, let headers, let endStream):
                guard !stream.headSent else { return done.resume(throwing: HTTPServerError.headAlreadySent) }
                do {
                    try connection.sendHeaders(Self.responseHead(status: status, headers: headers), on: id,
                                               endStream: endStream)
                } catch {
                    return done.resume(throwing: error)
                }
                stream.headSent = true
                if endStream { markEnded(stream) }
            case .body(let buffer, let endStream):
                guard stream.headSent else { return done.resume(throwing: HTTPServerError.headNotSent) }
                guard !stream.ended else { return done.resume(throwing: HTTPServerError.responseFinished) }
                let chunk = stream.isHeadRequest ? ByteBuffer() : buffer
                if chunk.readableBytes == 0 && !endStream { continue }
                stream.pending = H2Stream.PendingWrite(buffer: chunk, endStream: endStream, continuation: done)
                pump(stream)
                flushSoon()
                return
            case .end(let trailers):
                guard stream.headSent else { return done.resume(throwing: HTTPServerError.headNotSent) }
                if stream.ended { continue }
                if trailers.isEmpty {
                    stream.pending = H2Stream.PendingWrite(buffer: ByteBuffer(), endStream: true, continuation: done)
                    pump(stream)
                    flushSoon()
                    return
                }
                do {
                    try connection.sendHeaders(HeaderList(Self.sanitized(trailers)), on: id, endStream: true)
                } catch {
                    return done.resume(throwing: error)
                }
                markEnded(stream)
            }
        }
        flushSoon()
        done.resume()
    }

    /// Hands a stream's pending chunk to the engine as far as its budget allows; resumes
    /// the writer once all of it is in, or leaves it waiting in `blocked`.
    func pump(_ stream: H2Stream) {
        guard var pending = stream.pending else { return }
        let id = stream.id
        let limits = configuration.connection.limits
        while true {
            let remaining = pending.buffer.readableBytes
            guard peek({ $0.isWritable(id) }) else {
                stream.pending = pending
                blocked[id] = stream
                return
            }
            let room = limits.maxBufferedPerStream + peek { $0.sendWindow(of: id) } - peek { $0.bufferedOctets(on: id) }
            if remaining > 0 && room <= 0 {
                stream.pending = pending
                blocked[id] = stream
                return
            }
            let count = min(remaining, room, configuration.writeChunkSize)
            let last = count == remaining && pending.endStream
            do {
                try pending.buffer.readWithUnsafeReadableBytes { bytes in
                    try connection.sendData(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), on: id, endStream: last)
                    return count
                }
            } catch {
                stream.pending = nil
                blocked[id] = nil
                if let continuation = pending.continuation {
                    continuation.resume(throwing: error)
                } else {
                    resetStream(stream, code: .internalError)
                }
                return
            }
            if last { markEnded(stream) }
            if pending.buffer.readableBytes == 0 { break }
        }
        stream.pending = nil
        blocked[id] = nil
        pending.continuation?.resume()
    }

    func unblock(_ id: StreamID) { blocked[id] = nil }

    /// Resets a stream ourselves (RST_STREAM); the engine reports no event for that.
    func resetStream(_ stream: H2Stream, code: HTTP2ErrorCode) {
        connection.resetStream(stream.id, code: code)
        streams.removeValue(forKey: stream.id)
        blocked[stream.id] = nil
        stream.terminate(HTTPServerError.streamReset(code: code.rawValue))
    }

    /// Our END_STREAM went to the engine: nothing more may be written. The stream record
    /// stays until the engine reports the stream closed (`.streamClosed`) or reset.
    func markEnded(_ stream: H2Stream) {
        stream.ended = true
    }

    /// Finishes a graceful shutdown once no stream is left.
    func closeIfQuiesced() {
        if quiescing && !closing && streams.isEmpty && peek({ $0.streamCount }) == 0, let context {
            // RFC 9113 §6.8: the last GOAWAY names the last stream we processed.
            connection.close(code: .noError, reason: "shutting down") { self.collect($0, context.channel.allocator) }
            processEvents()
        }
    }

    static func responseHead(status: Int, headers: [HeaderField]) -> HeaderList {
        var list = HeaderList()
        list.append(name: ":status", value: String(status))
        for field in sanitized(headers) { list.append(field) }
        return list
    }

    /// RFC 9113 §8.2: lowercase names; §8.2.2: no connection-specific fields.
    static func sanitized(_ headers: [HeaderField]) -> [HeaderField] {
        headers.compactMap { field in
            let name = field.name.lowercased()
            switch name {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
                return nil
            default:
                var field = field
                field.name = name
                return field
            }
        }
    }

    // MARK: - Output

    /// Flushes at the end of this loop tick (coalesces writes from many tasks).
    func flushSoon() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flushNow()
        }
    }

    /// Writes what the engine has while the socket takes it, then lets waiting writers go.
    func flushNow() {
        guard let context, !closing else { return }
        var wrote = false
        var rounds = 0
        while context.channel.isWritable && peek({ $0.hasPendingOutput }) && rounds < 16 {
            rounds += 1
            var buffer = context.channel.allocator.buffer(capacity: 0)
            connection.drainOutput { bytes in buffer.writeBytes(bytes) }
            if buffer.readableBytes == 0 { break }
            context.write(wrapOutboundOut(buffer), promise: nil)
            wrote = true
            lastProgress = Self.now()
            connection.pollEvents { self.collect($0, context.channel.allocator) }
            processEvents()
            if closing { return }
        }
        if wrote { context.flush() }
        closeIfQuiesced()
        if closing { return }
        if !blocked.isEmpty {
            for stream in Array(blocked.values) { pump(stream) }
            if context.channel.isWritable && peek({ $0.hasPendingOutput }) { flushSoon() }
        }
        rescheduleTimer()
        armStallTimer()
    }

    /// Output is stuck: the socket does not take more, or writers wait for window.
    var isStalled: Bool {
        guard let context else { return false }
        return !context.channel.isWritable || !blocked.isEmpty
    }

    /// A peer that leaves our output unread (or grants no window while writers wait) for
    /// `sendTimeout` is dropped: it must not hold buffers and handlers forever.
    func armStallTimer() {
        guard stallTimer == nil, let timeout = configuration.sendTimeout, let context, isStalled, !closing else { return }
        let fireAt = lastProgress &+ UInt64(max(0, timeout.nanoseconds))
        stallTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(fireAt)) {
            self.stallTimer = nil
            guard self.isStalled, !self.closing else { return }
            if Self.now() &- self.lastProgress >= UInt64(max(0, timeout.nanoseconds)) {
                self.logger.warning("peer stopped reading for \(timeout); closing", metadata: self.metadata)
                Self.discardUnsentOnClose(context)
                self.abort()
            } else {
                self.armStallTimer()
            }
        }
    }

    /// The connection is over: write what is left (GOAWAY), then close the channel.
    func finishConnection() {
        guard let context, !closing else { return }
        var buffer = context.channel.allocator.buffer(capacity: 0)
        connection.drainOutput { bytes in buffer.writeBytes(bytes) }
        closing = true
        terminateAll(HTTPServerError.connectionClosed)
        let channel = context.channel
        // Written and flushed even when empty: output written but not yet flushed (a drain
        // whose events ended the connection) goes out first, and the close waits for it.
        // A peer that does not read never lets that write finish: close anyway after 2 s
        // (the timer goes once the write is done, so it keeps no closed channel alive).
        let fallback = context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            fallback.cancel()
            channel.close(promise: nil)
        }
    }

    /// Closes at once (peer not reading, errors).
    func abort() {
        guard let context else { return }
        closing = true
        terminateAll(HTTPServerError.connectionClosed)
        context.close(promise: nil)
    }

    func terminateAll(_ error: Error) {
        timer?.cancel()
        timer = nil
        stallTimer?.cancel()
        stallTimer = nil
        let all = streams
        streams.removeAll()
        blocked.removeAll()
        for stream in all.values { stream.terminate(error) }
    }

    // MARK: - Timers

    /// Keeps a timer armed for the engine's next deadline. A timer that fires before the
    /// deadline is kept (the idle deadline moves forward with every frame: re-arming on
    /// each read cost 8% of the CPU time of one-request-per-read traffic); when it fires,
    /// the engine handles what is due and the timer is armed again for what is left.
    func rescheduleTimer() {
        guard let context, !closing else { return }
        guard let deadline = peek({ $0.nextDeadline }) else { return }  // an armed timer may fire for nothing
        // A deadline already past (the idle timer while streams are open) is checked
        // again a second later, not in a loop.
        let now = Self.now()
        let fireAt = deadline > now ? deadline : now + 1_000_000_000
        if timer != nil, let armed = timerDeadline, armed <= fireAt { return }
        timer?.cancel()
        timerDeadline = fireAt
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(fireAt)) {
            self.timer = nil
            self.timerDeadline = nil
            guard let context = self.context else { return }
            self.connection.handleTimeouts(now: Self.now()) { self.collect($0, context.channel.allocator) }
            self.processEvents()
            self.flushNow()
        }
    }
}

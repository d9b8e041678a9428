import COpenSSL
import Logging
import NIOCore

/// What the TLS handshake settled, sent down the pipeline as a user event.
public struct TLSHandshakeCompleted: Sendable, Hashable {
    /// The protocol ALPN selected, nil when the client offered none.
    public var alpn: String?
    /// "TLSv1.3" or "TLSv1.2".
    public var version: String
    public var cipher: String
    /// The host name the client sent through SNI.
    public var serverName: String?
}

/// The peer tried to renegotiate TLS 1.2 (refused by OpenSSL): RFC 9113 §9.2.1 makes it a
/// connection error PROTOCOL_ERROR. `HTTP2ServerHandler` answers with GOAWAY; the TLS
/// handler closes the connection shortly after in any case.
public struct TLSRenegotiationAttempted: Sendable, Hashable {}

/// TLS over OpenSSL memory BIOs: ciphertext from the socket goes into one BIO, OpenSSL's
/// output comes out of the other and is written to the socket; plaintext flows up and
/// down the pipeline as `ByteBuffer`s. Server side only. A failed handshake is logged, its
/// alert sent, and the connection closed; nothing is shared with other connections.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    enum State { case handshaking, open, closed }

    let tls: TLSContext
    let ssl: OpaquePointer
    let networkIn: OpaquePointer   // ciphertext we received, for OpenSSL to read
    let networkOut: OpaquePointer  // ciphertext OpenSSL produced, for us to send
    let logger: Logger
    var state = State.handshaking
    /// Plaintext written before the handshake finished.
    var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    var pendingFlush = false
    var peer = ""
    static let maxHandshakeBacklog = 256 * 1024
    /// Set by OpenSSL's info callback when it refused a renegotiation.
    var renegotiationRefused = false
    var renegotiationReported = false

    public init(context: TLSContext, logger: Logger = Logger(label: "HTTP2Server.TLS")) throws {
        self.tls = context
        self.logger = logger
        self.ssl = try context.makeSSL()
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError.drain("BIO_new")
        }
        // An empty input BIO means "retry later" (SSL_ERROR_WANT_READ), not end of file.
        _ = h2shim_BIO_set_mem_eof_return(input, -1)
        _ = h2shim_BIO_set_mem_eof_return(output, -1)
        networkIn = input
        networkOut = output
        SSL_set_bio(ssl, input, output)  // the SSL owns both BIOs now
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(ssl)
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(HTTP2ServerHandler.describe) ?? ""
        // For the info callback; the SSL object is freed with this handler.
        _ = h2shim_SSL_set_app_data(ssl, Unmanaged.passUnretained(self).toOpaque())
    }

    public func channelActive(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress.map(HTTP2ServerHandler.describe) ?? ""
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if state == .handshaking {
            logger.warning("TLS handshake not completed: the peer closed the connection", metadata: ["peer": "\(peer)"])
        }
        state = .closed
        failPendingWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        let buffer = unwrapInboundIn(data)
        ERR_clear_error()
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = BIO_write(networkIn, bytes.baseAddress! + offset, Int32(bytes.count - offset))
                if written <= 0 { break }
                offset += Int(written)
            }
        }
        if state == .handshaking {
            handshake(context: context)
            // The handshake needs a few records; a peer that piles bytes up behind an
            // unfinished one is not doing TLS.
            if state == .handshaking && h2shim_BIO_pending(networkIn) > Self.maxHandshakeBacklog {
                logger.warning("TLS handshake failed: more than \(Self.maxHandshakeBacklog) octets pending", metadata: ["peer": "\(peer)"])
                state = .closed
                context.close(promise: nil)
                return
            }
        }
        if state == .open { readPlaintext(context: context) }
        sendCiphertext(context: context, promise: nil, flush: true)
        if renegotiationRefused && !renegotiationReported && state == .open {
            renegotiationReported = true
            logger.warning("TLS renegotiation attempted; closing (RFC 9113 §9.2.1)", metadata: ["peer": "\(peer)"])
            context.fireUserInboundEventTriggered(TLSRenegotiationAttempted())
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if state == .open { context.fireChannelReadComplete() }
    }

    // MARK: - Handshake

    func handshake(context: ChannelHandlerContext) {
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            state = .open
            sendCiphertext(context: context, promise: nil, flush: true)
            context.fireUserInboundEventTriggered(handshakeInfo())
            let writes = pendingWrites
            pendingWrites = []
            for (buffer, promise) in writes { encrypt(buffer, context: context, promise: promise) }
            if pendingFlush || !writes.isEmpty {
                pendingFlush = false
                context.flush()
            }
            return
        }
        let error = SSL_get_error(ssl, result)
        if error == h2shim_SSL_ERROR_WANT_READ() || error == h2shim_SSL_ERROR_WANT_WRITE() { return }
        let failure = OpenSSLError.drain("TLS handshake failed")
        logger.warning("\(failure)", metadata: ["peer": "\(peer)"])
        state = .closed
        // Send the alert OpenSSL produced, then close.
        let channel = context.channel
        let alert = takeCiphertext(allocator: context.channel.allocator)
        failPendingWrites(failure)
        if alert.readableBytes > 0 {
            context.writeAndFlush(wrapOutboundOut(alert)).whenComplete { _ in channel.close(promise: nil) }
            context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    func handshakeInfo() -> TLSHandshakeCompleted {
        var selected: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &selected, &length)
        let alpn = selected.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self) }
        let version = String(cString: SSL_get_version(ssl))
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? ""
        let serverName = h2shim_SSL_get_servername(ssl).map { String(cString: $0) }
        return TLSHandshakeCompleted(alpn: alpn.flatMap { $0.isEmpty ? nil : $0 }, version: version,
                                     cipher: cipher, serverName: serverName)
    }

    // MARK: - Reading

    func readPlaintext(context: ChannelHandlerContext) {
        var plaintext = context.channel.allocator.buffer(capacity: 16 * 1024)
        var lastResult: Int32 = 1
        while true {
            let read = plaintext.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { space -> Int in
                lastResult = SSL_read(ssl, space.baseAddress, Int32(min(space.count, Int(Int32.max))))
                return lastResult > 0 ? Int(lastResult) : 0
            }
            if read == 0 { break }
            if plaintext.readableBytes >= 256 * 1024 {
                context.fireChannelRead(wrapInboundOut(plaintext))
                plaintext = context.channel.allocator.buffer(capacity: 16 * 1024)
                if state != .open { return }
            }
        }
        if plaintext.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(plaintext))
        }
        guard state == .open else { return }
        let error = SSL_get_error(ssl, lastResult)
        if error == h2shim_SSL_ERROR_WANT_READ() || error == h2shim_SSL_ERROR_WANT_WRITE() { return }
        if error == h2shim_SSL_ERROR_ZERO_RETURN() {
            // The peer sent close_notify: answer it and close.
            close(context: context, mode: .all, promise: nil)
            return
        }
        let failure = OpenSSLError.drain("TLS read failed")
        logger.warning("\(failure)", metadata: ["peer": "\(peer)"])
        state = .closed
        sendCiphertext(context: context, promise: nil, flush: true)
        context.close(promise: nil)
    }

    // MARK: - Writing

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        switch state {
        case .handshaking:
            pendingWrites.append((buffer, promise))
        case .open:
            encrypt(buffer, context: context, promise: promise)
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        if state == .handshaking {
            pendingFlush = true
        } else {
            context.flush()
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if state == .open && mode == .all {
            state = .closed
            ERR_clear_error()
            _ = SSL_shutdown(ssl)  // queues close_notify; we do not wait for the peer's
            sendCiphertext(context: context, promise: nil, flush: true)
        }
        state = .closed
        failPendingWrites(ChannelError.ioOnClosedChannel)
        context.close(mode: mode, promise: promise)
    }

    func encrypt(_ buffer: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        ERR_clear_error()
        var failed = false
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Int32(min(bytes.count - offset, 1 << 20))
                let written = SSL_write(ssl, bytes.baseAddress! + offset, count)
                if written <= 0 {
                    failed = true
                    break
                }
                offset += Int(written)
            }
        }
        if failed {
            let failure = OpenSSLError.drain("TLS write failed")
            logger.warning("\(failure)", metadata: ["peer": "\(peer)"])
            promise?.fail(failure)
            state = .closed
            context.close(promise: nil)
            return
        }
        sendCiphertext(context: context, promise: promise, flush: false)
    }

    /// Moves OpenSSL's output to the socket.
    func sendCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, flush: Bool) {
        let ciphertext = takeCiphertext(allocator: context.channel.allocator)
        if ciphertext.readableBytes > 0 {
            context.write(wrapOutboundOut(ciphertext), promise: promise)
            if flush { context.flush() }
        } else {
            promise?.succeed()
        }
    }

    func takeCiphertext(allocator: ByteBufferAllocator) -> ByteBuffer {
        let pending = h2shim_BIO_pending(networkOut)
        guard pending > 0 else { return allocator.buffer(capacity: 0) }
        var buffer = allocator.buffer(capacity: pending)
        _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space -> Int in
            let read = BIO_read(networkOut, space.baseAddress, Int32(pending))
            return read > 0 ? Int(read) : 0
        }
        return buffer
    }

    func failPendingWrites(_ error: Error) {
        let writes = pendingWrites
        pendingWrites = []
        for (_, promise) in writes { promise?.fail(error) }
    }
}

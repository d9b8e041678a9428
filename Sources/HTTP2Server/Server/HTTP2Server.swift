import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An HTTP server on SwiftNIO: HTTP/2 (our engine) and HTTP/1.1 over TLS with ALPN, or
/// cleartext h2 with prior knowledge and HTTP/1.1 on one port; every request goes to one
/// async `HTTPHandler`.
///
/// ```swift
/// let server = HTTP2Server(configuration: .plaintext(port: 8080)) { request, response in
///     try await response.respond(status: 200, body: "hello\n")
/// }
/// try await server.start()
/// try await server.runUntilShutdownSignal()   // SIGINT/SIGTERM: graceful shutdown
/// ```
public final class HTTP2Server: Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger
    let handler: HTTPHandler
    let inlineHandler: InlineHandler?
    let state = NIOLockedValueBox(State())

    struct State {
        var group: MultiThreadedEventLoopGroup?
        var serverChannel: Channel?
        var connections: [ObjectIdentifier: Channel] = [:]
        var shuttingDown = false
        var finished: [CheckedContinuation<Void, Never>] = []
        var isFinished = false
        var started = false
    }

    /// `inlineHandler`, when given, may answer HTTP/2 requests without a body at once on
    /// the event loop (no task; see `InlineHandler`); everything else goes to `handler`.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "HTTP2Server"),
                inlineHandler: InlineHandler? = nil, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        self.inlineHandler = inlineHandler
    }

    /// The address the server listens on, once started.
    public var localAddress: SocketAddress? {
        state.withLockedValue { $0.serverChannel?.localAddress }
    }

    /// Open connections now.
    public var connectionCount: Int {
        state.withLockedValue { $0.connections.count }
    }

    /// Binds and starts accepting; returns the bound address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let fresh = state.withLockedValue { state -> Bool in
            guard state.group == nil, !state.started, !state.shuttingDown else { return false }
            state.started = true
            return true
        }
        guard fresh else { throw ChannelError.inappropriateOperationForState }
        let tls = try configuration.tls.map { try TLSContext(configuration: $0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let setup = ConnectionSetup(configuration: configuration, tls: tls, logger: logger,
                                    inlineHandler: inlineHandler, handler: handler)
        let configuration = self.configuration
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark,
                                value: .init(low: configuration.writeBufferLowWater, high: configuration.writeBufferHighWater))
            .childChannelInitializer { [self] channel in
                guard self.register(channel) else {
                    self.logger.warning("connection limit (\(configuration.maxConnections)) reached; closing",
                                        metadata: ["peer": "\(channel.remoteAddress.map(HTTP2ServerHandler.describe) ?? "?")"])
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture { try setup.initialize(channel) }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        state.withLockedValue {
            $0.group = group
            $0.serverChannel = channel
        }
        guard let address = channel.localAddress else { throw ChannelError.unknownLocalAddress }
        return address
    }

    /// Counts a new connection; false beyond `maxConnections` or while shutting down.
    func register(_ channel: Channel) -> Bool {
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.shuttingDown, state.connections.count < configuration.maxConnections else { return false }
            state.connections[ObjectIdentifier(channel)] = channel
            return true
        }
        if accepted {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLockedValue { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }
        return accepted
    }

    /// Stops accepting, asks every connection to finish (HTTP/2: GOAWAY, RFC 9113 §6.8;
    /// HTTP/1.1: close after the response in flight), waits up to the grace period, then
    /// closes what is left and stops the event loops.
    public func shutdown() async {
        let (serverChannel, group, first) = state.withLockedValue { state in
            let first = !state.shuttingDown
            state.shuttingDown = true
            return (state.serverChannel, state.group, first)
        }
        guard first else {
            await waitUntilFinished()
            return
        }
        logger.info("shutting down", metadata: ["connections": "\(connectionCount)"])
        try? await serverChannel?.close().get()
        let open = state.withLockedValue { Array($0.connections.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = NIODeadline.now() + configuration.gracePeriod
        while connectionCount > 0 && NIODeadline.now() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        let left = state.withLockedValue { Array($0.connections.values) }
        if !left.isEmpty {
            logger.warning("grace period over; closing \(left.count) connection(s)")
            for channel in left { channel.close(promise: nil) }
            for channel in left { try? await channel.closeFuture.get() }
        }
        try? await group?.shutdownGracefully()
        let waiting = state.withLockedValue { state in
            state.isFinished = true
            let waiting = state.finished
            state.finished = []
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once `shutdown` has finished.
    public func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLockedValue { state -> Bool in
                if state.isFinished { return true }
                state.finished.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully. Create the
    /// `ShutdownSignal` before starting (or announcing) the server, so a signal that comes
    /// early is not lost.
    public func run(until signals: ShutdownSignal) async {
        let received = await signals.wait()
        logger.info("received signal \(received)")
        // A second signal ends the process at once.
        signals.restoreDefaults()
        await shutdown()
    }

    /// `run(until:)` with SIGINT and SIGTERM watched from now on.
    public func runUntilShutdownSignal() async {
        await run(until: ShutdownSignal())
    }
}

/// Watches SIGINT and SIGTERM (or other signals) through Dispatch from its creation on;
/// their default action (ending the process) is off while it watches.
public final class ShutdownSignal: @unchecked Sendable {
    // @unchecked: `sources` and `numbers` are set in init and only read afterwards.
    let sources: [DispatchSourceSignal]
    let numbers: [Int32]
    let continuation = NIOLockedValueBox<(CheckedContinuation<Int32, Never>?, Int32?)>((nil, nil))

    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        numbers = signals
        let queue = DispatchQueue(label: "HTTP2Server.signals")
        var sources: [DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = sources
        for (source, number) in zip(sources, signals) {
            source.setEventHandler { [continuation] in
                let waiting = continuation.withLockedValue { state -> CheckedContinuation<Int32, Never>? in
                    if state.1 == nil { state.1 = number }
                    let waiting = state.0
                    state.0 = nil
                    return waiting
                }
                waiting?.resume(returning: number)
            }
            source.resume()
        }
    }

    /// The first signal received (at once if one already came).
    public func wait() async -> Int32 {
        await withCheckedContinuation { (waiter: CheckedContinuation<Int32, Never>) in
            let already = continuation.withLockedValue { state -> Int32? in
                if let received = state.1 { return received }
                state.0 = waiter
                return nil
            }
            if let already { waiter.resume(returning: already) }
        }
    }

    /// Stops watching; the signals end the process again.
    public func restoreDefaults() {
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
    }
}

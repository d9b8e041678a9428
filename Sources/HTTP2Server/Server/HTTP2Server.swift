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
    /// early is not lost. Stopping `signals` (`restoreDefaults()`) before any signal came
    /// also ends the run with a graceful shutdown: nothing could end it otherwise.
    public func run(until signals: ShutdownSignal) async {
        if let received = await signals.wait() {
            logger.info("received signal \(received)")
        } else {
            logger.info("signal watcher stopped")
        }
        // A second signal ends the process at once.
        signals.restoreDefaults()
        await shutdown()
    }

    /// `run(until:)` with SIGINT and SIGTERM watched from now on.
    public func runUntilShutdownSignal() async {
        await run(until: ShutdownSignal())
    }
}

/// Watches SIGINT and SIGTERM (or other signals) from its creation on; their default action
/// (ending the process) is off while it watches.
///
/// The handler is installed at once, in `init`, and only writes the signal's number to a
/// pipe, which a Dispatch source reads. (A Dispatch signal source alone with the signal set to
/// SIG_IGN lost a signal that came before Dispatch had registered the source, which it does
/// later, on its own thread: a SIGTERM right after "listening" was then ignored for good.)
public final class ShutdownSignal: @unchecked Sendable {
    // @unchecked: `numbers` is set in init and only read afterwards; the rest is locked.
    let numbers: [Int32]
    /// Every task waiting in `wait()` (all of them are resumed, by the first signal or by
    /// `restoreDefaults()`), the first signal received, and whether watching has stopped.
    let state = NIOLockedValueBox<(waiters: [CheckedContinuation<Int32?, Never>], received: Int32?, stopped: Bool)>(([], nil, false))

    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        numbers = signals
        SignalPipe.shared.register(self)
    }

    /// Called by the pipe's reader for every signal that arrives.
    func received(_ number: Int32) {
        guard numbers.contains(number) else { return }
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Int32?, Never>] in
            guard !state.stopped else { return [] }
            if state.received == nil { state.received = number }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiting { waiter.resume(returning: number) }
    }

    /// The first signal received (at once if one already came), or nil once watching has
    /// stopped (`restoreDefaults()`) without one. Any number of tasks may wait.
    public func wait() async -> Int32? {
        await withCheckedContinuation { (waiter: CheckedContinuation<Int32?, Never>) in
            let answer = state.withLockedValue { state -> Int32?? in
                if state.received != nil || state.stopped { return .some(state.received) }
                state.waiters.append(waiter)
                return .none
            }
            if let answer { waiter.resume(returning: answer) }
        }
    }

    /// Stops watching; the signals end the process again (unless another `ShutdownSignal`
    /// still watches them). Tasks still in `wait()` get nil.
    public func restoreDefaults() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Int32?, Never>] in
            state.stopped = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        SignalPipe.shared.unregister(self)
        for waiter in waiting { waiter.resume(returning: nil) }
    }
}

/// The write end of the signal pipe, for the signal handler (set once, before any handler
/// is installed; a plain global read is async-signal-safe).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The signal handler: the number goes into the pipe (`write` is async-signal-safe; a full
/// pipe drops it, and then hundreds of signals are already waiting to be read).
private func signalPipeHandler(_ number: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = saved
}

/// One pipe and one reader for the whole process; each live `ShutdownSignal` hears the
/// signals it watches.
final class SignalPipe: @unchecked Sendable {
    // @unchecked: `readEnd` and `source` are set in init; `watchers` is locked.
    static let shared = SignalPipe()

    let readEnd: Int32
    let source: DispatchSourceRead
    let watchers = NIOLockedValueBox<[ObjectIdentifier: ShutdownSignal]>([:])

    private init() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { fatalError("pipe failed: errno \(errno)") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readEnd = ends[0]
        signalPipeWriteEnd = ends[1]
        let queue = DispatchQueue(label: "HTTP2Server.signals")
        source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: queue)
        source.setEventHandler { [readEnd = ends[0], watchers] in
            var bytes = [UInt8](repeating: 0, count: 64)
            while true {
                let count = bytes.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                let all = watchers.withLockedValue { Array($0.values) }
                for byte in bytes.prefix(count) {
                    for watcher in all { watcher.received(Int32(byte)) }
                }
            }
        }
        // Bytes written before the source is registered wait in the pipe: nothing is lost.
        source.resume()
    }

    func register(_ watcher: ShutdownSignal) {
        watchers.withLockedValue { $0[ObjectIdentifier(watcher)] = watcher }
        for number in watcher.numbers { signal(number, signalPipeHandler) }
    }

    func unregister(_ watcher: ShutdownSignal) {
        let stillWatched = watchers.withLockedValue { watchers -> Set<Int32> in
            watchers[ObjectIdentifier(watcher)] = nil
            return Set(watchers.values.flatMap(\.numbers))
        }
        for number in watcher.numbers where !stillWatched.contains(number) { signal(number, SIG_DFL) }
    }
}

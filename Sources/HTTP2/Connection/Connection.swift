import HPACK

/// One HTTP/2 connection, either role, without I/O (RFC 9113): feed it the bytes the peer
/// sent with `receive`, tell it what to send with the `send…` methods, and write what
/// `drainOutput` hands you to the transport. It never touches a socket, a clock or a
/// thread: times come from the caller, in nanoseconds of any monotonic clock.
///
/// ```swift
/// var connection = Connection(role: .server, configuration: .server(maxConcurrentStreams: 1000), now: clock())
/// connection.receive(bytes, now: clock()) { event in ... }   // collect events
/// try connection.sendHeaders([HeaderField(":status", "200")], on: stream, endStream: false)
/// try connection.sendData(chunk, on: stream, endStream: false)
/// connection.drainOutput { bytes in write(bytes) }
/// ```
public struct Connection {
    public let role: Role
    public let configuration: ConnectionConfiguration

    var reader = FrameReader()
    var writer = FrameWriter()
    var decoder: HPACKDecoder
    var encoder: HPACKEncoder
    var localSettings = LocalSettings()
    /// The peer's settings, in effect since we received them (RFC 9113 §6.5.3).
    public internal(set) var peerSettings = HTTP2Settings.initial
    var streams: StreamTable
    var sendWindow = FlowWindow()
    var receiveWindow: ReceiveWindow
    var limits: AbuseLimits

    enum Phase {
        /// Server: matching the client preface; `matched` octets so far (§3.4).
        case awaitingPreface(matched: Int)
        /// The peer's first frame must be SETTINGS (§3.4).
        case awaitingSettings
        case ready
        /// A connection error was sent; nothing more is read.
        case failed
    }
    var phase: Phase
    /// Octets of the peer's first frame seen while waiting for its SETTINGS (§3.4).
    var firstFrameOctetsSeen = 0

    /// A field block being assembled across HEADERS/PUSH_PROMISE and CONTINUATION (§4.3).
    struct FieldBlock {
        var streamID: StreamID
        var endStream: Bool
        var bytes: [UInt8] = []
        var continuations = 0
        /// Set when the HEADERS frame itself was a stream error (self-dependency).
        var streamError: HTTP2Error?
    }
    var fieldBlock: FieldBlock?
    /// Reused for every decoded field block.
    var fieldList = HeaderList()
    var encodeBuffer: [UInt8] = []

    /// Server role: the last response head that passed validation, and its HPACK encoding
    /// while that is still what the encoder would produce. A server usually sends the same
    /// head (often the very same `HeaderList`) on every stream: it is validated once, and
    /// encoded again only when the encoder's state changed (see `sendHeaders`).
    struct SentHeadCache {
        var headers: HeaderList
        var isInformational: Bool
        /// The block `headers` encode to while `encoder.stateGeneration == generation`.
        var encoded: [UInt8] = []
        var generation: UInt64?
    }
    var sentHeadCache: SentHeadCache?

    /// Streams with queued output and window, served round robin.
    var ready: [StreamID] = []
    var readyHead = 0
    /// Queued DATA octets in all streams.
    var bufferedTotal = 0

    /// Client role: requests waiting for a slot under the peer's MAX_CONCURRENT_STREAMS.
    struct PendingRequest {
        var streamID: StreamID
        var headers: HeaderList
        var endStream: Bool
        var queuedAt: UInt64
    }
    var pendingRequests: [PendingRequest] = []
    var pendingHead = 0

    /// GOAWAY state (§6.8).
    var goAwaySent: StreamID?
    var goAwayReceived: StreamID?
    /// Graceful shutdown (§6.8): the PING that marks the first GOAWAY's round trip.
    var shutdownPing: UInt64?
    var closedReported = false

    /// Events that happened outside `receive` (a queued request started because we reset
    /// a stream, say), delivered by the next `receive` or `pollEvents`.
    var deferredEvents: [ConnectionEvent] = []
    /// Streams our END_STREAM closed, for `.streamClosed` (kept apart from `deferredEvents`:
    /// plain ids cost no reference counting, and there is one per response), and whether
    /// `.connectionClosed` follows them (a graceful shutdown's last stream).
    var locallyClosed: [StreamID] = []
    var connectionClosedPending = false

    /// PINGs we sent and when (for RTT); the latest round trip measured.
    var pingsInFlight: [(payload: UInt64, sentAt: UInt64)] = []
    var nextPingPayload: UInt64 = 1
    public internal(set) var roundTrip: UInt64 = 0
    var lastActivity: UInt64

    /// Client role: the preface octets, handed out before the first frames.
    var clientPreface: [UInt8] = []

    /// The client connection preface (§3.4).
    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Starts a connection: the output holds our preface (a client's magic octets, then
    /// SETTINGS for either role, §3.4) and a WINDOW_UPDATE that opens the connection window.
    public init(role: Role, configuration: ConnectionConfiguration, now: UInt64) {
        self.role = role
        var configuration = configuration
        configuration.settings = configuration.settings.sanitized(for: role, after: nil)
        if role == .client { configuration.settings.enablePush = false }  // we accept no pushes (§8.4)
        self.configuration = configuration
        self.limits = configuration.limits
        self.decoder = HPACKDecoder(maxHeaderListSize: configuration.settings.maxHeaderListSize ?? (256 * 1024))
        self.encoder = HPACKEncoder(tableSizeCap: configuration.maxEncoderTableSize)
        self.streams = StreamTable(role: role, closedMemory: configuration.limits.closedStreamMemory)
        self.receiveWindow = ReceiveWindow(initial: FlowWindow.defaultSize,
                                           maximumTarget: max(configuration.connectionWindow, configuration.maxReceiveWindow))
        self.phase = role == .server ? .awaitingPreface(matched: 0) : .awaitingSettings
        self.lastActivity = now
        if role == .client { clientPreface = Connection.preface }
        writer.writeSettings(localSettings.send(configuration.settings, now: now))
        let increment = min(configuration.connectionWindow, FlowWindow.maximum) - FlowWindow.defaultSize
        if increment > 0 {
            writer.writeWindowUpdate(streamID: .connection, increment: UInt32(increment))
            receiveWindow.applyInitialWindowDelta(increment)
        }
    }

    // MARK: - State

    /// Our settings the peer has acknowledged: the rules it must follow now.
    public var acknowledgedSettings: HTTP2Settings { localSettings.acknowledged }

    /// True once the connection is over: a connection error, or GOAWAY with nothing left.
    public var isClosed: Bool {
        if case .failed = phase { return true }
        return closedReported
    }

    /// Live streams (open, half-closed, reserved, and client requests waiting to start).
    public var streamCount: Int { streams.liveCount }

    /// Client role: requests waiting for a slot, and how long the oldest has waited.
    public var queuedRequestCount: Int { pendingRequests.count - pendingHead }
    public func oldestQueuedRequestWait(now: UInt64) -> UInt64? {
        guard pendingHead < pendingRequests.count else { return nil }
        let queuedAt = pendingRequests[pendingHead].queuedAt
        return now >= queuedAt ? now - queuedAt : 0
    }

    /// The state of a stream (idle or closed for streams the connection does not hold).
    public func state(of stream: StreamID) -> StreamState {
        streams[stream]?.state ?? streams.stateOfUnknown(stream)
    }

    /// Octets we may still send on a stream now (the smaller of its window and the
    /// connection's), not counting what is queued.
    public func sendWindow(of stream: StreamID) -> Int {
        guard let record = streams[stream] else { return 0 }
        return max(0, min(record.sendWindow.size, sendWindow.size))
    }

    /// Octets queued on a stream, waiting for window.
    public func bufferedOctets(on stream: StreamID) -> Int { streams[stream]?.outbound.count ?? 0 }

    /// Whether a writer should keep writing to the stream (its queue is below the budget).
    public func isWritable(_ stream: StreamID) -> Bool {
        guard let record = streams[stream], record.state.weCanSend || record.state == .idle else { return false }
        return record.outbound.count < limits.maxBufferedPerStream && bufferedTotal < limits.maxBufferedPerConnection
    }

    // MARK: - Failing

    /// Ends the connection for a connection error (§5.4.1): GOAWAY with the highest peer
    /// stream we may have processed, then nothing more is read.
    mutating func fail(_ error: HTTP2Error, _ handler: (ConnectionEvent) -> Void) {
        if case .failed = phase { return }
        phase = .failed
        dropAllQueuedOutput()
        let last = goAwaySent.map { min($0, streams.highestPeerStreamID) } ?? streams.highestPeerStreamID
        writer.writeGoAway(lastStreamID: last, errorCode: error.code, debugData: Array(error.reason.utf8.prefix(256)))
        goAwaySent = last
        pollEvents(handler)   // what happened before, in order; nothing follows the error
        handler(.connectionError(error))
    }

    /// After GOAWAY for an error or a close (§5.4.1, §6.8), queued DATA and trailers are
    /// never sent: the output ends with the GOAWAY.
    mutating func dropAllQueuedOutput() {
        for index in readyHead..<ready.count {
            let id = ready[index]
            guard var record = streams[id] else { continue }
            _ = record.outbound.removeAll()
            record.scheduled = false
            streams[id] = record
        }
        ready.removeAll()
        readyHead = 0
        bufferedTotal = 0
    }
}


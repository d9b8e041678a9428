/// How a `Connection` behaves. Times are in nanoseconds of the caller's clock.
public struct ConnectionConfiguration: Sendable {
    /// The settings we advertise in our first SETTINGS frame.
    public var settings: HTTP2Settings
    /// How long the peer has to acknowledge our SETTINGS (RFC 9113 §6.5.3); then the
    /// connection ends with SETTINGS_TIMEOUT.
    public var settingsTimeout: UInt64 = 10_000_000_000
    /// The connection ends (GOAWAY NO_ERROR) after this long without a frame from the peer
    /// while no stream is open; nil: never.
    public var idleTimeout: UInt64? = nil
    /// The receive window of the connection we open right after the preface, and the
    /// most auto-tuning may grow stream and connection windows to.
    public var connectionWindow: Int = 1 << 20
    public var maxReceiveWindow: Int = 16 << 20
    /// Output is handed to the caller in runs of about this many octets; DATA waits in
    /// per-stream queues beyond it, served round robin.
    public var outputHighWater: Int = 256 * 1024
    /// Whether DATA credit goes back to the peer as soon as the `.data` event is delivered.
    /// A server that streams request bodies to slow consumers turns it off and calls
    /// `Connection.consume` as the data is used (back-pressure through flow control).
    public var returnsCreditAutomatically = true
    /// Whether the field blocks we send are checked against RFC 9113 §8.1 to §8.3 (a bad
    /// one is refused with `ConnectionUsageError` instead of reaching the peer).
    public var validatesOutgoingFields = true
    /// The HPACK encoder's table never exceeds this, whatever the peer allows.
    public var maxEncoderTableSize: Int = 16 * 1024
    /// Budgets against abusive peers.
    public var limits: AbuseLimits = .default

    /// Our settings for a server: 100 concurrent streams, 1 MiB stream windows, 64 KiB
    /// header lists, no push.
    public static func server(maxConcurrentStreams: Int = 100) -> ConnectionConfiguration {
        ConnectionConfiguration(settings: HTTP2Settings(maxConcurrentStreams: maxConcurrentStreams,
                                                        initialWindowSize: 1 << 20,
                                                        maxHeaderListSize: 64 * 1024,
                                                        enablePush: false))
    }

    /// Our settings for a client: push disabled, 1 MiB stream windows.
    public static func client() -> ConnectionConfiguration {
        ConnectionConfiguration(settings: HTTP2Settings(maxConcurrentStreams: 100, initialWindowSize: 1 << 20,
                                                        maxHeaderListSize: 64 * 1024, enablePush: false))
    }

    public init(settings: HTTP2Settings) {
        self.settings = settings
    }
}

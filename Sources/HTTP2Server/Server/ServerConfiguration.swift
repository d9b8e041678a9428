import HTTP2
import NIOCore

/// Everything an `HTTP2Server` needs to know.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; 127.0.0.1 by default.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (see `HTTP2Server.localAddress`).
    public var port: Int = 8443
    /// TLS with ALPN; nil serves cleartext: h2 with prior knowledge and HTTP/1.1 on one port.
    public var tls: TLSConfiguration?
    /// Event loops (threads), one per core by default.
    public var threads: Int = System.coreCount
    /// Connections beyond this are closed as soon as they are accepted.
    public var maxConnections: Int = 10_000
    /// Time to finish the TLS handshake and send the HTTP/2 preface (or the first HTTP/1.1
    /// request head).
    public var handshakeTimeout: TimeAmount = .seconds(10)
    /// A connection with no request in flight is closed after this long (HTTP/2: GOAWAY
    /// NO_ERROR first). nil: never.
    public var idleTimeout: TimeAmount? = .seconds(120)
    /// On shutdown, in-flight streams get this long to finish before connections close.
    public var gracePeriod: TimeAmount = .seconds(10)
    /// The HTTP/2 side: engine settings (SETTINGS_MAX_CONCURRENT_STREAMS and the rest),
    /// budgets, the send timeout for peers that stop reading.
    public var http2: HTTP2HandlerConfiguration = HTTP2HandlerConfiguration()
    /// The socket's write buffer marks: above `high` the channel is not writable and
    /// response writers wait.
    public var writeBufferLowWater: Int = 32 * 1024
    public var writeBufferHighWater: Int = 64 * 1024

    public init() {}

    /// A cleartext server on `host:port`.
    public static func plaintext(host: String = "127.0.0.1", port: Int) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        return configuration
    }

    /// Engine configuration with our idle timeout applied.
    var engineConfiguration: ConnectionConfiguration {
        var engine = http2.connection
        if let idleTimeout { engine.idleTimeout = UInt64(max(0, idleTimeout.nanoseconds)) }
        return engine
    }
}

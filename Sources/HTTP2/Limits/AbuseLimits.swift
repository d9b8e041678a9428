/// Budgets for everything a peer can make us spend (RFC 9113 §10.5 and the CVEs below).
/// Crossing one ends the connection with GOAWAY ENHANCE_YOUR_CALM (or the RFC's code).
/// Every value is configurable; the defaults suit a server facing the Internet.
public struct AbuseLimits: Sendable, Hashable {
    /// Streams the peer resets (RST_STREAM it sends): "rapid reset", CVE-2023-44487.
    /// nghttp2 allows a burst of 1000 refilling 33/s; swift-nio-http2 200 per 30 s.
    public var peerResets = TokenBucket(capacity: 1000, refillPerSecond: 33)
    /// Resets the peer provokes us to send (stream errors it causes): "MadeYouReset",
    /// CVE-2025-8671, and the reset flood CVE-2019-9514.
    public var provokedResets = TokenBucket(capacity: 1000, refillPerSecond: 33)
    /// CONTINUATION frames in one field block (CVE-2024-27316 family). Crossing it or
    /// `maxFieldBlockSize` ends the connection with COMPRESSION_ERROR: the block is not
    /// decompressed (RFC 9113 §4.3).
    public var maxContinuationFrames = 16
    /// Encoded octets of one field block, across HEADERS and CONTINUATION frames; checked
    /// even for streams we refuse.
    public var maxFieldBlockSize = 256 * 1024
    /// PING frames the peer sends (CVE-2019-9512 ping flood).
    public var pings = TokenBucket(capacity: 100, refillPerSecond: 10)
    /// SETTINGS frames the peer sends (CVE-2019-9515 settings flood).
    public var settingsFrames = TokenBucket(capacity: 100, refillPerSecond: 10)
    /// Frames that carry nothing: DATA without payload or END_STREAM, CONTINUATION without
    /// a fragment, HEADERS with an empty block (CVE-2019-9518 empty frames). Fields with an
    /// empty name (CVE-2019-9516) make a request malformed and count in `provokedResets`.
    public var emptyFrames = TokenBucket(capacity: 100, refillPerSecond: 10)
    /// Control-frame replies (PING and SETTINGS acknowledgements, RST_STREAM) waiting in
    /// our output when the peer does not read (CVE-2019-9512, -9515): bytes.
    public var maxPendingControlBytes = 64 * 1024
    /// Application data we hold per stream beyond the flow-control window (CVE-2019-9517).
    public var maxBufferedPerStream = 256 * 1024
    /// Application data we hold in all streams together beyond the windows (CVE-2019-9517).
    public var maxBufferedPerConnection = 16 * 1024 * 1024
    /// Closed streams remembered to tell "recently reset by us" from "closed long ago".
    public var closedStreamMemory = 1024

    public init() {}

    /// The defaults.
    public static let `default` = AbuseLimits()
}

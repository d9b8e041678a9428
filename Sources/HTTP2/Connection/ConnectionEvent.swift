import HPACK

/// What the peer did, as the connection reports it from `Connection.receive`.
///
/// Borrowed bytes (`data`) are valid only during the handler call. Do not call the
/// connection from inside the handler: collect what to do, and do it after `receive`.
public enum ConnectionEvent {
    /// Server role: a request head, validated (RFC 9113 §8.3.1).
    case request(StreamID, RequestHead, endStream: Bool)
    /// Client role: a response head (informational 1xx ones too), validated (§8.3.2).
    case response(StreamID, ResponseHead, endStream: Bool)
    /// Trailers: the last field block of a message; the stream's input ends with them.
    case trailers(StreamID, HeaderList)
    /// Content (DATA). Return the credit with `Connection.consume` unless
    /// `ConnectionConfiguration.returnsCreditAutomatically` is set.
    case data(StreamID, BorrowedBytes, endStream: Bool)
    /// The stream ended abnormally: the peer reset it (`byPeer`), or we did because of
    /// something the peer sent (the code says why). Pending output was dropped.
    case streamReset(StreamID, HTTP2ErrorCode, byPeer: Bool)
    /// Both sides finished the stream normally.
    case streamClosed(StreamID)
    /// A stream that had data waiting can take more (window opened, queue drained).
    case writable(StreamID)
    /// Client role: a request waiting for a free slot under the peer's
    /// SETTINGS_MAX_CONCURRENT_STREAMS was sent, after waiting `waited` nanoseconds.
    case requestStarted(StreamID, waited: UInt64)
    /// The peer's SETTINGS, now in effect.
    case settingsReceived(HTTP2Settings)
    /// The peer acknowledged our SETTINGS: these values bind it now.
    case settingsAcknowledged(HTTP2Settings)
    /// The answer to our PING arrived; `roundTrip` in nanoseconds.
    case pingAcknowledged(roundTrip: UInt64)
    /// The peer is shutting down: streams we opened above `lastStreamID` were not
    /// processed and may be retried elsewhere (§6.8).
    case goAwayReceived(lastStreamID: StreamID, HTTP2ErrorCode, debugData: [UInt8])
    /// The peer broke a connection-level rule; we sent GOAWAY with this code. No more
    /// events follow; send what is left in the output, then close the transport.
    case connectionError(HTTP2Error)
    /// The connection is finished (after GOAWAY, every stream done): close the transport
    /// once the output is written.
    case connectionClosed
}

/// A misuse of the `Connection` API (not a protocol error of the peer's).
public struct ConnectionUsageError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

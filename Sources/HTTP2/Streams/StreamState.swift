/// The state of a stream (RFC 9113 §5.1). "closed" is split by how the stream closed,
/// because what may still arrive on it depends on that (§5.1, "closed").
public enum StreamState: UInt8, Sendable, CustomStringConvertible {
    case idle
    case reservedLocal
    case reservedRemote
    case open
    case halfClosedLocal
    case halfClosedRemote
    /// Both sides sent END_STREAM.
    case closed
    /// We sent RST_STREAM: frames the peer sent before seeing it are processed minimally
    /// and discarded (§5.1).
    case closedByLocalReset
    /// The peer sent RST_STREAM.
    case closedByRemoteReset

    /// True for the three closed states.
    public var isClosed: Bool { rawValue >= StreamState.closed.rawValue }

    /// Whether the peer may still send DATA (and so needs receive window).
    public var peerCanSend: Bool { self == .open || self == .halfClosedLocal }

    /// Whether we may still send DATA.
    public var weCanSend: Bool { self == .open || self == .halfClosedRemote }

    /// §5.1.2: "open" and both "half-closed" states count toward MAX_CONCURRENT_STREAMS.
    public var isActive: Bool { self == .open || self == .halfClosedLocal || self == .halfClosedRemote }

    public var description: String {
        switch self {
        case .idle: return "idle"
        case .reservedLocal: return "reserved (local)"
        case .reservedRemote: return "reserved (remote)"
        case .open: return "open"
        case .halfClosedLocal: return "half-closed (local)"
        case .halfClosedRemote: return "half-closed (remote)"
        case .closed: return "closed"
        case .closedByLocalReset: return "closed (reset by us)"
        case .closedByRemoteReset: return "closed (reset by peer)"
        }
    }
}

/// What happens to a stream: a frame we send or receive on it (RFC 9113 §5.1).
public enum StreamEvent: Sendable, CustomStringConvertible {
    case receiveHeaders
    case receiveHeadersEndStream
    case receiveData
    case receiveDataEndStream
    case receiveReset
    case receiveWindowUpdate
    /// PUSH_PROMISE received that promises this stream.
    case receivePushPromise
    case sendHeaders
    case sendHeadersEndStream
    case sendData
    case sendDataEndStream
    case sendReset
    case sendWindowUpdate
    /// PUSH_PROMISE sent that promises this stream.
    case sendPushPromise

    public var description: String {
        switch self {
        case .receiveHeaders: return "receive HEADERS"
        case .receiveHeadersEndStream: return "receive HEADERS+END_STREAM"
        case .receiveData: return "receive DATA"
        case .receiveDataEndStream: return "receive DATA+END_STREAM"
        case .receiveReset: return "receive RST_STREAM"
        case .receiveWindowUpdate: return "receive WINDOW_UPDATE"
        case .receivePushPromise: return "receive PUSH_PROMISE"
        case .sendHeaders: return "send HEADERS"
        case .sendHeadersEndStream: return "send HEADERS+END_STREAM"
        case .sendData: return "send DATA"
        case .sendDataEndStream: return "send DATA+END_STREAM"
        case .sendReset: return "send RST_STREAM"
        case .sendWindowUpdate: return "send WINDOW_UPDATE"
        case .sendPushPromise: return "send PUSH_PROMISE"
        }
    }
}

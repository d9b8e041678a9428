/// The outcome of an event in a state (RFC 9113 §5.1).
public enum StreamTransition: Equatable, Sendable {
    /// The event is valid; the stream is now in this state (possibly the same).
    case next(StreamState)
    /// Received on a stream we reset: process minimally (HPACK, flow control), then drop.
    case discard
    /// The peer broke the rules: reset the stream with this code (§5.4.2).
    case streamError(HTTP2ErrorCode)
    /// The peer broke the rules: end the connection with this code (§5.4.1).
    case connectionError(HTTP2ErrorCode)
    /// We may not send this in this state (a misuse of the API, not a protocol error).
    case notAllowed
}

/// RFC 9113 §5.1 as one table: (state, event) -> outcome. PRIORITY is valid in every state
/// and never reaches this table; unknown frame types are ignored before it (§5.5).
/// Read a row as "in <state>, on <event>, <outcome>".
enum StreamTransitions {
    static func apply(_ event: StreamEvent, to state: StreamState) -> StreamTransition {
        switch (state, event) {
        // idle: HEADERS opens; PUSH_PROMISE reserves; anything else received is a
        // connection PROTOCOL_ERROR (§5.1 "idle"). Which side may open which ids is
        // checked by the stream table (§5.1.1).
        case (.idle, .receiveHeaders): return .next(.open)
        case (.idle, .receiveHeadersEndStream): return .next(.halfClosedRemote)
        case (.idle, .sendHeaders): return .next(.open)
        case (.idle, .sendHeadersEndStream): return .next(.halfClosedLocal)
        case (.idle, .receivePushPromise): return .next(.reservedRemote)
        case (.idle, .sendPushPromise): return .next(.reservedLocal)
        case (.idle, .receiveData), (.idle, .receiveDataEndStream), (.idle, .receiveReset),
             (.idle, .receiveWindowUpdate):
            return .connectionError(.protocolError)
        case (.idle, _): return .notAllowed

        // reserved (local): we promised it; we may send HEADERS, or reset it.
        case (.reservedLocal, .sendHeaders): return .next(.halfClosedRemote)
        case (.reservedLocal, .sendHeadersEndStream): return .next(.closed)
        case (.reservedLocal, .sendReset): return .next(.closedByLocalReset)
        case (.reservedLocal, .receiveReset): return .next(.closedByRemoteReset)
        case (.reservedLocal, .receiveWindowUpdate): return .next(.reservedLocal)
        case (.reservedLocal, .receiveHeaders), (.reservedLocal, .receiveHeadersEndStream),
             (.reservedLocal, .receiveData), (.reservedLocal, .receiveDataEndStream),
             (.reservedLocal, .receivePushPromise):
            return .connectionError(.protocolError)
        case (.reservedLocal, _): return .notAllowed

        // reserved (remote): promised to us; the peer's HEADERS starts the response.
        case (.reservedRemote, .receiveHeaders): return .next(.halfClosedLocal)
        case (.reservedRemote, .receiveHeadersEndStream): return .next(.closed)
        case (.reservedRemote, .receiveReset): return .next(.closedByRemoteReset)
        case (.reservedRemote, .sendReset): return .next(.closedByLocalReset)
        case (.reservedRemote, .sendWindowUpdate): return .next(.reservedRemote)
        case (.reservedRemote, .receiveData), (.reservedRemote, .receiveDataEndStream),
             (.reservedRemote, .receiveWindowUpdate), (.reservedRemote, .receivePushPromise):
            return .connectionError(.protocolError)
        case (.reservedRemote, _): return .notAllowed

        // open: both sides send; END_STREAM half-closes; RST closes.
        case (.open, .receiveHeaders), (.open, .receiveData), (.open, .receiveWindowUpdate),
             (.open, .sendHeaders), (.open, .sendData), (.open, .sendWindowUpdate):
            return .next(.open)
        case (.open, .receiveHeadersEndStream), (.open, .receiveDataEndStream): return .next(.halfClosedRemote)
        case (.open, .sendHeadersEndStream), (.open, .sendDataEndStream): return .next(.halfClosedLocal)
        case (.open, .receiveReset): return .next(.closedByRemoteReset)
        case (.open, .sendReset): return .next(.closedByLocalReset)
        case (.open, .receivePushPromise): return .connectionError(.protocolError)
        case (.open, .sendPushPromise): return .notAllowed

        // half-closed (local): we are done sending; the peer may send anything.
        case (.halfClosedLocal, .receiveHeaders), (.halfClosedLocal, .receiveData),
             (.halfClosedLocal, .receiveWindowUpdate), (.halfClosedLocal, .sendWindowUpdate):
            return .next(.halfClosedLocal)
        case (.halfClosedLocal, .receiveHeadersEndStream), (.halfClosedLocal, .receiveDataEndStream):
            return .next(.closed)
        case (.halfClosedLocal, .receiveReset): return .next(.closedByRemoteReset)
        case (.halfClosedLocal, .sendReset): return .next(.closedByLocalReset)
        case (.halfClosedLocal, .receivePushPromise): return .connectionError(.protocolError)
        case (.halfClosedLocal, _): return .notAllowed

        // half-closed (remote): the peer is done; more DATA or HEADERS from it is a
        // stream error STREAM_CLOSED (§5.1 "half-closed (remote)").
        case (.halfClosedRemote, .receiveHeaders), (.halfClosedRemote, .receiveHeadersEndStream),
             (.halfClosedRemote, .receiveData), (.halfClosedRemote, .receiveDataEndStream):
            return .streamError(.streamClosed)
        case (.halfClosedRemote, .receiveWindowUpdate), (.halfClosedRemote, .sendHeaders),
             (.halfClosedRemote, .sendData), (.halfClosedRemote, .sendWindowUpdate):
            return .next(.halfClosedRemote)
        case (.halfClosedRemote, .sendHeadersEndStream), (.halfClosedRemote, .sendDataEndStream):
            return .next(.closed)
        case (.halfClosedRemote, .receiveReset): return .next(.closedByRemoteReset)
        case (.halfClosedRemote, .sendReset): return .next(.closedByLocalReset)
        case (.halfClosedRemote, .receivePushPromise): return .connectionError(.protocolError)
        case (.halfClosedRemote, .sendPushPromise): return .notAllowed

        // closed after END_STREAM both ways: WINDOW_UPDATE and RST_STREAM may still be in
        // flight; DATA is a stream error, HEADERS a connection error, STREAM_CLOSED (§5.1).
        case (.closed, .receiveWindowUpdate), (.closed, .receiveReset): return .next(.closed)
        case (.closed, .receiveData), (.closed, .receiveDataEndStream): return .streamError(.streamClosed)
        case (.closed, .receiveHeaders), (.closed, .receiveHeadersEndStream), (.closed, .receivePushPromise):
            return .connectionError(.streamClosed)
        case (.closed, .sendReset): return .next(.closed)
        case (.closed, _): return .notAllowed

        // closed because we reset it: the peer may have sent anything before it saw our
        // RST_STREAM; process minimally and discard (§5.1).
        case (.closedByLocalReset, .receiveHeaders), (.closedByLocalReset, .receiveHeadersEndStream),
             (.closedByLocalReset, .receiveData), (.closedByLocalReset, .receiveDataEndStream),
             (.closedByLocalReset, .receiveWindowUpdate), (.closedByLocalReset, .receiveReset),
             (.closedByLocalReset, .receivePushPromise):
            return .discard
        case (.closedByLocalReset, .sendReset): return .next(.closedByLocalReset)
        case (.closedByLocalReset, _): return .notAllowed

        // closed because the peer reset it: it must send nothing more but PRIORITY.
        case (.closedByRemoteReset, .receiveWindowUpdate), (.closedByRemoteReset, .receiveReset):
            return .discard
        case (.closedByRemoteReset, .receiveData), (.closedByRemoteReset, .receiveDataEndStream):
            return .streamError(.streamClosed)
        case (.closedByRemoteReset, .receiveHeaders), (.closedByRemoteReset, .receiveHeadersEndStream),
             (.closedByRemoteReset, .receivePushPromise):
            return .connectionError(.streamClosed)
        case (.closedByRemoteReset, .sendReset): return .next(.closedByRemoteReset)
        case (.closedByRemoteReset, _): return .notAllowed
        }
    }
}

import HPACK

/// What the connection keeps for one live stream. Kept small: a server holding 10,000
/// idle SSE streams pays this per stream.
struct StreamRecord: Sendable {
    var state: StreamState
    /// What we may still send on it (RFC 9113 §5.2, §6.9).
    var sendWindow: FlowWindow
    /// What the peer may still send on it, and our WINDOW_UPDATE policy.
    var receiveWindow: ReceiveWindow
    /// DATA and trailers waiting for window or output room.
    var outbound = OutboundBuffer()
    /// Whether the stream is in the round-robin list of streams with data to send.
    var scheduled = false
    /// The peer's field blocks so far: 0 none, 1 the head (request or final response),
    /// 2 trailers. Informational responses do not count (RFC 9113 §8.1).
    var receivedBlocks: UInt8 = 0
    /// Whether we sent the final head (the request, or a response that is not
    /// informational): DATA may follow only then (§8.1).
    var sentHead = false
    /// Whether the request was CONNECT, and whether a 2xx answered it (one byte, next to
    /// the others: in the padding before `contentLength`).
    var connect = ConnectState.none
    /// RFC 9113 §8.1.1: DATA octets must add up to content-length.
    var contentLength: ContentLengthCheck
    /// Client role: the request was HEAD, so the response has no content (RFC 9110 §9.3.2).
    var isHeadRequest = false

    init(state: StreamState, sendWindow: Int, receiveWindow: Int, maxReceiveWindow: Int) {
        self.state = state
        self.sendWindow = FlowWindow(sendWindow)
        self.receiveWindow = ReceiveWindow(initial: receiveWindow, maximumTarget: maxReceiveWindow)
        self.contentLength = ContentLengthCheck(expected: nil)
    }
}

/// A stream's CONNECT state (RFC 9113 §8.5, RFC 8441 §4, §5).
enum ConnectState: UInt8, Sendable {
    /// Not a CONNECT request.
    case none
    /// The request was CONNECT, plain or extended; no 2xx response yet.
    case requested
    /// A 2xx response answered the CONNECT: a "connected stream" (a tunnel), where only
    /// DATA and RST_STREAM, WINDOW_UPDATE, PRIORITY may follow (RFC 9113 §8.5).
    case tunnel
}

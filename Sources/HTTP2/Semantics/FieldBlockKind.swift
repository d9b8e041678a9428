/// What a received field block is for, in the sequence of RFC 9113 §8.1: a message head
/// (request, or response with interim 1xx heads before the final one), then optionally
/// a trailer section.
public enum FieldBlockKind: Hashable, Sendable {
    /// The head of a request, received by a server (§8.3.1).
    case request
    /// A response head, received by a client (§8.3.2). `informationalAllowed` is false when
    /// the HEADERS frame has END_STREAM: a 1xx status there is malformed (§8.1).
    case response(informationalAllowed: Bool)
    /// A trailer section: no pseudo-header fields (§8.1).
    case trailers

    /// The kind of the next HEADERS field block that an endpoint of `role` receives on a
    /// stream, and the §8.1 framing rule on END_STREAM.
    ///
    /// - Parameters:
    ///   - role: the receiving endpoint; a server receives requests, a client responses.
    ///   - headReceived: for a server, the request head was already received; for a client,
    ///     a final (non-1xx) response head was. Interim 1xx heads do not count.
    ///   - endStream: the HEADERS frame carries END_STREAM.
    /// - Returns: the kind, or a malformed-message error: RFC 9113 §8.1 says a HEADERS
    ///   frame without END_STREAM after the request head or the final response is malformed.
    public static func next(receivedBy role: Role, headReceived: Bool, endStream: Bool)
        -> Result<FieldBlockKind, MessageError>
    {
        if headReceived {
            guard endStream else {
                // RFC 9113 §8.1: trailers end the stream; anything else is malformed.
                return .failure(MessageError(.invalidFraming, "HEADERS after the message head without END_STREAM"))
            }
            return .success(.trailers)
        }
        switch role {
        case .server: return .success(.request)
        case .client: return .success(.response(informationalAllowed: !endStream))
        }
    }
}

/// What `MessageValidator.validate(_:as:requestMethod:extendedConnectEnabled:)` found.
public enum ValidatedFieldBlock: Sendable, Equatable {
    case request(RequestHead)
    case response(ResponseHead)
    case trailers
}

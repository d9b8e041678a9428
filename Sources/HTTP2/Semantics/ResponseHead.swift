import HPACK

/// A response field block that passed `MessageValidator.validateResponse`: its status
/// (RFC 9113 §8.3.2) and what it means for the content, with the full list as decoded.
public struct ResponseHead: Sendable, Equatable {
    /// `:status`, three digits, 100...999 (RFC 9110 §15; 101 is refused, RFC 9113 §8.6).
    /// RFC 9110 §15 says a client SHOULD handle a code above 599 as a 5xx.
    public let status: Int
    /// The content-length, when the response has one and it means something: it is nil
    /// for a 2xx response to CONNECT, where RFC 9110 §9.3.6 says a client MUST ignore it.
    public let contentLength: Int?
    /// True for 1xx: an interim response, another response head follows (§8.1).
    public let isInformational: Bool
    /// True when the response is defined as having no content: a response to HEAD, or
    /// status 1xx, 204 or 304 (§8.1.1, RFC 9110 §6.4.1). Its content-length may be non-zero.
    public let hasNoContent: Bool
    /// True for a 2xx response to CONNECT: the stream is now a tunnel (§8.5, RFC 8441 §5).
    public let isTunnel: Bool
    /// The whole field block as decoded, `:status` first.
    public let headers: HeaderList
    /// The index in `headers` of the first regular field (1 after validation).
    public let firstRegularFieldIndex: Int

    init(status: Int, contentLength: Int?, isInformational: Bool, hasNoContent: Bool, isTunnel: Bool,
         headers: HeaderList, firstRegularFieldIndex: Int) {
        self.status = status
        self.contentLength = contentLength
        self.isInformational = isInformational
        self.hasNoContent = hasNoContent
        self.isTunnel = isTunnel
        self.headers = headers
        self.firstRegularFieldIndex = firstRegularFieldIndex
    }

    /// The DATA octet counter for this response's content (§8.1.1): 0 octets for a
    /// response with no content (whatever its content-length says), no limit for a tunnel,
    /// else the content-length if any.
    public var contentLengthCheck: ContentLengthCheck {
        if isTunnel { return ContentLengthCheck(expected: nil) }
        if hasNoContent { return ContentLengthCheck(expected: 0) }
        return ContentLengthCheck(expected: contentLength)
    }
}

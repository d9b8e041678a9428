import HPACK

/// A request field block that passed `MessageValidator.validateRequest`: its control
/// data (RFC 9113 §8.3.1) pulled out, and the full list as decoded.
///
/// The pseudo-header fields are given as `String`s, decoded as UTF-8 (a byte that is not
/// UTF-8 becomes U+FFFD); `pathBytes` and `authorityBytes` give the exact octets.
public struct RequestHead: Sendable, Equatable {
    /// `:method`, a token (RFC 9110 §9.1; methods are case-sensitive).
    public let method: String
    /// `:scheme`, nil only for a CONNECT request (§8.5).
    public let scheme: String?
    /// `:authority`, nil when the request has none (§8.3.1; `targetAuthority` falls back to Host).
    public let authority: String?
    /// `:path`, nil only for a CONNECT request (§8.5). "*" for an asterisk-form OPTIONS.
    public let path: String?
    /// `:protocol` of an extended CONNECT request (RFC 8441 §4), e.g. "websocket".
    public let `protocol`: String?
    /// The content-length, when the request has one (§8.1.1).
    public let contentLength: Int?
    /// True when `:method` is CONNECT, with or without `:protocol` (§8.5, RFC 8441).
    public let isConnect: Bool
    /// The whole field block as decoded, pseudo-header fields first.
    public let headers: HeaderList
    /// The index in `headers` of the first regular field: `headers[firstRegularFieldIndex...]`
    /// are the header fields, the pseudo-header fields are before it (§8.3).
    public let firstRegularFieldIndex: Int

    let pathIndex: Int?
    let authorityIndex: Int?
    let hostIndex: Int?

    init(method: String, scheme: String?, authority: String?, path: String?, protocol: String?,
         contentLength: Int?, isConnect: Bool, headers: HeaderList, firstRegularFieldIndex: Int,
         pathIndex: Int?, authorityIndex: Int?, hostIndex: Int?) {
        self.method = method
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.protocol = `protocol`
        self.contentLength = contentLength
        self.isConnect = isConnect
        self.headers = headers
        self.firstRegularFieldIndex = firstRegularFieldIndex
        self.pathIndex = pathIndex
        self.authorityIndex = authorityIndex
        self.hostIndex = hostIndex
    }

    /// True for an extended CONNECT request, which carries `:protocol` (RFC 8441 §4).
    public var isExtendedConnect: Bool { `protocol` != nil }

    /// True for a plain CONNECT request: a tunnel to `authority` (§8.5).
    public var isTunnel: Bool { isConnect && `protocol` == nil }

    /// The exact octets of `:path`.
    public var pathBytes: ArraySlice<UInt8>? { pathIndex.map { headers.valueBytes(at: $0) } }

    /// The exact octets of `:authority`.
    public var authorityBytes: ArraySlice<UInt8>? { authorityIndex.map { headers.valueBytes(at: $0) } }

    /// The Host header field, if present (there is at most one after validation).
    public var host: String? {
        hostIndex.map { String(decoding: headers.valueBytes(at: $0), as: UTF8.self) }
    }

    /// The authority of the target URI: `:authority`, else the Host field. RFC 9113 §8.3.1:
    /// a recipient MUST NOT use Host to determine the target URI when `:authority` is present.
    public var targetAuthority: String? { authority ?? host }

    /// The DATA octet counter for this request's content (§8.1.1). A CONNECT request is a
    /// tunnel (§8.5): its DATA frames are not content, so nothing is held to a length.
    public var contentLengthCheck: ContentLengthCheck {
        ContentLengthCheck(expected: isConnect ? nil : contentLength)
    }
}

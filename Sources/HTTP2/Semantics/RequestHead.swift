import HPACK

/// A request field block that passed `MessageValidator.validateRequest`: its control
/// data (RFC 9113 §8.3.1) pulled out, and the full list as decoded.
///
/// The pseudo-header fields are given as `String`s, decoded as UTF-8 (a byte that is not
/// UTF-8 becomes U+FFFD); `pathBytes` and `authorityBytes` give the exact octets.
public struct RequestHead: Sendable, Equatable {
    /// `:method`, a token (RFC 9110 §9.1; methods are case-sensitive).
    public var method: String { string(methodIndex) ?? "" }
    /// `:scheme`, nil only for a CONNECT request (§8.5).
    public var scheme: String? { string(schemeIndex) }
    /// `:authority`, nil when the request has none (§8.3.1; `targetAuthority` falls back to Host).
    public var authority: String? { string(authorityIndex) }
    /// `:path`, nil only for a CONNECT request (§8.5). "*" for an asterisk-form OPTIONS.
    public var path: String? { string(pathIndex) }
    /// `:protocol` of an extended CONNECT request (RFC 8441 §4), e.g. "websocket".
    public var `protocol`: String? { string(protocolIndex) }
    /// The content-length, when the request has one (§8.1.1).
    public let contentLength: Int?
    /// True when `:method` is CONNECT, with or without `:protocol` (§8.5, RFC 8441).
    public let isConnect: Bool
    /// The whole field block as decoded, pseudo-header fields first.
    public let headers: HeaderList
    /// The index in `headers` of the first regular field: `headers[firstRegularFieldIndex...]`
    /// are the header fields, the pseudo-header fields are before it (§8.3).
    public let firstRegularFieldIndex: Int

    // Where the pseudo-header fields are in `headers`: the strings above are made only
    // when asked for, so validating a request allocates nothing.
    let methodIndex: Int
    let schemeIndex: Int?
    let authorityIndex: Int?
    let pathIndex: Int?
    let protocolIndex: Int?
    let hostIndex: Int?

    init(methodIndex: Int, schemeIndex: Int?, authorityIndex: Int?, pathIndex: Int?, protocolIndex: Int?,
         contentLength: Int?, isConnect: Bool, headers: HeaderList, firstRegularFieldIndex: Int, hostIndex: Int?) {
        self.methodIndex = methodIndex
        self.schemeIndex = schemeIndex
        self.authorityIndex = authorityIndex
        self.pathIndex = pathIndex
        self.protocolIndex = protocolIndex
        self.contentLength = contentLength
        self.isConnect = isConnect
        self.headers = headers
        self.firstRegularFieldIndex = firstRegularFieldIndex
        self.hostIndex = hostIndex
    }

    private func string(_ index: Int?) -> String? {
        index.map { String(decoding: headers.valueBytes(at: $0), as: UTF8.self) }
    }

    /// The exact octets of `:method`.
    public var methodBytes: ArraySlice<UInt8> { headers.valueBytes(at: methodIndex) }

    /// True for an extended CONNECT request, which carries `:protocol` (RFC 8441 §4).
    public var isExtendedConnect: Bool { protocolIndex != nil }

    /// True for a plain CONNECT request: a tunnel to `authority` (§8.5).
    public var isTunnel: Bool { isConnect && protocolIndex == nil }

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

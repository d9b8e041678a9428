import HPACK
import NIOCore

/// The HTTP version a request arrived over.
public enum HTTPVersionKind: String, Sendable, Hashable {
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// A request as a handler sees it, the same for HTTP/2 and HTTP/1.1: the control data,
/// the header fields, and the body as an `AsyncSequence` of chunks.
public struct HTTPRequest: Sendable {
    /// The method, e.g. "GET" (case-sensitive, RFC 9110 §9.1).
    public var method: String
    /// The request target's path and query, e.g. "/hello?x=1" ("*" for OPTIONS *).
    public var path: String
    /// `:authority` (HTTP/2) or the Host field (HTTP/1.1), when present.
    public var authority: String?
    /// "https" or "http".
    public var scheme: String
    /// The header fields, without HTTP/2 pseudo-header fields; names are lowercase.
    public var headers: [HeaderField]
    public var version: HTTPVersionKind
    /// The body; iterate it to read. Flow-control credit goes back to the peer as the
    /// chunks are consumed, so a slow reader slows the sender down.
    public var body: RequestBody
    /// The peer's address, e.g. "127.0.0.1:52144", when known.
    public var remoteAddress: String?

    public init(method: String, path: String, authority: String?, scheme: String, headers: [HeaderField],
                version: HTTPVersionKind, body: RequestBody, remoteAddress: String? = nil) {
        self.method = method
        self.path = path
        self.authority = authority
        self.scheme = scheme
        self.headers = headers
        self.version = version
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of a header field (names compare case-insensitively).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.name.lowercased() == lower })?.value
    }

    /// The path without the query.
    public var pathWithoutQuery: Substring {
        path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }
}

/// A request handler: answer through the writer. Throwing before the response head was
/// written gives a 500; after it, the stream is reset (HTTP/2) or the connection closed
/// (HTTP/1.1). The task running it is cancelled when the peer resets the stream or the
/// connection ends.
public typealias HTTPHandler = @Sendable (HTTPRequest, ResponseWriter) async throws -> Void

/// Why a write or a body read failed.
public enum HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer reset the stream (HTTP/2 RST_STREAM, with its code).
    case streamReset(code: UInt32)
    /// The connection is gone.
    case connectionClosed
    /// The response head was already written / not yet written / the response is finished.
    case headAlreadySent
    case headNotSent
    case responseFinished
    /// The request body is larger than the caller allowed.
    case bodyTooLarge

    public var description: String {
        switch self {
        case .streamReset(let code): return "stream reset by the peer (code \(code))"
        case .connectionClosed: return "connection closed"
        case .headAlreadySent: return "the response head was already written"
        case .headNotSent: return "the response head was not written yet"
        case .responseFinished: return "the response is finished"
        case .bodyTooLarge: return "request body too large"
        }
    }
}

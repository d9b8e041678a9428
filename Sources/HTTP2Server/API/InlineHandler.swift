import HPACK
import HTTP2
import NIOCore

/// The control data of a request, for an `InlineHandler`.
public struct InlineRequest: Sendable {
    /// The method, e.g. "GET".
    public var method: String
    /// The path and query, e.g. "/hello.txt?x=1".
    public var path: String
    public var version: HTTPVersionKind

    /// Authority and scheme are made into strings only when asked for (most inline
    /// handlers never look at them).
    enum Rest: Sendable {
        case values(authority: String?, scheme: String)
        case head(RequestHead, defaultScheme: String)
    }
    var rest: Rest

    /// `:authority` (HTTP/2) or the Host field (HTTP/1.1), when present.
    public var authority: String? {
        get {
            switch rest {
            case .values(let authority, _): return authority
            case .head(let head, _): return head.targetAuthority
            }
        }
        set { rest = .values(authority: newValue, scheme: scheme) }
    }

    /// "https" or "http".
    public var scheme: String {
        get {
            switch rest {
            case .values(_, let scheme): return scheme
            case .head(let head, let defaultScheme): return head.scheme ?? defaultScheme
            }
        }
        set { rest = .values(authority: authority, scheme: newValue) }
    }

    public init(method: String, path: String, authority: String? = nil, scheme: String = "https",
                version: HTTPVersionKind = .http2) {
        self.method = method
        self.path = path
        self.version = version
        self.rest = .values(authority: authority, scheme: scheme)
    }

    /// An HTTP/2 request head.
    init(head: RequestHead, defaultScheme: String) {
        method = head.method
        path = head.path ?? ""
        version = .http2
        rest = .head(head, defaultScheme: defaultScheme)
    }

    /// The control data of a full request.
    public init(_ request: HTTPRequest) {
        self.init(method: request.method, path: request.path, authority: request.authority,
                  scheme: request.scheme, version: request.version)
    }

    /// The path without the query.
    public var pathWithoutQuery: Substring {
        path[..<(path.utf8.firstIndex(of: UInt8(ascii: "?")) ?? path.endIndex)]
    }
}

/// A whole response (status, header fields, a small body) made at once. Its HTTP/2 field
/// block is built when it is made, so a cached response costs nothing to send again (and
/// copying one is a single reference count).
public struct InlineResponse: Sendable {
    final class Storage: Sendable {
        let status: Int
        let headers: [HeaderField]
        let body: ByteBuffer
        let head: HeaderList

        init(status: Int, headers: [HeaderField], body: ByteBuffer, head: HeaderList) {
            self.status = status
            self.headers = headers
            self.body = body
            self.head = head
        }
    }

    let storage: Storage

    public var status: Int { storage.status }
    /// The header fields as given, with content-length added when missing.
    public var headers: [HeaderField] { storage.headers }
    public var body: ByteBuffer { storage.body }
    /// `:status` then the header fields, lowercase, without connection-specific fields
    /// (RFC 9113 §8.2.2, §8.3.2).
    var head: HeaderList { storage.head }

    public init(status: Int, headers: [HeaderField] = [], body: ByteBuffer = ByteBuffer()) {
        var fields = headers
        if !fields.contains(where: { $0.name.lowercased() == "content-length" }) {
            fields.append(HeaderField("content-length", String(body.readableBytes)))
        }
        storage = Storage(status: status, headers: fields, body: body,
                          head: HTTP2ServerHandler.responseHead(status: status, headers: fields))
    }

    public init(status: Int, headers: [HeaderField] = [], body: String) {
        self.init(status: status, headers: headers, body: ByteBuffer(string: body))
    }

    /// Sends it through a response writer (the async path gives the same answer).
    public func send(to response: ResponseWriter) async throws {
        try await response.respond(status: status, headers: headers, body: body)
    }
}

/// Answers a request at once, on the connection's event loop, without starting a task for
/// it; or returns nil, and the request goes to the async `HTTPHandler` as usual. It is
/// asked only for HTTP/2 requests without a body whose connection can take output now, and
/// only sees the control data. It runs on the event loop that serves every connection of
/// that loop: it must not block or take long (a cache lookup and a `stat`, as
/// `StaticFiles.inlineResponse` does, are fine). For a HEAD request the body is not sent.
/// The async handler must give the same answers: HTTP/1.1 requests, and HTTP/2 requests
/// when the inline path is not taken (a request body, a connection that is not writable),
/// go to it.
public typealias InlineHandler = @Sendable (InlineRequest) -> InlineResponse?

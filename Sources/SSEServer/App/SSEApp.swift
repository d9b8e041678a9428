import HPACK
import HTTP2Server
import NIOCore
import Synchronization

/// What the sse-server app needs to know besides the server's own configuration.
public struct SSEAppConfiguration: Sendable {
    /// Time between two tokens of /stream-ai, unless `?interval=` (ms) says otherwise,
    /// within `intervalRange`.
    public var defaultInterval: Duration = .milliseconds(200)
    public var intervalRange: ClosedRange<Int> = 10...60_000
    /// A comment (`: ping`) goes out this often on every stream.
    public var heartbeat: Duration = .seconds(15)
    /// The `retry:` hint: how long a client waits before it reconnects (ms).
    public var retryMilliseconds = 2000
    /// Generators running at once, across connections; beyond, /stream-ai answers 503.
    public var maxStreams = 100_000
    /// The most tokens `?tokens=N` may ask for.
    public var maxTokens = 10_000_000
    /// For /whoami: how the server is set up.
    public var tls = true
    public var alpnOffers: [String] = ["h2", "http/1.1"]
    public var maxConcurrentStreams = 1000

    public init() {}
}

/// The sse-server's routes: the dashboard (`/`), `/whoami`, `/stream-ai`, `/metrics`,
/// and everything else from the document root when there is one.
public final class SSEApp: Sendable {
    public let configuration: SSEAppConfiguration
    public let metrics: SSEMetrics
    public let history: HistoryStore
    public let files: StaticFiles?
    let runningStreams = Atomic<Int>(0)
    /// The timer every stream sleeps on between tokens.
    let pacer = Pacer()

    public init(configuration: SSEAppConfiguration = SSEAppConfiguration(), metrics: SSEMetrics = SSEMetrics(),
                history: HistoryStore = HistoryStore(), files: StaticFiles? = nil) {
        self.configuration = configuration
        self.metrics = metrics
        self.history = history
        self.files = files
    }

    /// The handler to give an `HTTP2Server`.
    ///
    /// An SSE stream goes straight from here to `SSEStream.run`: every async frame on the
    /// way stays allocated (in the task's 1 KiB allocator slabs) for as long as the stream
    /// is open, so the route is chosen by a plain function and the frames are kept few and
    /// small. A stream then fits in the task's first slab.
    public var handler: HTTPHandler {
        { [self] request, response in
            if let stream = self.startStream(request, response) {
                try await stream.run()
            } else {
                try await self.handle(request, response)
            }
        }
    }

    static let dashboard = ByteBuffer(string: DashboardPage.html)

    public func handle(_ request: HTTPRequest, _ response: ResponseWriter) async throws {
        let peer = request.remoteAddress ?? "unknown"
        let wire: WireProtocol = request.version == .http2 ? .h2 : .http11
        metrics.requestStarted(peer: peer, over: wire)
        defer { metrics.requestEnded(peer: peer) }
        switch request.pathWithoutQuery {
        case "/", "/index.html":
            guard try await allowGet(request, response) else { return }
            try await response.respond(status: 200, headers: [
                HeaderField("content-type", "text/html; charset=utf-8"),
                HeaderField("cache-control", "no-store"),
            ], body: Self.dashboard)
        case "/stream-ai":
            guard try await allowGet(request, response) else { return }
            try await streamRoute(request, response, peer: peer, wire: wire)
        case "/whoami":
            guard try await allowGet(request, response) else { return }
            try await response.respond(status: 200, headers: [
                HeaderField("content-type", "application/json"),
                HeaderField("cache-control", "no-store"),
            ], body: whoami(request, wire: wire))
        case "/metrics":
            guard try await allowGet(request, response) else { return }
            try await response.respond(status: 200, headers: [
                HeaderField("content-type", "text/plain; version=0.0.4; charset=utf-8"),
                HeaderField("cache-control", "no-store"),
            ], body: metrics.render())
        default:
            if let files {
                try await files.serve(request, response)
            } else {
                try await response.respond(status: 404, headers: [HeaderField("content-type", "text/plain")],
                                           body: "not found\n")
            }
        }
    }

    /// Answers 405 to methods other than GET and HEAD.
    func allowGet(_ request: HTTPRequest, _ response: ResponseWriter) async throws -> Bool {
        if request.method == "GET" || request.method == "HEAD" { return true }
        try await response.respond(status: 405, headers: [HeaderField("allow", "GET, HEAD"),
                                                          HeaderField("content-type", "text/plain")],
                                   body: "method not allowed\n")
        return false
    }

    func whoami(_ request: HTTPRequest, wire: WireProtocol) -> String {
        var fields: [(String, String)] = [
            ("protocol", JSON.string(wire.rawValue)),
            ("version", JSON.string(request.version.rawValue)),
            ("scheme", JSON.string(request.scheme)),
            ("tls", configuration.tls ? "true" : "false"),
            ("alpn_offers", "[" + configuration.alpnOffers.map(JSON.string).joined(separator: ",") + "]"),
            ("max_concurrent_streams", String(configuration.maxConcurrentStreams)),
            ("streams_open", String(runningStreams.load(ordering: .relaxed))),
        ]
        if let remote = request.remoteAddress { fields.append(("remote", JSON.string(remote))) }
        if let authority = request.authority { fields.append(("authority", JSON.string(authority))) }
        return "{" + fields.map { "\(JSON.string($0.0)):\($0.1)" }.joined(separator: ",") + "}\n"
    }
}

/// Just enough JSON for /whoami.
enum JSON {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

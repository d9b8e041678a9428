#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import HTTP2Server
import NIOPosix
import Testing
@testable import SSEServer

/// Blocking client sockets run on these threads, never on the cooperative pool that runs
/// the server's handlers.
let clientThreads: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 4)
    pool.start()
    return pool
}()

func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await clientThreads.runIfActive(body)
}

struct ClientFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A blocking HTTP/1.1 client over cleartext TCP, enough for the routes of the app:
/// one request, the response head, then the body (chunked or sized) read incrementally.
final class HTTP1Client: @unchecked Sendable {
    let fd: Int32
    var buffer: [UInt8] = []
    var status = 0
    var headers: [(String, String)] = []
    var chunked = false
    var remaining: Int?
    var bodyDone = false

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientFailure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ClientFailure("connect: errno \(errno)")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func header(_ name: String) -> String? { headers.first(where: { $0.0 == name })?.1 }

    func send(_ path: String, method: String = "GET", headers extra: [(String, String)] = []) throws {
        var text = "\(method) \(path) HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        for (name, value) in extra { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw ClientFailure("send")
        }
        try readHead(isHead: method == "HEAD")
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ClientFailure(count == 0 ? "connection closed" : "recv: errno \(errno)") }
        buffer += chunk[0..<count]
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<index])
                buffer.removeFirst(index + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            try fill()
        }
    }

    private func readHead(isHead: Bool) throws {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { throw ClientFailure("bad status line \(statusLine)") }
        status = code
        headers = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingSpaces()))
        }
        chunked = header("transfer-encoding")?.lowercased() == "chunked"
        remaining = chunked ? nil : Int(header("content-length") ?? "0")
        bodyDone = isHead || (!chunked && remaining == 0)
    }

    /// The next piece of the body; nil at its end.
    func nextBodyPiece() throws -> [UInt8]? {
        if bodyDone { return nil }
        if chunked {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw ClientFailure("chunk size \(sizeLine)") }
            if size == 0 {
                _ = try readLine()
                bodyDone = true
                return nil
            }
            while buffer.count < size + 2 { try fill() }
            let piece = Array(buffer[0..<size])
            buffer.removeFirst(size + 2)
            return piece
        }
        if buffer.isEmpty { try fill() }
        let count = min(buffer.count, remaining ?? buffer.count)
        let piece = Array(buffer[0..<count])
        buffer.removeFirst(count)
        remaining = (remaining ?? count) - count
        if remaining == 0 { bodyDone = true }
        return piece
    }

    func readBody() throws -> String {
        var all: [UInt8] = []
        while let piece = try nextBodyPiece() { all += piece }
        return String(decoding: all, as: UTF8.self)
    }

    /// Reads SSE until `done` says so; the parser keeps what came.
    func readEvents(into parser: inout EventStreamParser, until done: (EventStreamParser) -> Bool) throws {
        while !done(parser) {
            guard let piece = try nextBodyPiece() else { return }
            parser.feed(piece)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// Runs `body` with an sse-server app on a cleartext port.
func withApp(_ configure: (inout SSEAppConfiguration) -> Void = { _ in },
             _ body: @escaping @Sendable (SSEApp, Int) async throws -> Void) async throws {
    var appConfiguration = SSEAppConfiguration()
    appConfiguration.tls = false
    configure(&appConfiguration)
    let app = SSEApp(configuration: appConfiguration)
    var configuration = ServerConfiguration.plaintext(port: 0)
    configuration.threads = 1
    configuration.gracePeriod = .milliseconds(200)
    let server = HTTP2Server(configuration: configuration, handler: app.handler)
    // Weak: the server holds the app's handler and the app holds this closure; a strong
    // capture would be a cycle that keeps the server and its event loop group alive
    // (LeakSanitizer reports it in Scripts/sanitizers.sh).
    app.metrics.setServerConnectionCount { [weak server] in server?.connectionCount ?? 0 }
    let address = try await server.start()
    do {
        try await body(app, address.port ?? 0)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

/// Polls `condition` for up to `seconds`.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite("sse-server routes over HTTP/1.1 (end to end)", .serialized)
struct EndToEndTests {
    @Test("/stream-ai: the SSE headers, a retry hint, sequential ids, and `done` after ?tokens=N")
    func stream() async throws {
        try await withApp { app, port in
            let (client, parser) = try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/stream-ai?id=5&interval=10&tokens=4")
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { _ in false }
                return (client, parser)
            }
            #expect(client.status == 200)
            #expect(client.header("content-type") == "text/event-stream")
            #expect(client.header("cache-control") == "no-cache")
            #expect(client.header("x-accel-buffering") == "no")
            #expect(parser.retry == app.configuration.retryMilliseconds)
            let messages = parser.events.filter { $0.type == "message" }
            #expect(messages.count == 4)
            let ids = messages.compactMap { EventID($0.lastEventID) }
            #expect(ids.map(\.sequence) == [1, 2, 3, 4])
            #expect(Set(ids.map(\.session)).count == 1)
            #expect(parser.events.last?.type == "done")
            #expect(await eventually(within: 5) { app.metrics.snapshot().streamsCompleted["http/1.1"] == 1 })
            #expect(app.metrics.snapshot().eventsSent == 4)
        }
    }

    @Test("the first event comes with the response head, not after the first interval")
    func firstEventAtOnce() async throws {
        try await withApp { _, port in
            let elapsed = try await blocking {
                let client = try HTTP1Client(port: port)
                let start = ContinuousClock.now
                try client.send("/stream-ai?id=1&interval=60000")
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { !$0.events.isEmpty }
                return ContinuousClock.now - start
            }
            #expect(elapsed < .seconds(1), "first event after \(elapsed)")
        }
    }

    @Test("Last-Event-ID: the missed events are replayed from the history, then the answer goes on")
    func resume() async throws {
        try await withApp { app, port in
            let first = try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/stream-ai?id=r&interval=10&tokens=6")
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { _ in false }
                return parser.events.filter { $0.type == "message" }
            }
            #expect(first.count == 6)
            guard let lastSeen = EventID(first[1].lastEventID) else {
                Issue.record("no id")
                return
            }
            let second = try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/stream-ai?id=r&interval=10&tokens=8", headers: [("last-event-id", lastSeen.description)])
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { _ in false }
                return parser.events.filter { $0.type == "message" }
            }
            // Events 3...6 come again (same ids, same data), then 7 and 8 are new.
            #expect(second.map(\.lastEventID) == (3...8).map { "\(lastSeen.session).\($0)" })
            #expect(Array(second.prefix(4)) == Array(first[2...]))
            #expect(app.metrics.snapshot().eventsReplayed == 4)
            #expect(app.metrics.snapshot().streamsResumed["http/1.1"] == 1)
        }
    }

    @Test("a `: ping` comment goes out every heartbeat")
    func heartbeat() async throws {
        try await withApp({ $0.heartbeat = .milliseconds(30) }) { app, port in
            let parser = try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/stream-ai?interval=60000")
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { $0.comments.filter { $0 == "ping" }.count >= 2 }
                return parser
            }
            #expect(parser.comments.filter { $0 == "ping" }.count >= 2)
            #expect(parser.events.count == 1)
            #expect(app.metrics.snapshot().heartbeats >= 2)
        }
    }

    @Test("a client that goes away cancels the generator, and /metrics counts it")
    func cancellation() async throws {
        try await withApp { app, port in
            try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/stream-ai?interval=20")
                var parser = EventStreamParser()
                try client.readEvents(into: &parser) { $0.events.count >= 2 }
            }  // the client (and its socket) is gone here
            #expect(await eventually(within: 5) { app.metrics.snapshot().streamsCancelled["http/1.1"] == 1 })
            #expect(app.metrics.snapshot().streamsOpen["http/1.1"] == 0)
            let metrics = try await blocking {
                let client = try HTTP1Client(port: port)
                try client.send("/metrics")
                return try client.readBody()
            }
            #expect(metrics.contains("sse_streams_cancelled_total{protocol=\"http/1.1\"} 1\n"))
            #expect(metrics.contains("sse_stream_connections_total{protocol=\"http/1.1\"} 1\n"))
        }
    }

    @Test("beyond --max-streams generators, /stream-ai answers 503 and counts a refusal")
    func refusal() async throws {
        try await withApp({ $0.maxStreams = 1 }) { app, port in
            let status = try await blocking {
                let holder = try HTTP1Client(port: port)
                try holder.send("/stream-ai?interval=60000")
                var parser = EventStreamParser()
                try holder.readEvents(into: &parser) { !$0.events.isEmpty }
                let second = try HTTP1Client(port: port)
                try second.send("/stream-ai")
                _ = try second.readBody()
                return (second.status, second.header("retry-after"))
            }
            #expect(status.0 == 503)
            #expect(status.1 == "1")
            #expect(app.metrics.snapshot().streamsRefused == 1)
        }
    }

    @Test("/, /whoami, /metrics, 400, 404, 405 and HEAD")
    func routes() async throws {
        try await withApp { _, port in
            let results = try await blocking { () -> [String: (Int, String, String?)] in
                var results: [String: (Int, String, String?)] = [:]
                for (method, path) in [("GET", "/"), ("GET", "/whoami"), ("GET", "/metrics"), ("GET", "/nope"),
                                       ("POST", "/stream-ai"), ("GET", "/stream-ai?interval=x"), ("HEAD", "/stream-ai")] {
                    let client = try HTTP1Client(port: port)
                    try client.send(path, method: method)
                    results["\(method) \(path)"] = (client.status, try client.readBody(), client.header("content-type"))
                }
                return results
            }
            #expect(results["GET /"]?.0 == 200)
            #expect(results["GET /"]?.2 == "text/html; charset=utf-8")
            let page = results["GET /"]?.1 ?? ""
            for hook in ["id=\"protocol\"", "id=\"live-count\"", "id=\"pending-count\"", "new EventSource", "/whoami"] {
                #expect(page.contains(hook))
            }
            #expect(!page.contains("http://") && !page.contains("https://"), "no external resources")
            #expect(results["GET /whoami"]?.0 == 200)
            #expect(results["GET /whoami"]?.1.contains("\"protocol\":\"http/1.1\"") == true)
            #expect(results["GET /metrics"]?.2 == "text/plain; version=0.0.4; charset=utf-8")
            #expect(results["GET /nope"]?.0 == 404)
            #expect(results["POST /stream-ai"]?.0 == 405)
            #expect(results["GET /stream-ai?interval=x"]?.0 == 400)
            #expect(results["HEAD /stream-ai"]?.0 == 200)
            #expect(results["HEAD /stream-ai"]?.2 == "text/event-stream")
        }
    }
}

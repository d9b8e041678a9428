// h2-peer: the HTTP/2 engine over standard input and output, for interop tests with
// independent implementations (Python's h2): HTTP/2 bytes in on stdin, out on stdout,
// one JSON line per event on stderr.
//
//   h2-peer server [--max-concurrent-streams N] [--initial-window-size N]
//   h2-peer client [--after-settings] PATH...   GET each path (queued beyond the server's
//                                 limit); --after-settings: only once the server's SETTINGS came
//
// Server routes: /hello (text), /stream?n=K (K SSE events), /echo (POST: body back),
// /big?size=N (N octets), /trailers (body then trailers). Anything else: 404.
#if canImport(Glibc)
import Glibc
#endif
import HPACK
import HTTP2

func writeError(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(0x0a)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
}

func fail(_ message: String) -> Never {
    writeError("h2-peer: \(message)")
    exit(2)
}

func log(_ fields: [(String, String)]) {
    writeError("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
}

func quoted(_ text: String) -> String {
    var out = "\""
    for character in text.unicodeScalars {
        switch character {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where character.value < 0x20: out += "?"
        default: out.unicodeScalars.append(character)
        }
    }
    return out + "\""
}

/// Monotonic nanoseconds.
func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

func writeAll(_ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
        let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
        if written <= 0 { exit(0) }
        offset += written
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first, mode == "server" || mode == "client" else {
    fail("usage: h2-peer server [--max-concurrent-streams N] [--initial-window-size N] | h2-peer client PATH...")
}
arguments.removeFirst()

@MainActor
func option(_ name: String) -> Int? {
    guard let index = arguments.firstIndex(of: name) else { return nil }
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value >= 0 else {
        fail("\(name) needs a non-negative number")
    }
    arguments.removeSubrange(index...(index + 1))
    return value
}

var afterSettings = false
if let index = arguments.firstIndex(of: "--after-settings") {
    afterSettings = true
    arguments.remove(at: index)
}
var configuration = mode == "server" ? ConnectionConfiguration.server(maxConcurrentStreams: option("--max-concurrent-streams") ?? 100)
    : ConnectionConfiguration.client()
if let window = option("--initial-window-size") { configuration.settings.initialWindowSize = window }
if let unknown = arguments.first(where: { $0.hasPrefix("--") }) { fail("unknown option \(unknown)") }

var connection = Connection(role: mode == "server" ? .server : .client, configuration: configuration, now: now())
var bodies: [StreamID: [UInt8]] = [:]
var heads: [StreamID: RequestHead] = [:]
var remainingRequests = 0
var pendingBodies: [StreamID: (bytes: [UInt8], offset: Int)] = [:]

@MainActor
func sendRequests() {
    for path in arguments {
        do {
            let id = try connection.sendRequest([HeaderField(":method", "GET"), HeaderField(":scheme", "http"),
                                                 HeaderField(":authority", "localhost"), HeaderField(":path", path)],
                                                endStream: true, now: now())
            log([("event", quoted("request")), ("stream", "\(id.rawValue)"), ("path", quoted(path)),
                 ("queued", connection.state(of: id) == .idle ? "true" : "false")])
            remainingRequests += 1
        } catch {
            fail("cannot send request: \(error)")
        }
    }
}

if mode == "client" {
    if arguments.isEmpty { fail("client needs at least one path") }
    if !afterSettings { sendRequests() }
}

/// Server role: answers a complete request.
@MainActor
func respond(_ id: StreamID, _ head: RequestHead, body: [UInt8]) throws {
    let path = head.path ?? "/"
    let route = path.split(separator: "?").first.map(String.init) ?? path
    let query = path.split(separator: "?").dropFirst().first.map(String.init) ?? ""
    func number(_ key: String) -> Int {
        for pair in query.split(separator: "&") where pair.hasPrefix("\(key)=") { return Int(pair.dropFirst(key.count + 1)) ?? 0 }
        return 0
    }
    switch route {
    case "/hello":
        try connection.sendHeaders([HeaderField(":status", "200"), HeaderField("content-type", "text/plain")], on: id, endStream: false)
        try connection.sendData(Array("hello".utf8), on: id, endStream: true)
    case "/stream":
        try connection.sendHeaders([HeaderField(":status", "200"), HeaderField("content-type", "text/event-stream"),
                                    HeaderField("cache-control", "no-cache")], on: id, endStream: false)
        let count = max(1, number("n"))
        for index in 0..<count {
            try connection.sendData(Array("id: \(index)\ndata: token \(index)\n\n".utf8), on: id, endStream: index == count - 1)
        }
    case "/echo":
        try connection.sendHeaders([HeaderField(":status", "200"), HeaderField("content-length", "\(body.count)")], on: id, endStream: false)
        try connection.sendData(body, on: id, endStream: true)
    case "/big":
        // Written as the stream takes it (back-pressure: `isWritable`), see `writePending`.
        try connection.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        pendingBodies[id] = ((0..<number("size")).map { UInt8(truncatingIfNeeded: $0 &* 31) }, 0)
    case "/trailers":
        try connection.sendHeaders([HeaderField(":status", "200")], on: id, endStream: false)
        try connection.sendData(Array("body".utf8), on: id, endStream: false)
        try connection.sendHeaders([HeaderField("x-checksum", "abc123")], on: id, endStream: true)
    default:
        try connection.sendHeaders([HeaderField(":status", "404")], on: id, endStream: true)
    }
}

/// Writes pending bodies while their streams accept more.
@MainActor
func writePending() {
    for (id, pending) in pendingBodies {
        var offset = pending.offset
        while connection.isWritable(id) {
            let end = min(offset + 16_384, pending.bytes.count)
            let isLast = end == pending.bytes.count
            let chunk = Array(pending.bytes[offset..<end])
            do { try connection.sendData(chunk, on: id, endStream: isLast) } catch { break }
            offset = end
            if isLast { break }
        }
        pendingBodies[id] = offset == pending.bytes.count ? nil : (pending.bytes, offset)
    }
}

@MainActor
func flush() {
    connection.drainOutput { writeAll($0) }
}

flush()
var buffer = [UInt8](repeating: 0, count: 65_536)
while !connection.isClosed {
    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
    if count <= 0 { break }
    var complete: [(StreamID, RequestHead, [UInt8])] = []
    var finished = false
    var startRequests = false
    buffer.withUnsafeBytes { raw in
        connection.receive(UnsafeRawBufferPointer(rebasing: raw[0..<count]), now: now()) { event in
            switch event {
            case .request(let id, let head, let endStream):
                log([("event", quoted("request")), ("stream", "\(id.rawValue)"), ("method", quoted(head.method)),
                     ("path", quoted(head.path ?? ""))])
                if endStream { complete.append((id, head, [])) } else { heads[id] = head }
            case .data(let id, let bytes, let endStream):
                if mode == "server" {
                    bodies[id, default: []].append(contentsOf: bytes)
                    if endStream, let head = heads.removeValue(forKey: id) {
                        complete.append((id, head, bodies.removeValue(forKey: id) ?? []))
                    }
                } else {
                    bodies[id, default: []].append(contentsOf: bytes)
                }
            case .response(let id, let head, _):
                log([("event", quoted("response")), ("stream", "\(id.rawValue)"), ("status", "\(head.status)")])
            case .trailers(let id, let fields):
                log([("event", quoted("trailers")), ("stream", "\(id.rawValue)"), ("count", "\(fields.count)")])
            case .streamClosed(let id):
                log([("event", quoted("closed")), ("stream", "\(id.rawValue)"), ("bytes", "\(bodies[id]?.count ?? 0)")])
                bodies[id] = nil
                if mode == "client" {
                    remainingRequests -= 1
                    if remainingRequests == 0 { finished = true }
                }
            case .streamReset(let id, let code, let byPeer):
                log([("event", quoted("reset")), ("stream", "\(id.rawValue)"), ("code", quoted("\(code)")),
                     ("by_peer", byPeer ? "true" : "false")])
                if mode == "client" {
                    remainingRequests -= 1
                    if remainingRequests == 0 { finished = true }
                }
            case .requestStarted(let id, let waited):
                log([("event", quoted("started")), ("stream", "\(id.rawValue)"), ("waited_ns", "\(waited)")])
            case .settingsReceived(let settings):
                if afterSettings && mode == "client" && remainingRequests == 0 { startRequests = true }
                log([("event", quoted("settings")), ("max_concurrent_streams", "\(settings.maxConcurrentStreams ?? -1)")])
            case .goAwayReceived(let last, let code, _):
                log([("event", quoted("goaway")), ("last_stream", "\(last.rawValue)"), ("code", quoted("\(code)"))])
            case .connectionError(let error):
                log([("event", quoted("connection_error")), ("code", quoted("\(error.code)")), ("reason", quoted(error.reason))])
            default:
                break
            }
        }
    }
    for (id, head, body) in complete {
        do { try respond(id, head, body: body) } catch { log([("event", quoted("usage_error")), ("reason", quoted("\(error)"))]) }
    }
    if startRequests { sendRequests() }
    writePending()
    if finished { connection.close(code: .noError) { _ in } }
    flush()
}
flush()

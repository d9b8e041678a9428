// h2-server: serves --docroot and a few routes over HTTP/2 and HTTP/1.1 (TLS with ALPN,
// or cleartext with --plaintext). `h2-server --help` lists the flags.
import HPACK
import HTTP2Server
import HTTP2ServerCLI
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

let options = CommandLineParsing.parse(ServerOptions.self, program: "h2-server")
CommandLineParsing.bootstrapLogging(level: options.level)
let logger = Logger(label: "h2-server")

var notes: [String] = []
let configuration: ServerConfiguration
do {
    configuration = try options.configuration(notes: &notes)
} catch {
    printError("h2-server: \(error)")
    exit(1)
}
let files: StaticFiles?
do {
    files = try options.docroot.map { try StaticFiles(root: $0) }
} catch {
    printError("h2-server: \(error)")
    exit(2)
}

/// The demo routes below; everything else is a file. (On UTF-8 bytes: `hasPrefix` on a
/// Substring was 5% of the CPU time of a static file request.)
func isDemoRoute(_ path: Substring) -> Bool {
    func starts(_ bytes: Substring.UTF8View, _ prefix: StaticString, whole: Bool) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard whole ? bytes.count == count : bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { zip(bytes, $0).allSatisfy { $0 == $1 } }
    }
    let bytes = path.utf8
    return starts(bytes, "/hello", whole: true) || starts(bytes, "/echo", whole: true)
        || starts(bytes, "/bytes/", whole: false) || starts(bytes, "/sleep/", whole: false)
}

/// Static files (and their 404/405) answered at once on the event loop from the file cache:
/// no task per request. The async handler below gives the same answers (HTTP/1.1, large files).
let inlineHandler: InlineHandler?
if let files {
    inlineHandler = { request in
        isDemoRoute(request.pathWithoutQuery) ? nil : files.inlineResponse(to: request)
    }
} else {
    inlineHandler = nil
}

/// Demo routes: /hello; /echo (the request body back, streamed); /bytes/N (N octets);
/// /sleep/MS (answers after MS milliseconds); everything else from --docroot.
let handler: HTTPHandler = { request, response in
    let path = request.pathWithoutQuery
    if path == "/hello" {
        try await response.respond(status: 200, headers: [HeaderField("content-type", "text/plain; charset=utf-8")],
                                   body: "hello, world (\(request.version.rawValue))\n")
    } else if path == "/echo" {
        try await response.writeHead(status: 200, headers: [HeaderField("content-type", "application/octet-stream")])
        for try await chunk in request.body { try await response.write(chunk) }
        try await response.finish()
    } else if path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)), count >= 0, count <= 1 << 30 {
        try await response.writeHead(status: 200, headers: [HeaderField("content-type", "application/octet-stream"),
                                                            HeaderField("content-length", String(count))])
        let block = ByteBuffer(repeating: UInt8(ascii: "x"), count: 16 * 1024)
        var left = count
        while left > 0 {
            let size = min(left, block.readableBytes)
            try await response.write(block.getSlice(at: 0, length: size) ?? ByteBuffer())
            left -= size
        }
        try await response.finish()
    } else if path.hasPrefix("/sleep/"), let milliseconds = UInt64(path.dropFirst("/sleep/".count)), milliseconds <= 600_000 {
        try await Task.sleep(nanoseconds: milliseconds * 1_000_000)
        try await response.respond(status: 200, headers: [HeaderField("content-type", "text/plain")],
                                   body: "slept \(milliseconds) ms\n")
    } else if let files {
        try await files.serve(request, response)
    } else {
        try await response.respond(status: 404, headers: [HeaderField("content-type", "text/plain")], body: "not found\n")
    }
}

let signals = ShutdownSignal()  // before the "listening" line: a signal right after it is not lost
let server = HTTP2Server(configuration: configuration, logger: logger, inlineHandler: inlineHandler,
                         handler: handler)
do {
    let address = try await server.start()
    for note in notes { printLine(note) }
    let scheme = configuration.tls == nil ? "http" : "https"
    let protocols = configuration.tls?.alpnOffers.joined(separator: ", ") ?? "h2c prior knowledge, http/1.1"
    printLine("h2-server listening on \(scheme)://\(configuration.host):\(address.port ?? 0) (\(protocols))")
} catch {
    printError("h2-server: cannot listen on \(configuration.host):\(configuration.port): \(error)")
    exit(1)
}
await server.run(until: signals)
printLine("h2-server stopped")

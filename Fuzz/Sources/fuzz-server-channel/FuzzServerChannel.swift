// fuzz-server-channel: the cleartext server path of HTTP2Server (`--plaintext`), bytes in
// through the channel handlers, on NIO's NIOAsyncTestingChannel (the thread-safe sibling
// of EmbeddedChannel: the server's handlers run in Swift tasks, which call back into the
// event loop from other threads, which EmbeddedEventLoop does not allow).
//
// The pipeline is the one `HTTP2Server` builds for each accepted cleartext connection:
// `ConnectionSetup.initialize` (internal, hence `@testable import HTTP2Server`; run.sh
// builds with `-enable-testing`), i.e. HandshakeTimeoutHandler, then ProtocolSniffer, which
// installs HTTP2ServerHandler (the client preface: h2 with prior knowledge, RFC 9113 §3.3)
// or NIOHTTP1 + HTTP1ServerHandler (anything else).
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0   bits 0-1: what happens after the last chunk, before the close: 0 nothing;
//              1 ChannelShouldQuiesceEvent (graceful shutdown); 2 the virtual clock moves
//              11 s (the 10 s handshake timeout fires if the opening is not complete);
//              3 both
//            bit 2: a half-closure (ChannelEvent.inputClosed) after the last chunk
//            bits 3-7: unused
//   bytes 1-4  chunk sizes used in turn: n = 0 means 1 octet, n < 128 means n octets,
//              else (n - 127) * 256 octets
//   the rest   the client's bytes, fed in those chunks, each in an exactly sized ByteBuffer
//
// The application (`handle`) answers by path, and always the same way for the same
// request: "/" and others: 200 "ok"; /body: reads the whole body, answers its size;
// /big: 100,000 octets (it waits for flow-control credit); /stream: head, three chunks and
// trailers; /fail: throws before the head; /late-fail: head, a chunk, then throws; /none:
// returns without a response; /static/...: StaticFiles on a small docroot made once (a
// file, an index, a symlink out of it, a folder); /inline and /inline-empty: answered by
// the server's synchronous InlineHandler on the event loop (HTTP/2 without a body), else
// the same answer from the async handler.
//
// Driving: after each chunk the event loop runs; where a handler task started, runs or
// ended, the test waits until the application is quiet (no handler task started or
// finished and no new output for four turns of the loop, each with a yield of the test's
// task; at most 0.2 s), and so it does after the last chunk and after each closing event.
// Handler tasks run on Swift's global executor, so the interleaving of their writes with later chunks can differ between two runs of one input:
// the checks below hold for every interleaving, but a finding may need a few replays.
//
// A trap is a finding:
//   - a crash, ASan report, leak (LeakSanitizer at exit), a timeout (-timeout) or OOM;
//   - h2 (the input starts with the client preface): our output does not parse as HTTP/2
//     frames with our FrameReader, or holds a frame the peer must reject, or its first
//     frame is not SETTINGS (RFC 9113 §3.4), or has PUSH_PROMISE, a HEADERS or DATA frame
//     on stream 0 or an even stream, or any frame after a GOAWAY with an error code
//     (§5.4.1: the connection is closed after it), or ends inside a frame;
//   - HTTP/1.1: non-empty output that does not start with "HTTP/1." (a status line);
//   - after `close()` the channel is still active;
//   - a handler task still running 2 s after the close (their tasks are cancelled when the
//     connection ends), or the channel or any handler object still alive after the
//     iteration (weak references), that is growth from one iteration to the next.
import Dispatch
import FuzzDriver
import HPACK
import HTTP2
@testable import HTTP2Server
import Logging
import NIOCore
import NIOEmbedded
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: " + message()) }
}

/// Handler tasks started and finished, over the whole process.
private final class Tracker: Sendable {
    let started = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    var active: Int { started.load(ordering: .sequentiallyConsistent) - finished.load(ordering: .sequentiallyConsistent) }
}

private let tracker = Tracker()
private let trace = fuzz_trace_enabled() != 0

/// A small docroot, made once per process.
private let docroot: StaticFiles? = {
    var template = Array("/tmp/fuzz-server-channel-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { return nil }
    let root = String(cString: made)
    func put(_ path: String, _ contents: String) {
        let descriptor = open(root + "/" + path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        _ = contents.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
    }
    mkdir(root + "/dir", 0o755)
    put("a.txt", "hello\n")
    put("index.html", "<p>index</p>\n")
    put("dir/index.html", String(repeating: "x", count: 70_000))
    put("empty.css", "")
    symlink("/etc/passwd", root + "/out")
    return try? StaticFiles(root: root)
}()

private struct Failure: Error {}

/// The application: the same answer for the same request (see the top of the file).
@Sendable private func handle(_ request: HTTPRequest, _ response: ResponseWriter) async throws {
    tracker.started.add(1, ordering: .sequentiallyConsistent)
    defer { tracker.finished.add(1, ordering: .sequentiallyConsistent) }
    let path = request.pathWithoutQuery
    if path.hasPrefix("/static/"), let docroot {
        var inner = request
        inner.path = String(request.path.dropFirst("/static".count))
        try await docroot.serve(inner, response)
        return
    }
    switch path {
    case "/body":
        var total = 0
        for try await chunk in request.body { total += chunk.readableBytes }
        try await response.respond(status: 200, body: "\(total)\n")
    case "/big":
        try await response.respond(status: 200, headers: [HeaderField("content-type", "application/octet-stream")],
                                   body: ByteBuffer(repeating: 0x61, count: 100_000))
    case "/stream":
        try await response.writeHead(status: 200)
        for index in 0..<3 { try await response.write("chunk \(index)\n") }
        try await response.finish(trailers: [HeaderField("x-checksum", "abc")])
    case "/fail":
        throw Failure()
    case "/late-fail":
        try await response.writeHead(status: 200)
        try await response.write("partial\n")
        throw Failure()
    case "/none":
        return
    case "/inline", "/inline-empty":
        let inlined = inline(InlineRequest(request))!
        try await inlined.send(to: response)
    default:
        try await response.respond(status: 200, headers: [HeaderField("content-type", "text/plain")], body: "ok\n")
    }
}

/// The synchronous path (HTTP/2 requests without a body, on the event loop, no task):
/// /inline and /inline-head; the async handler gives the same answers.
@Sendable private func inline(_ request: InlineRequest) -> InlineResponse? {
    switch request.pathWithoutQuery {
    case "/inline": return InlineResponse(status: 200, headers: [HeaderField("content-type", "text/plain")], body: "inline\n")
    case "/inline-empty": return InlineResponse(status: 204)
    default: return nil
    }
}

/// Everything the server wrote, checked as it comes.
private struct OutputChecker {
    let isHTTP2: Bool
    var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
    var frames = 0
    var octets = 0
    var prefix: [UInt8] = []
    var goAwayError: HTTP2ErrorCode?

    mutating func feed(_ buffer: ByteBuffer) {
        octets += buffer.readableBytes
        if !isHTTP2 {
            // NIO answers an HTTP/1.0 request with an HTTP/1.0 status line.
            if prefix.count < 7 { prefix += buffer.readableBytesView.prefix(7 - prefix.count) }
            let expected = Array("HTTP/1.".utf8)
            check(prefix == Array(expected.prefix(prefix.count)),
                  "our HTTP/1.1 output does not start with a status line: \(prefix)")
            return
        }
        buffer.withUnsafeReadableBytes { bytes in
            var input = bytes
            while true {
                let result: FrameResult?
                do throws(HTTP2Error) {
                    result = try reader.nextFrame(from: &input)
                } catch {
                    fatalError("invariant broken: our output is not HTTP/2: \(error) (after \(frames) frames)")
                }
                guard let result else { break }
                guard case .frame(let frame) = result else {
                    fatalError("invariant broken: our output has a frame the peer must reject: \(result) (frame \(frames))")
                }
                examine(frame)
                frames += 1
            }
        }
    }

    mutating func examine(_ frame: Frame) {
        if trace { print("  out: \(String(describing: frame).prefix(160))") }
        let what = "our frame \(frames) (\(String(describing: frame).prefix(120)))"
        if frames == 0 {
            // RFC 9113 §3.4: the server connection preface is a SETTINGS frame.
            guard case .settings(let settings) = frame, !settings.ack else {
                fatalError("invariant broken: our first frame is not SETTINGS: \(what)")
            }
        }
        // §5.4.1: after a GOAWAY for a connection error, the connection is closed.
        check(goAwayError == nil, "\(what) after our GOAWAY \(goAwayError!)")
        switch frame {
        case .pushPromise:
            fatalError("invariant broken: PUSH_PROMISE from a server that never enabled push: \(what)")
        case .headers, .data:
            // §5.1.1: a server answers on the client's (odd) streams; nothing on stream 0.
            let id = frame.streamID.rawValue
            check(id != 0 && id % 2 == 1, "\(what) on stream \(id)")
        case .goAway(let goAway):
            if goAway.errorCode != .noError { goAwayError = goAway.errorCode }
        default:
            break
        }
    }

    func finish() {
        if isHTTP2 {
            check(reader.bufferedByteCount == 0,
                  "our output ends inside a frame (\(reader.bufferedByteCount) octets of it) after \(frames) frames")
        }
    }
}

private let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

private let logger = Logger(label: "fuzz-server-channel", factory: { _ in SwiftLogNoOpLogHandler() })

private let setup: ConnectionSetup = {
    var configuration = ServerConfiguration.plaintext(port: 0)
    configuration.threads = 1
    // The engine's abuse limits stay at their defaults: they are what the server runs with.
    return ConnectionSetup(configuration: configuration, tls: nil, logger: logger, inlineHandler: inline,
                           handler: handle)
}()

private final class WeakBox: @unchecked Sendable {
    weak var object: AnyObject?
    init(_ object: AnyObject?) { self.object = object }
}

/// One connection: returns weak references to what must be gone after it.
private func run(_ input: [UInt8]) async -> [WeakBox] {
    var position = 0
    func byte() -> Int {
        guard position < input.count else { return 0 }
        defer { position += 1 }
        return Int(input[position])
    }
    let control = byte()
    let sizes = (0..<4).map { _ -> Int in
        let n = byte()
        return n == 0 ? 1 : (n < 128 ? n : (n - 127) * 256)
    }
    let stream = input[min(position, input.count)...]
    let isHTTP2 = stream.starts(with: preface)
    if trace { print("input: \(stream.count) octets, \(isHTTP2 ? "h2" : "http/1.1"), chunks \(sizes), control \(control)") }

    let loop = NIOAsyncTestingEventLoop()
    let channel = NIOAsyncTestingChannel(loop: loop)
    var output = OutputChecker(isHTTP2: isHTTP2)
    var weak: [WeakBox] = [WeakBox(channel)]

    func drain() async {
        while true {
            let buffer: ByteBuffer?
            do { buffer = try await channel.readOutbound(as: ByteBuffer.self) } catch {
                fatalError("invariant broken: the server wrote something else than bytes: \(error)")
            }
            guard let buffer else { return }
            output.feed(buffer)
        }
    }

    /// Runs the loop until the application is quiet (see the top of the file).
    func settle() async {
        var quiet = 0
        var last = (tracker.started.load(ordering: .sequentiallyConsistent),
                    tracker.finished.load(ordering: .sequentiallyConsistent), output.octets)
        let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
        while quiet < 4 && DispatchTime.now().uptimeNanoseconds < deadline {
            await loop.run()
            await drain()
            let now = (tracker.started.load(ordering: .sequentiallyConsistent),
                       tracker.finished.load(ordering: .sequentiallyConsistent), output.octets)
            if now == last { quiet += 1 } else { quiet = 0 }
            last = now
            await Task.yield()
        }
    }

    do {
        try await loop.executeInContext { try setup.initialize(channel) }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).get()
    } catch {
        fatalError("invariant broken: the pipeline could not be set up: \(error)")
    }
    weak += await collectHandlers(channel, loop)
    await settle()

    var offset = stream.startIndex
    var turn = 0
    while offset < stream.endIndex && channel.isActive {
        let length = min(sizes[turn % 4], stream.endIndex - offset)
        turn += 1
        var buffer = channel.allocator.buffer(capacity: length)
        buffer.writeBytes(stream[offset..<(offset + length)])
        offset += length
        if trace { print("chunk: \(length) octets") }
        let startedBefore = tracker.started.load(ordering: .sequentiallyConsistent)
        do { try await channel.writeInbound(buffer) } catch {
            // An error a handler fired (and did not handle) ends up here: the server closes.
            if trace { print("inbound error: \(error)") }
        }
        weak += await collectHandlers(channel, loop)
        // Cheap when the application is idle: one turn of the loop; a full settle when a
        // handler task started, is running or finished since the chunk came.
        await loop.run()
        await drain()
        if tracker.active != 0 || tracker.started.load(ordering: .sequentiallyConsistent) != startedBefore {
            await settle()
        }
    }
    await settle()

    if control & 4 != 0 {
        try? await loop.executeInContext { channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        await settle()
    }
    if control & 1 != 0 {
        try? await loop.executeInContext { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        await settle()
    }
    if control & 2 != 0 {
        await loop.advanceTime(by: .seconds(11))
        await settle()
    }

    try? await channel.close()
    await loop.run()
    check(!channel.isActive, "the channel is still active after close()")
    await drain()
    output.finish()

    // Every handler task ends once the connection is gone (cancelled, or its writes fail).
    let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
    while tracker.active != 0 && DispatchTime.now().uptimeNanoseconds < deadline {
        await loop.run()
        try? await Task.sleep(nanoseconds: 50_000)
    }
    check(tracker.active == 0, "\(tracker.active) handler task(s) still running 2 s after the connection closed")
    await loop.run()
    await drain()
    _ = try? await channel.finish(acceptAlreadyClosed: true)
    await loop.shutdownGracefully()
    return weak
}

/// Weak references to the handlers in the pipeline now.
private func collectHandlers(_ channel: NIOAsyncTestingChannel, _ loop: NIOAsyncTestingEventLoop) async -> [WeakBox] {
    (try? await loop.executeInContext { () -> [WeakBox] in
        var boxes: [WeakBox] = []
        if let h2 = try? channel.pipeline.syncOperations.handler(type: HTTP2ServerHandler.self) { boxes.append(WeakBox(h2)) }
        if let h1 = try? channel.pipeline.syncOperations.handler(type: HTTP1ServerHandler.self) { boxes.append(WeakBox(h1)) }
        return boxes
    }) ?? []
}

private final class Done: @unchecked Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    var weak: [WeakBox] = []
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let done = Done()
    Task.detached {
        done.weak = await run(input)
        done.semaphore.signal()
    }
    done.semaphore.wait()
    // Nothing of the connection may outlive it (handler tasks hold their stream, which
    // holds the handler weakly): give the last task a moment to release what it held.
    var rounds = 0
    while done.weak.contains(where: { $0.object != nil }) && rounds < 200 {
        usleep(1000)
        rounds += 1
    }
    if trace { print("lifetime: \(done.weak.count) objects watched, released after \(rounds) ms") }
    for box in done.weak {
        check(box.object == nil, "\(type(of: box.object!)) still alive after the iteration")
    }
    return 0
}

@_cdecl("fuzz_server_channel_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

import CHeapInfo
import HTTP2

/// Memory per open idle stream: 10,000 requests (HEADERS with END_STREAM, the engine
/// benchmark's browser GET) opened on one server connection and never answered, so every
/// stream stays half-closed (remote) and held by the server.
public enum IdleStreams {
    public static let streams = 10_000
    public static let maxConcurrentStreams = 20_000

    /// The client's bytes: the prologue (no request), then the 10,000 requests in batches of
    /// 100, one `receive` call each.
    public static func clientBytes() -> (prologue: [UInt8], batches: [[UInt8]]) {
        var client = RequestStream(withFirstRequest: false, windowUpdate: false)
        var batches: [[UInt8]] = [client.firstBatchBytes()]
        client.next()
        while batches.count * EngineCorpus.batch < streams {
            client.next()
            batches.append(client.batch)
        }
        return (client.prologue, batches)
    }

    /// Heap in use (glibc's count) and resident set, now.
    public static func heapInUse() -> Int { Int(h2bench_heap_in_use()) }
    public static func residentKiB() -> Int { Int(h2bench_rss_kib()) }
}

/// Our server `Connection`, set up past the preface, ready to take the 10,000 requests.
public final class OursIdleStreams {
    public var server: Connection
    let batches: [[UInt8]]
    public private(set) var opened = 0

    public init() {
        let (prologue, batches) = IdleStreams.clientBytes()
        self.batches = batches
        server = Connection(role: .server, configuration: .server(maxConcurrentStreams: IdleStreams.maxConcurrentStreams), now: 1)
        _ = server.takeOutput()
        server.receive(prologue, now: 1) { _ in }
        _ = server.takeOutput()
    }

    /// Opens the streams; returns how many the server holds.
    @inline(never)
    public func openAll() -> Int {
        var opened = 0
        for batch in batches {
            server.receive(batch, now: 2) { event in
                if case .request = event { opened += 1 }
                if case .connectionError(let error) = event { fatalError("connection error \(error)") }
            }
        }
        self.opened = opened
        require(server.streamCount == IdleStreams.streams, "the server holds \(server.streamCount) streams")
        return opened
    }
}

/// swift-nio-http2's server (inline multiplexer, one idle child channel per stream).
public final class NIOIdleStreams {
    public let server: NIOEngineServer
    let batches: [[UInt8]]

    public init() throws {
        let (prologue, batches) = IdleStreams.clientBytes()
        self.batches = batches
        server = try NIOEngineServer(maxConcurrentStreams: IdleStreams.maxConcurrentStreams, answers: false)
        _ = try server.exchange(prologue)
    }

    @inline(never)
    public func openAll() throws -> Int {
        for batch in batches { _ = try server.exchange(batch) }
        try server.checkAlive()
        return IdleStreams.streams
    }
}

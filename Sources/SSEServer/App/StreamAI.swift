import HPACK
import HTTP2Server
import NIOCore
import Synchronization

/// `/stream-ai`: a mock LLM answer as Server-Sent Events.
///
/// Query: `id` (the stream's key, at most 64 octets; it seeds the answer), `interval`
/// (milliseconds between tokens, within the configured range; default 200), `tokens`
/// (end the answer after N events with `event: done`; default: never).
///
/// The first write carries the `retry:` hint, the events a resuming client missed
/// (`Last-Event-ID`, from the session's history) and the first new token, so the first
/// event reaches the client right after the response head. Every write is flushed at once
/// (the server's `ResponseWriter` contract); a `: ping` comment goes out every heartbeat.
extension SSEApp {
    static let streamHeaders = [
        HeaderField("content-type", "text/event-stream"),
        HeaderField("cache-control", "no-cache"),
        HeaderField("x-accel-buffering", "no"),
    ]

    struct StreamParameters {
        var key: String
        var interval: Duration
        var tokens: UInt64?
    }

    struct ParameterError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The stream's parameters, or the reason they are wrong.
    func streamParameters(_ query: Query) -> Result<StreamParameters, ParameterError> {
        let key = query["id"] ?? "0"
        guard key.utf8.count <= 64 else { return .failure(ParameterError("id is longer than 64 octets")) }
        var interval = configuration.defaultInterval
        if let text = query["interval"] {
            guard let milliseconds = Int(text) else { return .failure(ParameterError("interval must be a number of milliseconds")) }
            let range = configuration.intervalRange
            interval = .milliseconds(min(max(milliseconds, range.lowerBound), range.upperBound))
        }
        var tokens: UInt64?
        if let text = query["tokens"] {
            guard let count = Int(text), count >= 1 else { return .failure(ParameterError("tokens must be a number >= 1")) }
            tokens = UInt64(min(count, configuration.maxTokens))
        }
        return .success(StreamParameters(key: key, interval: interval, tokens: tokens))
    }

    /// What a /stream-ai request gets, decided without suspending.
    enum StreamOpening {
        case stream(SSEStream)
        /// A short answer: 400 for bad parameters, the bare head for HEAD.
        case answer(status: Int, headers: [HeaderField], body: String)
        /// 503: `maxStreams` generators are running.
        case refused
    }

    /// The stream a request starts, when it is a GET of /stream-ai that can start now (no
    /// side effect otherwise: `handle` then answers it).
    func startStream(_ request: HTTPRequest, _ response: ResponseWriter) -> SSEStream? {
        guard request.method == "GET", request.pathWithoutQuery == "/stream-ai" else { return nil }
        let peer = request.remoteAddress ?? "unknown"
        let wire: WireProtocol = request.version == .http2 ? .h2 : .http11
        guard case .stream(let stream) = openStream(request, response: response, peer: peer, wire: wire) else { return nil }
        return stream
    }

    /// `handle`'s part of /stream-ai: what `startStream` did not start.
    func streamRoute(_ request: HTTPRequest, _ response: ResponseWriter, peer: String, wire: WireProtocol) async throws {
        switch openStream(request, response: response, peer: peer, wire: wire) {
        case .answer(let status, let headers, let body):
            try await response.respond(status: status, headers: headers, body: body)
        case .refused:
            metrics.streamRefused()
            try await response.respond(status: 503, headers: [HeaderField("content-type", "text/plain"),
                                                              HeaderField("retry-after", "1")],
                                       body: "too many streams (\(configuration.maxStreams)); retry later\n")
        case .stream(let stream):
            // A generator ended since `startStream` looked.
            try await stream.run()
        }
    }

    func openStream(_ request: HTTPRequest, response: ResponseWriter, peer: String,
                    wire: WireProtocol) -> StreamOpening {
        let received = Pacer.now()
        let parameters: StreamParameters
        switch streamParameters(Query(path: request.path)) {
        case .success(let value): parameters = value
        case .failure(let error):
            return .answer(status: 400, headers: [HeaderField("content-type", "text/plain")],
                           body: "bad request: \(error.message)\n")
        }
        if response.isHeadRequest { return .answer(status: 200, headers: Self.streamHeaders, body: "") }
        // The generator budget, across connections.
        let running = runningStreams.wrappingAdd(1, ordering: .relaxed).newValue
        guard running <= configuration.maxStreams else {
            runningStreams.wrappingSubtract(1, ordering: .relaxed)
            return .refused
        }
        let lastEventID = request.header("last-event-id").flatMap { EventID($0) }
        var first = ""
        SSEFormat.appendRetry(to: &first, milliseconds: configuration.retryMilliseconds, endBlock: true)
        let session: SessionHistory
        var replayed = 0
        switch history.start(key: parameters.key, lastEventID: lastEventID) {
        case .fresh(let fresh):
            session = fresh
        case .resumed(let known, let replay, let gap):
            session = known
            if gap, let lastEventID {
                first += SSEFormat.comment("events after \(lastEventID) are no longer kept")
            }
            for (sequence, token) in replay {
                SSEStream.appendToken(to: &first, session: known.session, sequence: sequence, token: token)
            }
            replayed = replay.count
        }
        // The stream counts as a request of its own until it ends (`SSEStream.end`).
        metrics.requestStarted(peer: peer, over: wire)
        metrics.streamStarted(peer: peer, over: wire, resumed: replayed > 0 || lastEventID?.session == session.session)
        let stream = SSEStream(app: self, response: response, session: session, peer: peer, wire: wire,
                               interval: UInt64(Self.nanoseconds(parameters.interval)),
                               heartbeat: UInt64(Self.nanoseconds(configuration.heartbeat)),
                               limit: parameters.tokens, received: received)
        stream.pendingFirst = first
        stream.replayed = replayed
        return .stream(stream)
    }

    /// The peer reset the stream or closed the connection (the task is then cancelled too).
    static func clientWentAway(_ error: Error) -> Bool {
        if error is CancellationError { return true }
        switch error as? HTTPServerError {
        case .streamReset?, .connectionClosed?: return true
        default: return Task.isCancelled
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// One running /stream-ai response.
///
/// Memory is what this design is about. The handler's task lives as long as the stream
/// and keeps the largest chain of async frames it ever had (the task allocator hands out
/// 1 KiB slabs and keeps them). A write goes through the server's `ResponseWriter` frames,
/// which with the server's own frames and ours would need a second slab for every stream.
/// So the handler's task only waits (one continuation, released when the stream ends or
/// the task is cancelled), and each write runs in a short-lived task started by the
/// shared `Pacer` timer when the stream is due: the state lives here, on the heap.
final class SSEStream: PacerClient, @unchecked Sendable {
    // @unchecked: the generator state below is touched by one write task at a time (each
    // is started after the previous one finished, through the pacer's lock); `state`
    // guards what the handler's task and the write tasks share.
    let app: SSEApp
    let response: ResponseWriter
    let session: SessionHistory
    let peer: String
    let wire: WireProtocol
    let interval: UInt64
    let heartbeat: UInt64
    let limit: UInt64?
    let received: UInt64
    var pendingFirst = ""
    var replayed = 0
    var newInFirst = false
    var nextToken: UInt64 = 0
    var nextPing: UInt64 = 0
    var finished = false
    var headSent = false
    private let state = Mutex(State())

    struct State {
        /// The handler's task, waiting for the end of the stream.
        var waiter: CheckedContinuation<Void, Error>?
        /// The end was accounted for and the waiter resumed (or will be at once).
        var ended = false
    }

    init(app: SSEApp, response: ResponseWriter, session: SessionHistory, peer: String, wire: WireProtocol,
         interval: UInt64, heartbeat: UInt64, limit: UInt64?, received: UInt64) {
        self.app = app
        self.response = response
        self.session = session
        self.peer = peer
        self.wire = wire
        self.interval = interval
        self.heartbeat = heartbeat
        self.limit = limit
        self.received = received
    }

    /// Runs the stream; returns when the answer is complete, throws when the client went
    /// away (the server cancels the handler's task when the peer resets the stream or
    /// closes the connection: the stream ends at once, whatever it was doing).
    func run() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
                let go = state.withLock { state -> Bool in
                    guard !state.ended else { return false }
                    state.waiter = waiter
                    return true
                }
                if go { pacerFired() } else { waiter.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            end(.cancelled, CancellationError())
        }
    }

    /// Due (or just started): one write task, which schedules the next wake-up.
    func pacerFired() {
        guard !isEnded else { return }
        Task.immediate { await self.writeDue() }
    }

    func writeDue() async {
        do {
            if !headSent {
                headSent = true
                try await response.writeHead(status: 200, headers: SSEApp.streamHeaders)
                try await response.write(firstChunk())
                firstChunkSent()
            } else {
                try await response.write(nextChunk())
            }
        } catch {
            end(SSEApp.clientWentAway(error) ? .cancelled : .failed, error)
            return
        }
        if finished {
            end(.completed, nil)   // the handler returns: the server ends the response
        } else if !isEnded {
            app.pacer.schedule(self, at: min(nextToken, nextPing))
        }
    }

    var isEnded: Bool { state.withLock { $0.ended } }

    /// Accounts for the end once and lets the handler's task go.
    func end(_ how: SSEMetrics.StreamEnd, _ error: Error?) {
        let (first, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Error>?) in
            let first = !state.ended
            state.ended = true
            let waiter = state.waiter
            state.waiter = nil
            return (first, waiter)
        }
        if first {
            app.runningStreams.wrappingSubtract(1, ordering: .relaxed)
            app.metrics.streamEnded(peer: peer, over: wire, how)
            app.metrics.requestEnded(peer: peer)
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    /// The retry hint, replayed events and the first new event (or the end, when a resumed
    /// answer was complete already).
    func firstChunk() -> ByteBuffer {
        var chunk = pendingFirst
        pendingFirst = ""
        if let limit, session.lastSequence >= limit {
            Self.appendDone(to: &chunk)
            finished = true
        } else {
            appendNextToken(to: &chunk)
            replayed += 1   // counted with the replayed ones below, as one number of events sent
            newInFirst = true
        }
        return ByteBuffer(string: chunk)
    }

    func firstChunkSent() {
        let now = Pacer.now()
        app.metrics.eventsSent(replayed, replayed: newInFirst ? replayed - 1 : replayed)
        app.metrics.firstEvent(after: Double(now &- received) / 1e9)
        nextToken = now &+ interval
        nextPing = now &+ heartbeat
    }

    /// What is due now: a ping, a token, or both.
    func nextChunk() -> ByteBuffer {
        let now = Pacer.now()
        var chunk = ""
        if now >= nextPing {
            chunk += SSEFormat.comment("ping")
            nextPing = now &+ heartbeat
            app.metrics.heartbeatSent()
        }
        if now >= nextToken {
            appendNextToken(to: &chunk)
            app.metrics.eventsSent(1)
            // Keep the pace; after a stall (a slow client), no burst to catch up.
            nextToken &+= interval
            if nextToken < now { nextToken = now &+ interval }
        }
        return ByteBuffer(string: chunk)
    }

    func appendNextToken(to chunk: inout String) {
        let (sequence, token) = session.advance()
        Self.appendToken(to: &chunk, session: session.session, sequence: sequence, token: token)
        if let limit, sequence >= limit {
            Self.appendDone(to: &chunk)
            finished = true
        }
    }

    static func appendToken(to chunk: inout String, session: UInt64, sequence: UInt64, token: UInt16) {
        chunk += "id: "
        chunk += String(session)
        chunk += "."
        chunk += String(sequence)
        chunk += "\n"
        SSEFormat.appendDataLines(to: &chunk, Vocabulary.token(token))
        chunk += "\n"
    }

    static func appendDone(to chunk: inout String) {
        chunk += "event: done\ndata: [DONE]\n\n"
    }
}

import HPACK
import HTTP2
import NIOCore

/// One request/response exchange on an HTTP/2 connection: the body the peer sends, the
/// response the handler writes, and the task that runs the handler. Loop-confined: every
/// stored property is touched on `eventLoop` only (hence `@unchecked Sendable`).
final class H2Stream: ResponseSink, @unchecked Sendable {
    let id: StreamID
    let eventLoop: EventLoop
    weak var owner: HTTP2ServerHandler?
    let body: BodySource
    let isHeadRequest: Bool
    var task: Task<Void, Never>?

    var headSent = false
    /// END_STREAM handed to the engine.
    var ended = false
    /// Set once the stream is gone (reset, connection closed); writes fail with it.
    var failure: Error?
    /// The stream closed normally; later writes fail with `responseFinished`.
    var closed = false
    /// The handler's task returned.
    var handlerDone = false
    /// Sticky: the writing task was cancelled.
    var writerCancelled = false

    /// A body chunk (or the bare end) waiting for room in the stream's queue.
    struct PendingWrite {
        var buffer: ByteBuffer
        var endStream: Bool
        /// nil for the end the server adds after the handler returned.
        var continuation: CheckedContinuation<Void, Error>?
    }
    var pending: PendingWrite?

    init(id: StreamID, eventLoop: EventLoop, owner: HTTP2ServerHandler, body: BodySource, isHeadRequest: Bool) {
        self.id = id
        self.eventLoop = eventLoop
        self.owner = owner
        self.body = body
        self.isHeadRequest = isHeadRequest
    }

    func submit(_ parts: [ResponsePart], _ done: CheckedContinuation<Void, Error>) {
        eventLoop.assertInEventLoop()
        if let failure { return done.resume(throwing: failure) }
        if writerCancelled { return done.resume(throwing: CancellationError()) }
        guard let owner else { return done.resume(throwing: HTTPServerError.connectionClosed) }
        owner.submit(self, parts, done)
    }

    func cancelWaitingWrite() {
        eventLoop.assertInEventLoop()
        writerCancelled = true
        if let pending {
            self.pending = nil
            owner?.unblock(id)
            pending.continuation?.resume(throwing: CancellationError())
        }
    }

    /// The stream is gone: fail the reader and the writer, cancel the handler.
    func terminate(_ error: Error) {
        eventLoop.assertInEventLoop()
        if failure == nil { failure = error }
        body.fail(error)
        if let pending {
            self.pending = nil
            pending.continuation?.resume(throwing: error)
        }
        if !handlerDone { task?.cancel() }
    }
}

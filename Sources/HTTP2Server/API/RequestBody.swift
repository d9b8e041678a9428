import NIOCore

/// A request body: an `AsyncSequence` of byte chunks that ends with the request. Reading
/// a chunk returns its flow-control credit to the peer (HTTP/2) or resumes reading from the
/// socket (HTTP/1.1), so the body is never buffered beyond the window.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let source: BodySource?

    init(source: BodySource?) { self.source = source }

    /// An empty body.
    public static var empty: RequestBody { RequestBody(source: nil) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: BodySource?
        public mutating func next() async throws -> ByteBuffer? {
            guard let source else { return nil }
            return try await source.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }

    /// Reads the whole body into one buffer; throws `HTTPServerError.bodyTooLarge` past `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await var chunk in self {
            guard all.readableBytes + chunk.readableBytes <= limit else { throw HTTPServerError.bodyTooLarge }
            all.writeBuffer(&chunk)
        }
        return all
    }
}

/// The loop side of a request body: chunks arrive on the channel's event loop and wait
/// here until the handler's task asks for them. All state is touched on `eventLoop` only.
final class BodySource: @unchecked Sendable {
    let eventLoop: EventLoop
    private var chunks = CircularBuffer<ByteBuffer>()
    private var finished = false
    private var failure: Error?
    private var waiter: CheckedContinuation<ByteBuffer?, Error>?
    /// Called on the loop with the size of each chunk the handler took.
    var onConsumed: ((Int) -> Void)?
    /// Octets buffered and not yet read.
    private(set) var bufferedBytes = 0
    /// True once the handler no longer reads (it returned): new chunks are dropped.
    private(set) var abandoned = false
    private var readerCancelled = false

    init(eventLoop: EventLoop) { self.eventLoop = eventLoop }

    // MARK: Loop side

    func append(_ chunk: ByteBuffer) {
        eventLoop.assertInEventLoop()
        guard !finished, failure == nil else { return }
        if abandoned {
            onConsumed?(chunk.readableBytes)
            return
        }
        if let waiter {
            self.waiter = nil
            onConsumed?(chunk.readableBytes)
            waiter.resume(returning: chunk)
            return
        }
        chunks.append(chunk)
        bufferedBytes += chunk.readableBytes
    }

    func finish() {
        eventLoop.assertInEventLoop()
        finished = true
        if chunks.isEmpty, let waiter {
            self.waiter = nil
            waiter.resume(returning: nil)
        }
    }

    func fail(_ error: Error) {
        eventLoop.assertInEventLoop()
        guard !finished || !chunks.isEmpty else { return }
        failure = error
        chunks.removeAll()
        bufferedBytes = 0
        if let waiter {
            self.waiter = nil
            waiter.resume(throwing: error)
        }
    }

    /// The handler is done: return the credit of what it left unread, drop what comes.
    func abandon() {
        eventLoop.assertInEventLoop()
        abandoned = true
        if bufferedBytes > 0 { onConsumed?(bufferedBytes) }
        chunks.removeAll()
        bufferedBytes = 0
    }

    var isFinished: Bool { finished }

    private func take(_ continuation: CheckedContinuation<ByteBuffer?, Error>) {
        eventLoop.assertInEventLoop()
        if let chunk = chunks.popFirst() {
            bufferedBytes -= chunk.readableBytes
            onConsumed?(chunk.readableBytes)
            continuation.resume(returning: chunk)
        } else if let failure {
            continuation.resume(throwing: failure)
        } else if readerCancelled {
            continuation.resume(throwing: CancellationError())
        } else if finished {
            continuation.resume(returning: nil)
        } else if waiter != nil {
            continuation.resume(throwing: HTTPServerError.connectionClosed)  // one reader at a time
        } else {
            waiter = continuation
        }
    }

    private func cancelWaiter() {
        eventLoop.assertInEventLoop()
        readerCancelled = true  // sticky: the reader's task stays cancelled
        if let waiter {
            self.waiter = nil
            waiter.resume(throwing: CancellationError())
        }
    }

    // MARK: Task side

    func next() async throws -> ByteBuffer? {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if eventLoop.inEventLoop {
                    take(continuation)
                } else {
                    eventLoop.execute { self.take(continuation) }
                }
            }
        } onCancel: {
            eventLoop.execute { self.cancelWaiter() }
        }
    }
}

import HPACK
import NIOCore

/// One step of a response, handed from a handler's task to the connection's event loop.
enum ResponsePart: Sendable {
    case head(status: Int, headers: [HeaderField], endStream: Bool)
    case body(ByteBuffer, endStream: Bool)
    /// The end of the response, with trailers (HTTP/2; HTTP/1.1 chunked) or without.
    case end(trailers: [HeaderField])
}

/// The loop side of a response (one per HTTP/2 stream or HTTP/1.1 exchange).
protocol ResponseSink: AnyObject, Sendable {
    var eventLoop: EventLoop { get }
    /// On the loop: act on the parts in order, then resume `done` (later, once there is
    /// room, when the body does not fit now: that is the back-pressure).
    func submit(_ parts: [ResponsePart], _ done: CheckedContinuation<Void, Error>)
    /// On the loop: the writing task was cancelled; fail a waiting write.
    func cancelWaitingWrite()
}

/// Writes a response: a head, body chunks, then the end (with trailers, if any). Each
/// `write` returns once the chunk is handed to the connection, and suspends while the
/// stream has no flow-control window or the socket is not writable, so buffering stays
/// bounded however fast the handler produces. Every chunk is flushed to the socket as
/// soon as the window allows it (what Server-Sent Events need).
public struct ResponseWriter: Sendable {
    let sink: any ResponseSink
    /// The request's method was HEAD: body chunks are dropped (the head still goes out).
    public let isHeadRequest: Bool

    init(sink: any ResponseSink, isHeadRequest: Bool) {
        self.sink = sink
        self.isHeadRequest = isHeadRequest
    }

    /// Sends the status and header fields now (flushed at once).
    public func writeHead(status: Int, headers: [HeaderField] = []) async throws {
        try await perform([.head(status: status, headers: headers, endStream: false)])
    }

    /// Sends a body chunk; suspends while there is no room for it (back-pressure).
    public func write(_ chunk: ByteBuffer) async throws {
        try await perform([.body(chunk, endStream: false)])
    }

    public func write(_ string: String) async throws {
        try await write(ByteBuffer(string: string))
    }

    public func write(_ bytes: [UInt8]) async throws {
        try await write(ByteBuffer(bytes: bytes))
    }

    /// Ends the response, with trailer fields if given.
    public func finish(trailers: [HeaderField] = []) async throws {
        try await perform([.end(trailers: trailers)])
    }

    /// A whole response at once: head (with content-length), body, end.
    public func respond(status: Int, headers: [HeaderField] = [], body: ByteBuffer = ByteBuffer()) async throws {
        var fields = headers
        if !fields.contains(where: { $0.name.lowercased() == "content-length" }) {
            fields.append(HeaderField("content-length", String(body.readableBytes)))
        }
        if body.readableBytes == 0 || isHeadRequest {
            try await perform([.head(status: status, headers: fields, endStream: true)])
        } else {
            try await perform([.head(status: status, headers: fields, endStream: false), .body(body, endStream: true)])
        }
    }

    public func respond(status: Int, headers: [HeaderField] = [], body: String) async throws {
        try await respond(status: status, headers: headers, body: ByteBuffer(string: body))
    }

    func perform(_ parts: [ResponsePart]) async throws {
        try Task.checkCancellation()
        let sink = self.sink
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                if sink.eventLoop.inEventLoop {
                    sink.submit(parts, continuation)
                } else {
                    sink.eventLoop.execute { sink.submit(parts, continuation) }
                }
            }
        } onCancel: {
            sink.eventLoop.execute { sink.cancelWaitingWrite() }
        }
    }
}

/// Cuts a byte stream into frames (RFC 9113 §4.1), whatever the size of the chunks the
/// bytes arrive in.
///
/// A frame wholly inside the chunk handed in is parsed in place: its payload views are
/// views of the caller's bytes, nothing is copied. A frame cut by the end of a chunk is
/// copied into the reader's buffer until its last byte arrives; the reader never holds
/// more than that one partial frame.
///
/// The reader checks what belongs to framing itself:
/// - a frame longer than the local SETTINGS_MAX_FRAME_SIZE is a connection error
///   FRAME_SIZE_ERROR (RFC 9113 §4.2), detected from the header before any payload is
///   buffered;
/// - a field block is a contiguous run of HEADERS or PUSH_PROMISE then CONTINUATION
///   frames on one stream: any other frame inside it, or a CONTINUATION outside one, is
///   a connection error PROTOCOL_ERROR (RFC 9113 §4.3, §6.2, §6.10, §5.5);
/// - everything else each frame type's `parse` checks.
///
/// After a connection error the reader is finished: every later call throws it again.
///
/// Use `nextFrame(from:)` in a loop (it leaves the reader free between frames, e.g. to
/// raise `maxFrameSize` when the peer acknowledges SETTINGS), or `read(_:_:)` with a
/// closure.
public struct FrameReader: Sendable {
    /// SETTINGS_MAX_FRAME_SIZE before any SETTINGS, 2^14 (RFC 9113 §6.5.2).
    public static let defaultMaxFrameSize = 16_384
    /// The largest SETTINGS_MAX_FRAME_SIZE, 2^24-1 (RFC 9113 §6.5.2).
    public static let largestMaxFrameSize = 16_777_215

    private var storedMaxFrameSize: Int
    private var buffer = PartialFrameBuffer()
    /// The last frame was handed out from `buffer`; drop it at the next call.
    private var bufferHandedOut = false
    private var fieldBlockStream: StreamID?
    private var failure: HTTP2Error?

    /// A reader that accepts payloads up to `maxFrameSize` octets (clamped to
    /// 2^14...2^24-1).
    public init(maxFrameSize: Int = FrameReader.defaultMaxFrameSize) {
        storedMaxFrameSize = FrameReader.clamp(maxFrameSize)
    }

    /// The local SETTINGS_MAX_FRAME_SIZE: the largest payload accepted. Set it when the
    /// peer acknowledges a SETTINGS frame that changes it; values are clamped to
    /// 2^14...2^24-1 (RFC 9113 §6.5.2).
    public var maxFrameSize: Int {
        get { storedMaxFrameSize }
        set { storedMaxFrameSize = FrameReader.clamp(newValue) }
    }

    /// Bytes held for a frame not yet complete.
    public var bufferedByteCount: Int {
        bufferHandedOut ? 0 : buffer.count
    }

    /// The stream of a field block still waiting for CONTINUATION frames, if any.
    public var openFieldBlockStream: StreamID? {
        fieldBlockStream
    }

    /// The connection error that ended this reader, if any.
    public var connectionError: HTTP2Error? {
        failure
    }

    /// Parses every complete frame in `bytes`, in order, calling `body` for each; keeps
    /// the bytes of a trailing partial frame for the next call. Payload views are valid
    /// during `body` only. Connection errors (the reader's or `body`'s) are thrown.
    public mutating func read(
        _ bytes: UnsafeRawBufferPointer, _ body: (FrameResult) throws(HTTP2Error) -> Void
    ) throws(HTTP2Error) {
        var input = bytes
        while let result = try nextFrame(from: &input) {
            try body(result)
        }
    }

    /// `read(_:_:)` over an array's bytes.
    public mutating func read(_ bytes: [UInt8], _ body: (FrameResult) throws(HTTP2Error) -> Void) throws(HTTP2Error) {
        // Split to keep `body`'s typed error through `withUnsafeBytes`.
        let outcome: Result<Void, HTTP2Error> = bytes.withUnsafeBytes { raw in
            do throws(HTTP2Error) {
                try read(raw, body)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// Returns the next complete frame, consuming its bytes from the front of `input`,
    /// or nil once `input` is used up without completing one (its bytes are then kept
    /// for the next call).
    ///
    /// The frame's views point into `input` or into the reader's buffer; they are valid
    /// until the next call on this reader and while `input`'s memory lives.
    public mutating func nextFrame(from input: inout UnsafeRawBufferPointer) throws(HTTP2Error) -> FrameResult? {
        if let failure { throw failure }
        if bufferHandedOut {
            // The frame handed out last is done with. A copy of this reader may still hold
            // it (its views stay valid until *its* next call): never clear shared memory.
            if isKnownUniquelyReferenced(&buffer) {
                buffer.removeAll(keepCapacity: 4 * (FrameHeader.size + FrameReader.defaultMaxFrameSize))
            } else {
                buffer = PartialFrameBuffer()
            }
            bufferHandedOut = false
        }
        do {
            if buffer.count > 0 {
                return try continueBufferedFrame(&input)
            }
            guard let header = FrameHeader(parsing: input) else {
                stash(&input, reserving: FrameHeader.size)
                return nil
            }
            try check(header)
            let total = FrameHeader.size + header.length
            guard input.count >= total else {
                stash(&input, reserving: total)
                return nil
            }
            // The whole frame is in the caller's chunk: parse it in place.
            let payload = BorrowedBytes(UnsafeRawBufferPointer(rebasing: input[FrameHeader.size..<total]))
            input = UnsafeRawBufferPointer(rebasing: input[total...])
            return try deliver(header, payload)
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: - Internals

    private static func clamp(_ size: Int) -> Int {
        Swift.min(Swift.max(size, defaultMaxFrameSize), largestMaxFrameSize)
    }

    /// Adds bytes to the partial frame in the buffer; hands it out when complete.
    private mutating func continueBufferedFrame(_ input: inout UnsafeRawBufferPointer) throws(HTTP2Error) -> FrameResult? {
        if buffer.count < FrameHeader.size {
            take(&input, upTo: FrameHeader.size)
            if buffer.count < FrameHeader.size { return nil }
        }
        guard let header = FrameHeader(parsing: buffer.bytes) else { return nil }
        try check(header)
        let total = FrameHeader.size + header.length
        uniqueBuffer().reserve(total)
        take(&input, upTo: total)
        guard buffer.count >= total else { return nil }
        bufferHandedOut = true
        let payload = BorrowedBytes(UnsafeRawBufferPointer(rebasing: buffer.bytes[FrameHeader.size..<total]))
        return try deliver(header, payload)
    }

    /// Moves bytes from `input` into the buffer until it holds `target` bytes.
    private mutating func take(_ input: inout UnsafeRawBufferPointer, upTo target: Int) {
        let count = Swift.min(Swift.max(target - buffer.count, 0), input.count)
        guard count > 0 else { return }
        uniqueBuffer().append(UnsafeRawBufferPointer(rebasing: input[..<count]))
        input = UnsafeRawBufferPointer(rebasing: input[count...])
    }

    /// Keeps all of `input` (the start of a frame) for the next call.
    private mutating func stash(_ input: inout UnsafeRawBufferPointer, reserving total: Int) {
        guard !input.isEmpty else { return }
        let storage = uniqueBuffer()
        storage.reserve(total)
        storage.append(input)
        input = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    private mutating func uniqueBuffer() -> PartialFrameBuffer {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = buffer.copy()
        }
        return buffer
    }

    /// Rules that the header alone decides, checked as soon as it is complete.
    private func check(_ header: FrameHeader) throws(HTTP2Error) {
        // RFC 9113 §4.2: larger than SETTINGS_MAX_FRAME_SIZE is FRAME_SIZE_ERROR; treated as
        // a connection error (§5.4.1 allows it) since the payload is not read.
        guard header.length <= storedMaxFrameSize else {
            throw .connection(.frameSizeError, "frame larger than SETTINGS_MAX_FRAME_SIZE")
        }
        if let stream = fieldBlockStream {
            // RFC 9113 §4.3, §6.2, §6.6, §6.10, §5.5: inside a field block only CONTINUATION
            // on the same stream may come; anything else is a connection error PROTOCOL_ERROR.
            guard header.type == .continuation, header.streamID == stream else {
                throw .connection(.protocolError, "frame inside a field block")
            }
        } else if header.type == .continuation {
            // RFC 9113 §6.10: CONTINUATION must follow HEADERS, PUSH_PROMISE or CONTINUATION
            // without END_HEADERS; otherwise a connection error PROTOCOL_ERROR.
            throw .connection(.protocolError, "CONTINUATION outside a field block")
        }
    }

    /// Parses a complete frame and tracks field blocks.
    private mutating func deliver(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> FrameResult {
        let result = try Frame.parse(header, payload)
        switch header.type {
        case .headers, .pushPromise:
            if !header.flags.contains(.endHeaders) { fieldBlockStream = header.streamID }
        case .continuation:
            if header.flags.contains(.endHeaders) { fieldBlockStream = nil }
        default:
            break
        }
        return result
    }
}

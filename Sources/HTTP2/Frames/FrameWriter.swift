/// Serializes frames into one output buffer that is reused: `clear()` keeps its
/// capacity, so steady-state writing does not allocate.
///
/// DATA and field blocks are split to the peer's SETTINGS_MAX_FRAME_SIZE; other frames
/// are single frames. What to send, and when (flow control, stream states), is the
/// connection's business; the writer only lays out bytes. Flags a type does not define
/// are never set and the reserved bit is always zero (RFC 9113 §4.1).
public struct FrameWriter: Sendable {
    /// The serialized frames not yet taken by the caller.
    public private(set) var bytes: [UInt8]

    private var storedPeerMaxFrameSize: Int

    /// A writer whose buffer starts with room for `capacity` bytes.
    public init(peerMaxFrameSize: Int = FrameReader.defaultMaxFrameSize, capacity: Int = 16_384 + 9) {
        bytes = []
        bytes.reserveCapacity(capacity)
        storedPeerMaxFrameSize = FrameWriter.clamp(peerMaxFrameSize)
    }

    /// The peer's SETTINGS_MAX_FRAME_SIZE: the largest payload written. Clamped to
    /// 2^14...2^24-1 (RFC 9113 §4.2, §6.5.2).
    public var peerMaxFrameSize: Int {
        get { storedPeerMaxFrameSize }
        set { storedPeerMaxFrameSize = FrameWriter.clamp(newValue) }
    }

    /// True when nothing is waiting to be sent.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Forgets the buffered bytes, keeping the buffer's capacity.
    public mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with the buffered bytes, then clears the buffer (capacity kept).
    public mutating func drain<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        let outcome: Result<Void, E> = bytes.withUnsafeBytes { raw in
            do throws(E) {
                try body(raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        clear()
        try outcome.get()
    }

    /// Writes `frame` as one frame, exactly as described (no splitting). The caller keeps
    /// its payload within the peer's SETTINGS_MAX_FRAME_SIZE.
    public mutating func write(_ frame: Frame) {
        frame.serialize(into: &bytes)
    }

    // MARK: - DATA (RFC 9113 §6.1)

    /// Writes `data` as DATA frames of at most `peerMaxFrameSize` payload each; END_STREAM
    /// only on the last. Empty `data` gives one empty frame (e.g. to end the stream).
    /// With `padLength`, every frame is padded with that many zero octets (§6.1).
    public mutating func writeData(
        _ data: UnsafeRawBufferPointer, streamID: StreamID, endStream: Bool = false, padLength: UInt8? = nil
    ) {
        let overhead = padLength.map { 1 + Int($0) } ?? 0
        let chunkSize = storedPeerMaxFrameSize - overhead  // > 0: the size is at least 2^14
        var offset = 0
        repeat {
            let end = Swift.min(offset + chunkSize, data.count)
            let chunk = BorrowedBytes(UnsafeRawBufferPointer(rebasing: data[offset..<end]))
            let isLast = end == data.count
            DataFrame(streamID: streamID, data: chunk, endStream: endStream && isLast, padLength: padLength)
                .serialize(into: &bytes)
            offset = end
        } while offset < data.count
    }

    /// `writeData` over an array.
    public mutating func writeData(_ data: [UInt8], streamID: StreamID, endStream: Bool = false, padLength: UInt8? = nil) {
        data.withUnsafeBytes { writeData($0, streamID: streamID, endStream: endStream, padLength: padLength) }
    }

    // MARK: - Field blocks (RFC 9113 §4.3, §6.2, §6.6, §6.10)

    /// Writes a complete field block as HEADERS then as many CONTINUATION frames as
    /// `peerMaxFrameSize` requires, back to back (§4.3); END_HEADERS only on the last
    /// frame, END_STREAM on the HEADERS frame (§6.2).
    public mutating func writeHeaders(
        _ fieldBlock: UnsafeRawBufferPointer, streamID: StreamID, endStream: Bool = false,
        priority: PriorityParameters? = nil, padLength: UInt8? = nil
    ) {
        var room = storedPeerMaxFrameSize - (padLength.map { 1 + Int($0) } ?? 0)
        if priority != nil { room -= PriorityParameters.size }
        let first = Swift.min(room, fieldBlock.count)
        HeadersFrame(
            streamID: streamID, fieldBlockFragment: BorrowedBytes(UnsafeRawBufferPointer(rebasing: fieldBlock[..<first])),
            endStream: endStream, endHeaders: first == fieldBlock.count, priority: priority, padLength: padLength
        ).serialize(into: &bytes)
        writeContinuations(fieldBlock, from: first, streamID: streamID)
    }

    /// `writeHeaders` over an array.
    public mutating func writeHeaders(
        _ fieldBlock: [UInt8], streamID: StreamID, endStream: Bool = false,
        priority: PriorityParameters? = nil, padLength: UInt8? = nil
    ) {
        fieldBlock.withUnsafeBytes {
            writeHeaders($0, streamID: streamID, endStream: endStream, priority: priority, padLength: padLength)
        }
    }

    /// Writes a complete field block as PUSH_PROMISE then CONTINUATION frames as needed;
    /// END_HEADERS only on the last (§6.6).
    public mutating func writePushPromise(
        _ fieldBlock: UnsafeRawBufferPointer, streamID: StreamID, promisedStreamID: StreamID, padLength: UInt8? = nil
    ) {
        let room = storedPeerMaxFrameSize - 4 - (padLength.map { 1 + Int($0) } ?? 0)
        let first = Swift.min(room, fieldBlock.count)
        PushPromiseFrame(
            streamID: streamID, promisedStreamID: promisedStreamID,
            fieldBlockFragment: BorrowedBytes(UnsafeRawBufferPointer(rebasing: fieldBlock[..<first])),
            endHeaders: first == fieldBlock.count, padLength: padLength
        ).serialize(into: &bytes)
        writeContinuations(fieldBlock, from: first, streamID: streamID)
    }

    /// `writePushPromise` over an array.
    public mutating func writePushPromise(
        _ fieldBlock: [UInt8], streamID: StreamID, promisedStreamID: StreamID, padLength: UInt8? = nil
    ) {
        fieldBlock.withUnsafeBytes {
            writePushPromise($0, streamID: streamID, promisedStreamID: promisedStreamID, padLength: padLength)
        }
    }

    private mutating func writeContinuations(_ fieldBlock: UnsafeRawBufferPointer, from start: Int, streamID: StreamID) {
        var offset = start
        while offset < fieldBlock.count {
            let end = Swift.min(offset + storedPeerMaxFrameSize, fieldBlock.count)
            ContinuationFrame(
                streamID: streamID, fieldBlockFragment: BorrowedBytes(UnsafeRawBufferPointer(rebasing: fieldBlock[offset..<end])),
                endHeaders: end == fieldBlock.count
            ).serialize(into: &bytes)
            offset = end
        }
    }

    // MARK: - Control frames

    /// PRIORITY (§6.3).
    public mutating func writePriority(streamID: StreamID, priority: PriorityParameters) {
        PriorityFrame(streamID: streamID, priority: priority).serialize(into: &bytes)
    }

    /// RST_STREAM (§6.4).
    public mutating func writeRSTStream(streamID: StreamID, errorCode: HTTP2ErrorCode) {
        RSTStreamFrame(streamID: streamID, errorCode: errorCode).serialize(into: &bytes)
    }

    /// SETTINGS with the given settings, in order (§6.5). Settings beyond what one frame
    /// of `peerMaxFrameSize` holds (2,730 at the minimum size) are not written.
    public mutating func writeSettings(_ settings: some Sequence<Setting>) {
        let headerStart = bytes.count
        bytes.appendFrameHeader(length: 0, type: .settings, flags: [], streamID: .connection)
        var length = 0
        for setting in settings {
            guard length + Setting.size <= storedPeerMaxFrameSize else { break }
            bytes.appendUInt16(setting.identifier.rawValue)
            bytes.appendUInt32(setting.value)
            length += Setting.size
        }
        // Patch the 24-bit length now that it is known.
        bytes[headerStart] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[headerStart + 1] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[headerStart + 2] = UInt8(truncatingIfNeeded: length)
    }

    /// An empty SETTINGS frame with ACK set (§6.5, §6.5.3).
    public mutating func writeSettingsAck() {
        bytes.appendFrameHeader(length: 0, type: .settings, flags: .ack, streamID: .connection)
    }

    /// PING (§6.7); to answer a PING, send the same `opaqueData` with `ack: true`.
    public mutating func writePing(_ opaqueData: UInt64, ack: Bool = false) {
        PingFrame(ack: ack, opaqueData: opaqueData).serialize(into: &bytes)
    }

    /// GOAWAY (§6.8). Debug data beyond what fits in one frame of `peerMaxFrameSize` is
    /// cut off (it has no semantic value, §6.8).
    public mutating func writeGoAway(
        lastStreamID: StreamID, errorCode: HTTP2ErrorCode, debugData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        let kept = Swift.min(debugData.count, storedPeerMaxFrameSize - 8)
        GoAwayFrame(
            lastStreamID: lastStreamID, errorCode: errorCode,
            debugData: BorrowedBytes(UnsafeRawBufferPointer(rebasing: debugData[..<kept]))
        ).serialize(into: &bytes)
    }

    /// `writeGoAway` with debug data from an array.
    public mutating func writeGoAway(lastStreamID: StreamID, errorCode: HTTP2ErrorCode, debugData: [UInt8]) {
        debugData.withUnsafeBytes { writeGoAway(lastStreamID: lastStreamID, errorCode: errorCode, debugData: $0) }
    }

    /// WINDOW_UPDATE (§6.9); `increment` is sent as its low 31 bits and should be
    /// 1...2^31-1.
    public mutating func writeWindowUpdate(streamID: StreamID, increment: UInt32) {
        WindowUpdateFrame(streamID: streamID, increment: increment).serialize(into: &bytes)
    }

    /// PRIORITY_UPDATE (RFC 9218 §7.1) with an ASCII Priority Field Value such as
    /// "u=3, i". A value longer than one frame of `peerMaxFrameSize` is cut off.
    public mutating func writePriorityUpdate(prioritizedStreamID: StreamID, fieldValue: String) {
        var value = fieldValue
        value.withUTF8 { utf8 in
            let kept = Swift.min(utf8.count, storedPeerMaxFrameSize - 4)
            PriorityUpdateFrame(
                prioritizedStreamID: prioritizedStreamID,
                fieldValue: BorrowedBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[..<kept]))
            ).serialize(into: &bytes)
        }
    }

    private static func clamp(_ size: Int) -> Int {
        Swift.min(Swift.max(size, FrameReader.defaultMaxFrameSize), FrameReader.largestMaxFrameSize)
    }
}

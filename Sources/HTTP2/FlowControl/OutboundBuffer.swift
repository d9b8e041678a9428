import HPACK

/// What we have to send on one stream but cannot yet, for lack of flow-control window or
/// because the output is full (RFC 9113 §5.2): DATA octets, then possibly the end of the
/// stream or trailers. The bytes are copied once, when queued, and leave in order.
struct OutboundBuffer: Sendable {
    private var bytes: [UInt8] = []
    private var readOffset = 0
    /// The stream ends once the queued bytes are out (END_STREAM on the last DATA).
    var endStreamPending = false
    /// Trailers to send once the queued bytes are out; HPACK-encoded only then, so blocks
    /// reach the wire in the order they were encoded.
    var trailers: HeaderList?

    var count: Int { bytes.count - readOffset }
    var isEmpty: Bool { count == 0 && !endStreamPending && trailers == nil }
    var hasData: Bool { count > 0 }

    mutating func append(_ data: UnsafeRawBufferPointer) {
        if readOffset > 0 && readOffset == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            readOffset = 0
        }
        bytes.append(contentsOf: data)
    }

    /// Calls `body` with up to `limit` queued octets, then drops them.
    mutating func take(upTo limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        let length = min(limit, count)
        bytes.withUnsafeBytes { all in body(UnsafeRawBufferPointer(rebasing: all[readOffset..<(readOffset + length)])) }
        readOffset += length
        if readOffset == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.capacity <= 64 * 1024)
            readOffset = 0
        } else if readOffset > 64 * 1024 && readOffset * 2 > bytes.count {
            bytes.removeSubrange(0..<readOffset)
            readOffset = 0
        }
    }

    /// Drops everything (the stream was reset); returns the octets dropped.
    mutating func removeAll() -> Int {
        let dropped = count
        self = OutboundBuffer()
        return dropped
    }
}

/// A frame of a type this engine does not implement. It is handed up as it came, for
/// extensions, and otherwise ignored and discarded (RFC 9113 §4.1, §5.5).
public struct UnknownFrame: Equatable {
    /// The frame type.
    public var type: FrameType
    /// All 8 flag bits as received; their meaning belongs to the extension.
    public var flags: FrameFlags
    /// The stream, reserved bit dropped.
    public var streamID: StreamID
    /// The whole payload, uninterpreted.
    public var payload: BorrowedBytes

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(type: FrameType, flags: FrameFlags, streamID: StreamID, payload: BorrowedBytes) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
    }

    /// Wraps any payload; never fails.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) -> UnknownFrame {
        UnknownFrame(type: header.type, flags: header.flags, streamID: header.streamID, payload: payload)
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: payload.count, type: type, flags: flags, streamID: streamID)
        buffer.appendBytes(payload.base)
    }
}

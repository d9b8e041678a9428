/// PRIORITY_UPDATE (type 0x10): the Extensible Priorities signal for a stream, sent on
/// stream 0 (RFC 9218 §7.1).
public struct PriorityUpdateFrame: Equatable {
    /// The stream whose priority changes.
    public var prioritizedStreamID: StreamID
    /// The Priority Field Value, ASCII text in Structured Fields syntax ("u=3, i"),
    /// not parsed here.
    public var fieldValue: BorrowedBytes

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(prioritizedStreamID: StreamID, fieldValue: BorrowedBytes) {
        self.prioritizedStreamID = prioritizedStreamID
        self.fieldValue = fieldValue
    }

    /// Parses a PRIORITY_UPDATE payload. `payload` is exactly `header.length` bytes.
    /// Every error is a connection error (stream 0 frame, RFC 9113 §4.2; RFC 9218 §7.1).
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> PriorityUpdateFrame {
        // RFC 9218 §7.1: PRIORITY_UPDATE on a non-zero stream is a connection error PROTOCOL_ERROR.
        guard header.streamID.isConnection else {
            throw .connection(.protocolError, "PRIORITY_UPDATE on a non-zero stream")
        }
        // RFC 9218 §7.1: shorter than the 4-octet Prioritized Stream ID is FRAME_SIZE_ERROR.
        guard payload.count >= 4 else {
            throw .connection(.frameSizeError, "PRIORITY_UPDATE shorter than 4 octets")
        }
        // The reserved bit before the Prioritized Stream ID is ignored (RFC 9113 §4.1).
        let prioritized = StreamID(payload.uint32(at: 0))
        // RFC 9218 §7.1: a Prioritized Stream ID of 0 is a connection error PROTOCOL_ERROR.
        guard !prioritized.isConnection else {
            throw .connection(.protocolError, "PRIORITY_UPDATE for stream 0")
        }
        return PriorityUpdateFrame(prioritizedStreamID: prioritized, fieldValue: payload.slice(4, payload.count))
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(
            length: 4 + fieldValue.count, type: .priorityUpdate, flags: [], streamID: .connection)
        buffer.appendUInt32(prioritizedStreamID.rawValue)
        buffer.appendBytes(fieldValue.base)
    }
}

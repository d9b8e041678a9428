/// PRIORITY (type 0x2): the deprecated RFC 7540 priority signal for a stream
/// (RFC 9113 §6.3, §5.3.2). It may arrive for a stream in any state.
public struct PriorityFrame: Equatable {
    /// Octets in a PRIORITY payload (RFC 9113 §6.3).
    public static let payloadLength = 5

    /// The stream; never 0 (RFC 9113 §6.3).
    public var streamID: StreamID
    /// Exclusive, Stream Dependency and Weight.
    public var priority: PriorityParameters

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(streamID: StreamID, priority: PriorityParameters) {
        self.streamID = streamID
        self.priority = priority
    }

    /// Parses a PRIORITY payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> PriorityFrame {
        // RFC 9113 §6.3: PRIORITY on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "PRIORITY on stream 0")
        }
        // RFC 9113 §6.3: a length other than 5 is a stream error FRAME_SIZE_ERROR.
        guard payload.count == payloadLength else {
            throw .stream(header.streamID, .frameSizeError, "PRIORITY length is not 5")
        }
        let priority = PriorityParameters(parsing: payload, at: 0)
        // RFC 7540 §5.3.1: a stream cannot depend on itself; stream error PROTOCOL_ERROR.
        guard priority.dependency != header.streamID else {
            throw .stream(header.streamID, .protocolError, "PRIORITY: stream depends on itself")
        }
        return PriorityFrame(streamID: header.streamID, priority: priority)
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: Self.payloadLength, type: .priority, flags: [], streamID: streamID)
        priority.serialize(into: &buffer)
    }
}

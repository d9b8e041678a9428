/// WINDOW_UPDATE (type 0x8): grants flow-control window on a stream, or on the
/// connection when the stream is 0 (RFC 9113 §6.9).
public struct WindowUpdateFrame: Equatable {
    /// Octets in a WINDOW_UPDATE payload (RFC 9113 §6.9).
    public static let payloadLength = 4
    /// The largest increment, 2^31-1 (RFC 9113 §6.9).
    public static let maxIncrement: UInt32 = 0x7FFF_FFFF

    /// The stream, or 0 for the connection window.
    public var streamID: StreamID
    /// Octets added to the window, 1...2^31-1 once parsed.
    public var increment: UInt32

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(streamID: StreamID, increment: UInt32) {
        self.streamID = streamID
        self.increment = increment
    }

    /// Parses a WINDOW_UPDATE payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> WindowUpdateFrame {
        // RFC 9113 §6.9: a length other than 4 is a connection error FRAME_SIZE_ERROR.
        guard payload.count == payloadLength else {
            throw .connection(.frameSizeError, "WINDOW_UPDATE length is not 4")
        }
        // The reserved bit before the increment is ignored (RFC 9113 §4.1).
        let increment = payload.uint32(at: 0) & maxIncrement
        // RFC 9113 §6.9: an increment of 0 is PROTOCOL_ERROR, a stream error on a stream
        // and a connection error on the connection window.
        guard increment != 0 else {
            if header.streamID.isConnection {
                throw .connection(.protocolError, "WINDOW_UPDATE increment of 0 on the connection")
            }
            throw .stream(header.streamID, .protocolError, "WINDOW_UPDATE increment of 0")
        }
        return WindowUpdateFrame(streamID: header.streamID, increment: increment)
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: Self.payloadLength, type: .windowUpdate, flags: [], streamID: streamID)
        buffer.appendUInt32(increment & Self.maxIncrement)
    }
}

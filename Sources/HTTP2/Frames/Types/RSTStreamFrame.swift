/// RST_STREAM (type 0x3): ends a stream at once (RFC 9113 §6.4).
public struct RSTStreamFrame: Equatable {
    /// Octets in a RST_STREAM payload (RFC 9113 §6.4).
    public static let payloadLength = 4

    /// The stream; never 0 (RFC 9113 §6.4).
    public var streamID: StreamID
    /// Why the stream ends (RFC 9113 §7); unknown codes are kept.
    public var errorCode: HTTP2ErrorCode

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(streamID: StreamID, errorCode: HTTP2ErrorCode) {
        self.streamID = streamID
        self.errorCode = errorCode
    }

    /// Parses a RST_STREAM payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> RSTStreamFrame {
        // RFC 9113 §6.4: RST_STREAM on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "RST_STREAM on stream 0")
        }
        // RFC 9113 §6.4: a length other than 4 is a connection error FRAME_SIZE_ERROR.
        guard payload.count == payloadLength else {
            throw .connection(.frameSizeError, "RST_STREAM length is not 4")
        }
        return RSTStreamFrame(streamID: header.streamID, errorCode: HTTP2ErrorCode(payload.uint32(at: 0)))
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: Self.payloadLength, type: .rstStream, flags: [], streamID: streamID)
        buffer.appendUInt32(errorCode.rawValue)
    }
}

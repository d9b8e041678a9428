/// GOAWAY (type 0x7): the sender stops accepting new streams; says which of the
/// receiver's streams may have been processed (RFC 9113 §6.8).
public struct GoAwayFrame: Equatable {
    /// The highest peer-initiated stream the sender may have acted on.
    public var lastStreamID: StreamID
    /// Why the connection is closing (RFC 9113 §7); unknown codes are kept.
    public var errorCode: HTTP2ErrorCode
    /// Opaque diagnostic data, possibly empty.
    public var debugData: BorrowedBytes

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(lastStreamID: StreamID, errorCode: HTTP2ErrorCode, debugData: BorrowedBytes = BorrowedBytes()) {
        self.lastStreamID = lastStreamID
        self.errorCode = errorCode
        self.debugData = debugData
    }

    /// Parses a GOAWAY payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> GoAwayFrame {
        // RFC 9113 §6.8: GOAWAY on a non-zero stream is a connection error PROTOCOL_ERROR.
        guard header.streamID.isConnection else {
            throw .connection(.protocolError, "GOAWAY on a non-zero stream")
        }
        // RFC 9113 §4.2: too small for the mandatory 8 octets; stream 0, so a connection error.
        guard payload.count >= 8 else {
            throw .connection(.frameSizeError, "GOAWAY shorter than 8 octets")
        }
        // The reserved bit before Last-Stream-ID is ignored (RFC 9113 §4.1).
        return GoAwayFrame(
            lastStreamID: StreamID(payload.uint32(at: 0)), errorCode: HTTP2ErrorCode(payload.uint32(at: 4)),
            debugData: payload.slice(8, payload.count))
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: 8 + debugData.count, type: .goAway, flags: [], streamID: .connection)
        buffer.appendUInt32(lastStreamID.rawValue)
        buffer.appendUInt32(errorCode.rawValue)
        buffer.appendBytes(debugData.base)
    }
}

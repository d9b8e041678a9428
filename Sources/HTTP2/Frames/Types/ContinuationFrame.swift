/// CONTINUATION (type 0x9): a further fragment of the field block started by HEADERS or
/// PUSH_PROMISE (RFC 9113 §6.10).
public struct ContinuationFrame: Equatable {
    /// The stream; never 0 (RFC 9113 §6.10).
    public var streamID: StreamID
    /// The field block fragment (RFC 9113 §4.3).
    public var fieldBlockFragment: BorrowedBytes
    /// END_HEADERS (0x04): this fragment ends the field block.
    public var endHeaders: Bool

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(streamID: StreamID, fieldBlockFragment: BorrowedBytes, endHeaders: Bool = true) {
        self.streamID = streamID
        self.fieldBlockFragment = fieldBlockFragment
        self.endHeaders = endHeaders
    }

    /// Parses a CONTINUATION payload. `payload` is exactly `header.length` bytes.
    /// That it follows HEADERS, PUSH_PROMISE or CONTINUATION without END_HEADERS on the
    /// same stream is checked by `FrameReader` (RFC 9113 §6.10).
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> ContinuationFrame {
        // RFC 9113 §6.10: CONTINUATION on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "CONTINUATION on stream 0")
        }
        return ContinuationFrame(
            streamID: header.streamID, fieldBlockFragment: payload, endHeaders: header.flags.contains(.endHeaders))
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(
            length: fieldBlockFragment.count, type: .continuation, flags: endHeaders ? .endHeaders : [],
            streamID: streamID)
        buffer.appendBytes(fieldBlockFragment.base)
    }
}

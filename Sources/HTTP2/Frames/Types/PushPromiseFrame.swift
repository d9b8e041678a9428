/// PUSH_PROMISE (type 0x5): announces a stream the sender will open, with the field
/// block of the promised request (RFC 9113 §6.6).
public struct PushPromiseFrame: Equatable {
    /// The stream the promise is associated with; never 0 (RFC 9113 §6.6).
    public var streamID: StreamID
    /// The stream being reserved. Whether it is a valid new stream (idle, right parity)
    /// is for the connection to check (RFC 9113 §6.6, §5.1.1).
    public var promisedStreamID: StreamID
    /// The field block fragment, padding removed (RFC 9113 §4.3).
    public var fieldBlockFragment: BorrowedBytes
    /// END_HEADERS (0x04): the field block is complete; otherwise CONTINUATION follows.
    public var endHeaders: Bool
    /// The Pad Length field when PADDED (0x08) is set, else nil.
    public var padLength: UInt8?

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(
        streamID: StreamID, promisedStreamID: StreamID, fieldBlockFragment: BorrowedBytes,
        endHeaders: Bool = true, padLength: UInt8? = nil
    ) {
        self.streamID = streamID
        self.promisedStreamID = promisedStreamID
        self.fieldBlockFragment = fieldBlockFragment
        self.endHeaders = endHeaders
        self.padLength = padLength
    }

    /// The flags this frame is sent with; undefined flags stay unset (RFC 9113 §4.1).
    public var flags: FrameFlags {
        var flags: FrameFlags = []
        if endHeaders { flags.insert(.endHeaders) }
        if padLength != nil { flags.insert(.padded) }
        return flags
    }

    /// Parses a PUSH_PROMISE payload. `payload` is exactly `header.length` bytes.
    /// All errors are connection errors: the frame carries a field block (§4.2).
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> PushPromiseFrame {
        // RFC 9113 §6.6: PUSH_PROMISE on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "PUSH_PROMISE on stream 0")
        }
        let (padLength, body) = try Padding.strip(payload, padded: header.flags.contains(.padded), fixedLength: 4)
        // The reserved bit before the Promised Stream ID is ignored (RFC 9113 §4.1).
        return PushPromiseFrame(
            streamID: header.streamID, promisedStreamID: StreamID(body.uint32(at: 0)),
            fieldBlockFragment: body.slice(4, body.count),
            endHeaders: header.flags.contains(.endHeaders), padLength: padLength)
    }

    var payloadLength: Int {
        var length = 4 + fieldBlockFragment.count
        if let padLength { length += 1 + Int(padLength) }
        return length
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: payloadLength, type: .pushPromise, flags: flags, streamID: streamID)
        if let padLength { buffer.append(padLength) }
        buffer.appendUInt32(promisedStreamID.rawValue)
        buffer.appendBytes(fieldBlockFragment.base)
        if let padLength { buffer.appendZeros(Int(padLength)) }
    }
}

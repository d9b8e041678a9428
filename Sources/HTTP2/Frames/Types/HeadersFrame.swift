/// HEADERS (type 0x1): opens a stream and carries the first fragment of a field block
/// (RFC 9113 §6.2).
public struct HeadersFrame: Equatable {
    /// The stream; never 0 (RFC 9113 §6.2).
    public var streamID: StreamID
    /// The field block fragment, padding and priority fields removed (RFC 9113 §4.3).
    public var fieldBlockFragment: BorrowedBytes
    /// END_STREAM (0x01): this field block is the last the sender sends on the stream.
    public var endStream: Bool
    /// END_HEADERS (0x04): the field block is complete; otherwise CONTINUATION follows.
    public var endHeaders: Bool
    /// The deprecated priority fields when PRIORITY (0x20) is set, else nil.
    public var priority: PriorityParameters?
    /// The Pad Length field when PADDED (0x08) is set, else nil.
    public var padLength: UInt8?

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(
        streamID: StreamID, fieldBlockFragment: BorrowedBytes, endStream: Bool = false,
        endHeaders: Bool = true, priority: PriorityParameters? = nil, padLength: UInt8? = nil
    ) {
        self.streamID = streamID
        self.fieldBlockFragment = fieldBlockFragment
        self.endStream = endStream
        self.endHeaders = endHeaders
        self.priority = priority
        self.padLength = padLength
    }

    /// True when the priority fields name the frame's own stream, which RFC 7540 §5.3.1
    /// (kept by RFC 9113 §5.3.2) makes a stream error of type PROTOCOL_ERROR. The frame
    /// parses anyway because its field block must still be decoded (RFC 9113 §4.3);
    /// `Frame.parse` reports it as `FrameResult.streamError` with the frame attached.
    public var dependsOnItself: Bool {
        priority?.dependency == streamID
    }

    /// The flags this frame is sent with; undefined flags stay unset (RFC 9113 §4.1).
    public var flags: FrameFlags {
        var flags: FrameFlags = []
        if endStream { flags.insert(.endStream) }
        if endHeaders { flags.insert(.endHeaders) }
        if padLength != nil { flags.insert(.padded) }
        if priority != nil { flags.insert(.priority) }
        return flags
    }

    /// Parses a HEADERS payload. `payload` is exactly `header.length` bytes.
    /// All errors are connection errors: HEADERS carries a field block, so it changes
    /// connection state (RFC 9113 §4.2).
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> HeadersFrame {
        // RFC 9113 §6.2: HEADERS on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "HEADERS on stream 0")
        }
        let hasPriority = header.flags.contains(.priority)
        let (padLength, body) = try Padding.strip(
            payload, padded: header.flags.contains(.padded),
            fixedLength: hasPriority ? PriorityParameters.size : 0)
        var priority: PriorityParameters? = nil
        var fragment = body
        if hasPriority {
            priority = PriorityParameters(parsing: body, at: 0)
            fragment = body.slice(PriorityParameters.size, body.count)
        }
        return HeadersFrame(
            streamID: header.streamID, fieldBlockFragment: fragment,
            endStream: header.flags.contains(.endStream), endHeaders: header.flags.contains(.endHeaders),
            priority: priority, padLength: padLength)
    }

    var payloadLength: Int {
        var length = fieldBlockFragment.count
        if priority != nil { length += PriorityParameters.size }
        if let padLength { length += 1 + Int(padLength) }
        return length
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: payloadLength, type: .headers, flags: flags, streamID: streamID)
        if let padLength { buffer.append(padLength) }
        priority?.serialize(into: &buffer)
        buffer.appendBytes(fieldBlockFragment.base)
        if let padLength { buffer.appendZeros(Int(padLength)) }
    }
}

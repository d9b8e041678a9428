/// DATA (type 0x0): a chunk of a message's content (RFC 9113 §6.1).
public struct DataFrame: Equatable {
    /// The stream; never 0 (RFC 9113 §6.1).
    public var streamID: StreamID
    /// The application data, padding removed.
    public var data: BorrowedBytes
    /// END_STREAM (0x01): the last frame the sender sends on the stream.
    public var endStream: Bool
    /// The Pad Length field when PADDED (0x08) is set, else nil.
    public var padLength: UInt8?

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(streamID: StreamID, data: BorrowedBytes, endStream: Bool = false, padLength: UInt8? = nil) {
        self.streamID = streamID
        self.data = data
        self.endStream = endStream
        self.padLength = padLength
    }

    /// What the frame counts against the flow-control windows: the whole payload,
    /// Pad Length field and padding included (RFC 9113 §6.1).
    public var flowControlledLength: Int {
        guard let padLength else { return data.count }
        return data.count + 1 + Int(padLength)
    }

    /// The flags this frame is sent with; undefined flags stay unset (RFC 9113 §4.1).
    public var flags: FrameFlags {
        var flags: FrameFlags = []
        if endStream { flags.insert(.endStream) }
        if padLength != nil { flags.insert(.padded) }
        return flags
    }

    /// Parses a DATA payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> DataFrame {
        // RFC 9113 §6.1: DATA on stream 0 is a connection error PROTOCOL_ERROR.
        guard !header.streamID.isConnection else {
            throw .connection(.protocolError, "DATA on stream 0")
        }
        let (padLength, body) = try Padding.strip(payload, padded: header.flags.contains(.padded), fixedLength: 0)
        return DataFrame(
            streamID: header.streamID, data: body,
            endStream: header.flags.contains(.endStream), padLength: padLength)
    }

    var payloadLength: Int { flowControlledLength }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(length: payloadLength, type: .data, flags: flags, streamID: streamID)
        if let padLength { buffer.append(padLength) }
        buffer.appendBytes(data.base)
        if let padLength { buffer.appendZeros(Int(padLength)) }
    }
}

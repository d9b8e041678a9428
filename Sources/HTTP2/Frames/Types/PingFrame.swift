/// PING (type 0x6): a round-trip probe, answered with the same 8 octets and ACK set
/// (RFC 9113 §6.7).
public struct PingFrame: Equatable {
    /// Octets in a PING payload (RFC 9113 §6.7).
    public static let payloadLength = 8

    /// ACK (0x01): this PING is a response.
    public var ack: Bool
    /// The 8 opaque octets, read as one big-endian integer.
    public var opaqueData: UInt64

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(ack: Bool = false, opaqueData: UInt64) {
        self.ack = ack
        self.opaqueData = opaqueData
    }

    /// Parses a PING payload. `payload` is exactly `header.length` bytes.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> PingFrame {
        // RFC 9113 §6.7: PING on a non-zero stream is a connection error PROTOCOL_ERROR.
        guard header.streamID.isConnection else {
            throw .connection(.protocolError, "PING on a non-zero stream")
        }
        // RFC 9113 §6.7: a length other than 8 is a connection error FRAME_SIZE_ERROR.
        guard payload.count == payloadLength else {
            throw .connection(.frameSizeError, "PING length is not 8")
        }
        return PingFrame(ack: header.flags.contains(.ack), opaqueData: payload.uint64(at: 0))
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(
            length: Self.payloadLength, type: .ping, flags: ack ? .ack : [], streamID: .connection)
        buffer.appendUInt64(opaqueData)
    }
}

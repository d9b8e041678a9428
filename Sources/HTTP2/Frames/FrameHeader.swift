/// The fixed 9-octet header that starts every frame (RFC 9113 §4.1).
public struct FrameHeader: Hashable, Sendable, CustomStringConvertible {
    /// Octets in a frame header.
    public static let size = 9
    /// The largest payload length the 24-bit field can carry, 2^24-1 (RFC 9113 §4.2).
    public static let maxLength = 0xFF_FFFF

    /// Payload length in octets, header excluded (24 bits).
    public var length: Int
    /// The frame type.
    public var type: FrameType
    /// All 8 flag bits as received, including bits the type does not define.
    public var flags: FrameFlags
    /// The stream, with the reserved bit already dropped (RFC 9113 §4.1).
    public var streamID: StreamID

    /// A header with these fields.
    public init(length: Int, type: FrameType, flags: FrameFlags, streamID: StreamID) {
        self.length = length
        self.type = type
        self.flags = flags
        self.streamID = streamID
    }

    /// Parses the first 9 octets of `bytes`; nil when fewer than 9 are given.
    /// The reserved bit is ignored on receipt (RFC 9113 §4.1).
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= FrameHeader.size else { return nil }
        length = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        type = FrameType(bytes[3])
        flags = FrameFlags(rawValue: bytes[4])
        streamID = StreamID(bytes.loadUnaligned(fromByteOffset: 5, as: UInt32.self).bigEndian)
    }

    public var description: String {
        "\(type) length=\(length) flags=0x\(String(flags.rawValue, radix: 16)) stream=\(streamID)"
    }
}

extension Array where Element == UInt8 {
    /// Appends a frame header; the reserved bit is written as zero (RFC 9113 §4.1).
    /// `length` must fit in 24 bits; the writer guarantees it.
    @inline(__always)
    mutating func appendFrameHeader(length: Int, type: FrameType, flags: FrameFlags, streamID: StreamID) {
        append(UInt8(truncatingIfNeeded: length >> 16))
        append(UInt8(truncatingIfNeeded: length >> 8))
        append(UInt8(truncatingIfNeeded: length))
        append(type.rawValue)
        append(flags.rawValue)
        appendUInt32(streamID.rawValue)
    }
}

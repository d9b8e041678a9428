/// The 8-bit flags field of the frame header (RFC 9113 §4.1).
///
/// The meaning of a bit depends on the frame type; each frame struct reads only the
/// flags its type defines, so unused flags are ignored on receipt and never set on
/// send (RFC 9113 §4.1).
public struct FrameFlags: OptionSet, Hashable, Sendable {
    /// The flags octet.
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// END_STREAM (0x01) on DATA and HEADERS (RFC 9113 §6.1, §6.2).
    public static let endStream = FrameFlags(rawValue: 0x01)
    /// ACK (0x01) on SETTINGS and PING (RFC 9113 §6.5, §6.7).
    public static let ack = FrameFlags(rawValue: 0x01)
    /// END_HEADERS (0x04) on HEADERS, PUSH_PROMISE, CONTINUATION (RFC 9113 §6.2, §6.6, §6.10).
    public static let endHeaders = FrameFlags(rawValue: 0x04)
    /// PADDED (0x08) on DATA, HEADERS, PUSH_PROMISE (RFC 9113 §6.1, §6.2, §6.6).
    public static let padded = FrameFlags(rawValue: 0x08)
    /// PRIORITY (0x20) on HEADERS (RFC 9113 §6.2).
    public static let priority = FrameFlags(rawValue: 0x20)
}

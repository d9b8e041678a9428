/// The 8-bit frame type of the frame header (RFC 9113 §4.1, §6).
///
/// Any value is representable: types this engine does not know are surfaced as
/// `Frame.unknown` for extensions and otherwise ignored (RFC 9113 §4.1, §5.5).
public struct FrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type octet.
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// DATA (RFC 9113 §6.1).
    public static let data = FrameType(0x0)
    /// HEADERS (RFC 9113 §6.2).
    public static let headers = FrameType(0x1)
    /// PRIORITY (RFC 9113 §6.3).
    public static let priority = FrameType(0x2)
    /// RST_STREAM (RFC 9113 §6.4).
    public static let rstStream = FrameType(0x3)
    /// SETTINGS (RFC 9113 §6.5).
    public static let settings = FrameType(0x4)
    /// PUSH_PROMISE (RFC 9113 §6.6).
    public static let pushPromise = FrameType(0x5)
    /// PING (RFC 9113 §6.7).
    public static let ping = FrameType(0x6)
    /// GOAWAY (RFC 9113 §6.8).
    public static let goAway = FrameType(0x7)
    /// WINDOW_UPDATE (RFC 9113 §6.9).
    public static let windowUpdate = FrameType(0x8)
    /// CONTINUATION (RFC 9113 §6.10).
    public static let continuation = FrameType(0x9)
    /// PRIORITY_UPDATE (RFC 9218 §7.1).
    public static let priorityUpdate = FrameType(0x10)

    /// The RFC name of a known type ("WINDOW_UPDATE"), or nil.
    public var name: String? {
        switch rawValue {
        case 0x0: return "DATA"
        case 0x1: return "HEADERS"
        case 0x2: return "PRIORITY"
        case 0x3: return "RST_STREAM"
        case 0x4: return "SETTINGS"
        case 0x5: return "PUSH_PROMISE"
        case 0x6: return "PING"
        case 0x7: return "GOAWAY"
        case 0x8: return "WINDOW_UPDATE"
        case 0x9: return "CONTINUATION"
        case 0x10: return "PRIORITY_UPDATE"
        default: return nil
        }
    }

    public var description: String {
        name ?? "UNKNOWN(0x" + String(rawValue, radix: 16) + ")"
    }
}

/// A SETTINGS parameter identifier (RFC 9113 §6.5.2). Unknown identifiers are kept so
/// that the receiver can ignore them (RFC 9113 §6.5.2, §5.5).
public struct SettingIdentifier: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit identifier.
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// SETTINGS_HEADER_TABLE_SIZE (0x1).
    public static let headerTableSize = SettingIdentifier(0x1)
    /// SETTINGS_ENABLE_PUSH (0x2).
    public static let enablePush = SettingIdentifier(0x2)
    /// SETTINGS_MAX_CONCURRENT_STREAMS (0x3).
    public static let maxConcurrentStreams = SettingIdentifier(0x3)
    /// SETTINGS_INITIAL_WINDOW_SIZE (0x4).
    public static let initialWindowSize = SettingIdentifier(0x4)
    /// SETTINGS_MAX_FRAME_SIZE (0x5).
    public static let maxFrameSize = SettingIdentifier(0x5)
    /// SETTINGS_MAX_HEADER_LIST_SIZE (0x6).
    public static let maxHeaderListSize = SettingIdentifier(0x6)
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8, RFC 8441).
    public static let enableConnectProtocol = SettingIdentifier(0x8)
    /// SETTINGS_NO_RFC7540_PRIORITIES (0x9, RFC 9218 §2.1).
    public static let noRFC7540Priorities = SettingIdentifier(0x9)

    public var description: String {
        switch rawValue {
        case 0x1: return "HEADER_TABLE_SIZE"
        case 0x2: return "ENABLE_PUSH"
        case 0x3: return "MAX_CONCURRENT_STREAMS"
        case 0x4: return "INITIAL_WINDOW_SIZE"
        case 0x5: return "MAX_FRAME_SIZE"
        case 0x6: return "MAX_HEADER_LIST_SIZE"
        case 0x8: return "ENABLE_CONNECT_PROTOCOL"
        case 0x9: return "NO_RFC7540_PRIORITIES"
        default: return "UNKNOWN(0x" + String(rawValue, radix: 16) + ")"
        }
    }
}

/// One setting: a 16-bit identifier and a 32-bit value (RFC 9113 §6.5.1).
public struct Setting: Hashable, Sendable, CustomStringConvertible {
    /// Octets one setting takes on the wire.
    public static let size = 6

    /// Which setting.
    public var identifier: SettingIdentifier
    /// Its value (RFC 9113 §6.5.1: 32 bits).
    public var value: UInt32

    /// A setting with this identifier and value.
    public init(_ identifier: SettingIdentifier, _ value: UInt32) {
        self.identifier = identifier
        self.value = value
    }

    /// The RFC 9113 §6.5.2 range rules that hold whoever sends the setting:
    /// ENABLE_PUSH other than 0 or 1 is PROTOCOL_ERROR, INITIAL_WINDOW_SIZE above 2^31-1
    /// is FLOW_CONTROL_ERROR, MAX_FRAME_SIZE outside 2^14...2^24-1 is PROTOCOL_ERROR,
    /// all connection errors. Rules that depend on the role (a server sending
    /// ENABLE_PUSH = 1) belong to the connection.
    public func validate() throws(HTTP2Error) {
        switch identifier {
        case .enablePush where value > 1:
            throw .connection(.protocolError, "SETTINGS_ENABLE_PUSH is not 0 or 1")
        case .initialWindowSize where value > 0x7FFF_FFFF:
            throw .connection(.flowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1")
        case .maxFrameSize where value < 16_384 || value > 16_777_215:
            throw .connection(.protocolError, "SETTINGS_MAX_FRAME_SIZE outside 2^14...2^24-1")
        default:
            return
        }
    }

    public var description: String { "\(identifier)=\(value)" }
}

/// The settings of a SETTINGS frame, read in place from the payload in the order they
/// were sent (RFC 9113 §6.5.3: processed in order; the last value of a repeated
/// identifier wins).
public struct SettingsList: RandomAccessCollection, Equatable {
    /// The raw payload, a multiple of 6 octets.
    public let bytes: BorrowedBytes

    /// Views `bytes`; a trailing partial setting is ignored.
    public init(_ bytes: BorrowedBytes) {
        self.bytes = bytes
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { bytes.count / Setting.size }

    /// The setting at `position` (0-based, in wire order).
    public subscript(position: Int) -> Setting {
        let offset = position * Setting.size
        return Setting(SettingIdentifier(bytes.uint16(at: offset)), bytes.uint32(at: offset + 2))
    }
}

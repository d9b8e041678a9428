/// A 31-bit stream identifier (RFC 9113 §5.1.1).
///
/// The reserved high bit of the 32-bit wire field is never part of the value: it is
/// cleared on receipt and written as zero (RFC 9113 §4.1).
public struct StreamID: RawRepresentable, Hashable, Comparable, Sendable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The identifier, always below 2^31.
    public let rawValue: UInt32

    /// The largest stream identifier, 2^31-1.
    public static let max = StreamID(0x7FFF_FFFF)
    /// Stream 0: frames about the connection as a whole (RFC 9113 §4.1).
    public static let connection = StreamID(0)

    /// Keeps the low 31 bits of `rawValue` (the reserved bit is dropped).
    public init(rawValue: UInt32) {
        self.rawValue = rawValue & 0x7FFF_FFFF
    }

    /// Keeps the low 31 bits of `value` (the reserved bit is dropped).
    public init(_ value: UInt32) {
        self.init(rawValue: value)
    }

    public init(integerLiteral value: UInt32) {
        self.init(rawValue: value)
    }

    /// True for stream 0, the connection itself.
    public var isConnection: Bool { rawValue == 0 }

    /// True for an odd identifier: a stream a client opens (RFC 9113 §5.1.1).
    public var isClientInitiated: Bool { rawValue & 1 == 1 }

    /// True for an even, non-zero identifier: a stream a server opens (RFC 9113 §5.1.1).
    public var isServerInitiated: Bool { rawValue != 0 && rawValue & 1 == 0 }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

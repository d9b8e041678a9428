/// An HTTP/2 error code, carried by RST_STREAM and GOAWAY (RFC 9113 §7).
///
/// Codes this engine does not know are kept as they are: RFC 9113 §7 says unknown
/// codes MUST NOT trigger any special behavior, so they are preserved, not mapped.
public struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit code as sent on the wire.
    public var rawValue: UInt32

    /// Wraps any 32-bit code, known or not.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Same as `init(rawValue:)`.
    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// NO_ERROR (0x00): graceful shutdown, or a stream no longer needed without error.
    public static let noError = HTTP2ErrorCode(0x0)
    /// PROTOCOL_ERROR (0x01): an unspecific protocol error.
    public static let protocolError = HTTP2ErrorCode(0x1)
    /// INTERNAL_ERROR (0x02): an unexpected internal error.
    public static let internalError = HTTP2ErrorCode(0x2)
    /// FLOW_CONTROL_ERROR (0x03): the peer violated flow control.
    public static let flowControlError = HTTP2ErrorCode(0x3)
    /// SETTINGS_TIMEOUT (0x04): SETTINGS were not acknowledged in time.
    public static let settingsTimeout = HTTP2ErrorCode(0x4)
    /// STREAM_CLOSED (0x05): a frame arrived after the stream was half-closed.
    public static let streamClosed = HTTP2ErrorCode(0x5)
    /// FRAME_SIZE_ERROR (0x06): a frame had an invalid size.
    public static let frameSizeError = HTTP2ErrorCode(0x6)
    /// REFUSED_STREAM (0x07): the stream was refused before any processing.
    public static let refusedStream = HTTP2ErrorCode(0x7)
    /// CANCEL (0x08): the stream is no longer needed.
    public static let cancel = HTTP2ErrorCode(0x8)
    /// COMPRESSION_ERROR (0x09): the field compression context cannot be maintained.
    public static let compressionError = HTTP2ErrorCode(0x9)
    /// CONNECT_ERROR (0x0a): the connection of a CONNECT request failed.
    public static let connectError = HTTP2ErrorCode(0xa)
    /// ENHANCE_YOUR_CALM (0x0b): the peer generates excessive load.
    public static let enhanceYourCalm = HTTP2ErrorCode(0xb)
    /// INADEQUATE_SECURITY (0x0c): the transport does not meet security requirements.
    public static let inadequateSecurity = HTTP2ErrorCode(0xc)
    /// HTTP_1_1_REQUIRED (0x0d): HTTP/1.1 must be used instead.
    public static let http11Required = HTTP2ErrorCode(0xd)

    /// The RFC name of a known code ("PROTOCOL_ERROR"), or nil for an unknown one.
    public var name: String? {
        switch rawValue {
        case 0x0: return "NO_ERROR"
        case 0x1: return "PROTOCOL_ERROR"
        case 0x2: return "INTERNAL_ERROR"
        case 0x3: return "FLOW_CONTROL_ERROR"
        case 0x4: return "SETTINGS_TIMEOUT"
        case 0x5: return "STREAM_CLOSED"
        case 0x6: return "FRAME_SIZE_ERROR"
        case 0x7: return "REFUSED_STREAM"
        case 0x8: return "CANCEL"
        case 0x9: return "COMPRESSION_ERROR"
        case 0xa: return "CONNECT_ERROR"
        case 0xb: return "ENHANCE_YOUR_CALM"
        case 0xc: return "INADEQUATE_SECURITY"
        case 0xd: return "HTTP_1_1_REQUIRED"
        default: return nil
        }
    }

    /// The RFC name, or "UNKNOWN(0x...)" for a code this engine does not know.
    public var description: String {
        if let name { return name }
        return "UNKNOWN(0x" + String(rawValue, radix: 16) + ")"
    }
}

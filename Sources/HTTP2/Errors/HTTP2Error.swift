/// A protocol error detected in what the peer sent, as a value (RFC 9113 §5.4).
///
/// `scope` says how the engine answers it: a connection error ends the connection with
/// GOAWAY carrying `code` (§5.4.1); a stream error resets one stream with RST_STREAM
/// carrying `code` (§5.4.2) and the connection goes on.
public struct HTTP2Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether the error ends the connection or only one stream.
    public enum Scope: Hashable, Sendable {
        /// A connection error (RFC 9113 §5.4.1).
        case connection
        /// A stream error on the given stream (RFC 9113 §5.4.2).
        case stream(StreamID)
    }

    /// The RFC 9113 §7 code to send in GOAWAY or RST_STREAM.
    public var code: HTTP2ErrorCode
    /// Connection or stream.
    public var scope: Scope
    /// A short reason for logs and GOAWAY debug data; never parsed.
    public var reason: String

    /// Makes an error with an explicit scope.
    public init(code: HTTP2ErrorCode, scope: Scope, reason: String) {
        self.code = code
        self.scope = scope
        self.reason = reason
    }

    /// A connection error (RFC 9113 §5.4.1).
    public static func connection(_ code: HTTP2ErrorCode, _ reason: String) -> HTTP2Error {
        HTTP2Error(code: code, scope: .connection, reason: reason)
    }

    /// A stream error on `streamID` (RFC 9113 §5.4.2).
    public static func stream(_ streamID: StreamID, _ code: HTTP2ErrorCode, _ reason: String) -> HTTP2Error {
        HTTP2Error(code: code, scope: .stream(streamID), reason: reason)
    }

    /// True for a connection error.
    public var isConnectionError: Bool {
        if case .connection = scope { return true }
        return false
    }

    /// The stream of a stream error, nil for a connection error.
    public var streamID: StreamID? {
        if case .stream(let id) = scope { return id }
        return nil
    }

    public var description: String {
        switch scope {
        case .connection:
            return "connection error \(code): \(reason)"
        case .stream(let id):
            return "stream error on \(id.rawValue) \(code): \(reason)"
        }
    }
}

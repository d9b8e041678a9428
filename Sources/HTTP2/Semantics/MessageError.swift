/// Why a request, response or trailer section is malformed (RFC 9113 §8.1.1).
///
/// Every malformed message is answered the same way: a stream error of type
/// PROTOCOL_ERROR (§8.1.1), optionally preceded by a 400 response for a request (§8.2.1).
/// `kind` lets callers and tests tell the rules apart; `reason` is a short, fixed text for
/// logs. Neither ever echoes the peer's bytes: `fieldIndex` says which field was at fault.
public struct MessageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule a message broke.
    public enum Kind: Hashable, Sendable {
        /// A field name is empty, has an uppercase letter, a colon, or a byte outside the
        /// token characters (§8.2, §8.2.1; RFC 9110 §5.1).
        case invalidFieldName
        /// A field value has NUL, CR, LF or another control byte, or starts or ends with
        /// SP or HTAB (§8.2.1; RFC 9110 §5.5).
        case invalidFieldValue
        /// A connection-specific field (connection, proxy-connection, keep-alive,
        /// transfer-encoding, upgrade) or `te` with a value other than "trailers" (§8.2.2).
        case connectionSpecificField
        /// A pseudo-header field that is undefined, or defined for the other message kind,
        /// or present in trailers (§8.1, §8.3).
        case invalidPseudoHeader
        /// A pseudo-header field after a regular field (§8.3).
        case pseudoHeaderAfterRegularField
        /// The same pseudo-header field twice (§8.3).
        case duplicatePseudoHeader
        /// A mandatory pseudo-header field is absent (§8.3.1, §8.3.2, §8.5; RFC 8441 §4).
        case missingPseudoHeader
        /// A pseudo-header field that must be omitted is present, e.g. `:path` in CONNECT
        /// (§8.5), or `:protocol` with a method other than CONNECT (RFC 8441 §4).
        case unexpectedPseudoHeader
        /// A pseudo-header field's value is invalid: bad method token, scheme, path,
        /// authority or status (§8.3.1, §8.3.2, §8.6).
        case invalidPseudoHeaderValue
        /// A Host field that disagrees with `:authority`, or more than one Host
        /// (§8.3.1; RFC 9110 §7.2).
        case hostMismatch
        /// A content-length that is not a non-negative decimal, or several that differ
        /// (§8.1.1; RFC 9110 §8.6).
        case invalidContentLength
        /// The DATA octets of the message differ from its content-length (§8.1.1).
        case contentLengthMismatch
        /// A HEADERS frame breaks the message framing: an informational response with
        /// END_STREAM, or a second field block without END_STREAM (§8.1).
        case invalidFraming
        /// A promised request that is not safe and cacheable, or that has content (§8.4, §8.4.1).
        case invalidPushPromise
    }

    /// The rule that was broken.
    public var kind: Kind
    /// A short fixed text for logs; never contains the peer's bytes.
    public var reason: String
    /// The position in the field list of the offending field, when one field is at fault.
    public var fieldIndex: Int?

    /// Makes an error.
    public init(_ kind: Kind, _ reason: String, fieldIndex: Int? = nil) {
        self.kind = kind
        self.reason = reason
        self.fieldIndex = fieldIndex
    }

    /// The error code to reset the stream with: always PROTOCOL_ERROR (§8.1.1).
    public var code: HTTP2ErrorCode { .protocolError }

    /// The stream error the engine sends for this malformed message (§8.1.1, §5.4.2).
    public func streamError(on streamID: StreamID) -> HTTP2Error {
        .stream(streamID, .protocolError, reason)
    }

    public var description: String {
        if let fieldIndex {
            return "malformed message: \(reason) (field \(fieldIndex))"
        }
        return "malformed message: \(reason)"
    }
}

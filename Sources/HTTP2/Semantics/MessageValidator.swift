import HPACK

/// RFC 9113 §8 validation of decoded field blocks: the connection engine calls it for
/// every request, response and trailer section it receives, and resets the stream with
/// PROTOCOL_ERROR when it fails (§8.1.1).
///
/// Each call walks the field list once, on borrowed bytes; it allocates only the few
/// `String`s of a `RequestHead`. It never traps, whatever the bytes. The same functions
/// can check what the local application is about to send (§8.2.2 and §8.3 forbid
/// generating what they reject).
public enum MessageValidator {
    /// Validates a request field block received by a server (or carried by PUSH_PROMISE,
    /// see `validatePushPromise`).
    ///
    /// Checks §8.2.1 field syntax, §8.2.2 connection-specific fields, §8.3 pseudo-header
    /// placement, §8.3.1 request pseudo-headers, §8.5 CONNECT, RFC 8441 extended CONNECT,
    /// Host against `:authority`, and the content-length syntax (§8.1.1).
    ///
    /// - Parameters:
    ///   - fields: the decoded field block.
    ///   - extendedConnectEnabled: this endpoint advertised SETTINGS_ENABLE_CONNECT_PROTOCOL=1
    ///     (RFC 8441 §3); without it `:protocol` is an undefined pseudo-header.
    public static func validateRequest(_ fields: HeaderList, extendedConnectEnabled: Bool)
        -> Result<RequestHead, MessageError>
    {
        Result { () throws(MessageError) in
            try RequestValidation.validate(fields, extendedConnectEnabled: extendedConnectEnabled)
        }
    }

    /// Validates the promised request of a PUSH_PROMISE received by a client (§8.4, §8.4.1).
    ///
    /// On top of `validateRequest`: the method must be safe and cacheable (GET or HEAD,
    /// RFC 9110 §9.2.1, §9.2.3), and the request must not announce content (a non-zero
    /// content-length). A failure is a stream error PROTOCOL_ERROR on the promised stream.
    /// Whether the server is authoritative for `:authority` (§8.4, §10.1) is left to the
    /// caller, which knows the TLS certificate.
    public static func validatePushPromise(_ fields: HeaderList) -> Result<RequestHead, MessageError> {
        Result { () throws(MessageError) in
            let head = try RequestValidation.validate(fields, extendedConnectEnabled: false)
            // RFC 9113 §8.4: promised requests MUST be safe and cacheable.
            guard head.method == "GET" || head.method == "HEAD" else {
                throw MessageError(.invalidPushPromise, "promised request method is not safe and cacheable")
            }
            // RFC 9113 §8.4: a promised request cannot include content.
            if let length = head.contentLength, length > 0 {
                throw MessageError(.invalidPushPromise, "promised request with content")
            }
            return head
        }
    }

    /// Validates a response field block received by a client.
    ///
    /// Checks §8.2.1 field syntax, §8.2.2, §8.3 placement, §8.3.2 `:status`, §8.6 (no 101),
    /// §8.1 (no 1xx with END_STREAM) and the content-length syntax (§8.1.1).
    ///
    /// - Parameters:
    ///   - fields: the decoded field block.
    ///   - requestMethod: the `:method` of the request this answers (for a pushed response,
    ///     the promised request's): a response to HEAD has no content (§8.1.1), a 2xx
    ///     response to CONNECT makes a tunnel and its content-length is ignored (RFC 9110 §9.3.6).
    ///   - informationalAllowed: false when the HEADERS frame has END_STREAM (§8.1).
    public static func validateResponse(_ fields: HeaderList, requestMethod: String,
                                        informationalAllowed: Bool = true) -> Result<ResponseHead, MessageError>
    {
        validateResponse(fields, isHeadRequest: requestMethod == "HEAD", isConnectRequest: requestMethod == "CONNECT",
                         informationalAllowed: informationalAllowed)
    }

    /// `validateResponse(_:requestMethod:informationalAllowed:)` for an engine that keeps
    /// two flags per stream instead of the request method (methods are case-sensitive,
    /// RFC 9110 §9.1: only "HEAD" and "CONNECT" set them).
    public static func validateResponse(_ fields: HeaderList, isHeadRequest: Bool, isConnectRequest: Bool = false,
                                        informationalAllowed: Bool = true) -> Result<ResponseHead, MessageError>
    {
        Result { () throws(MessageError) in
            try ResponseValidation.validate(fields, isHeadRequest: isHeadRequest, isConnectRequest: isConnectRequest,
                                            informationalAllowed: informationalAllowed)
        }
    }

    /// Validates a trailer section (request or response): the §8.2.1 and §8.2.2 field
    /// rules, and no pseudo-header field at all (§8.1). Content-length and Host carry no
    /// meaning here and are not looked at beyond their syntax as fields.
    public static func validateTrailers(_ fields: HeaderList) -> Result<Void, MessageError> {
        Result { () throws(MessageError) in
            try TrailerValidation.validate(fields)
        }
    }

    /// Validates `fields` as `kind` (see `FieldBlockKind.next(receivedBy:headReceived:endStream:)`).
    ///
    /// - Parameters:
    ///   - requestMethod: for `.response`, the method of the request; nil is handled like
    ///     a method with no special rule (neither HEAD nor CONNECT).
    ///   - extendedConnectEnabled: for `.request`, see `validateRequest`.
    public static func validate(_ fields: HeaderList, as kind: FieldBlockKind, requestMethod: String? = nil,
                                extendedConnectEnabled: Bool = false) -> Result<ValidatedFieldBlock, MessageError>
    {
        switch kind {
        case .request:
            return validateRequest(fields, extendedConnectEnabled: extendedConnectEnabled).map { .request($0) }
        case .response(let informationalAllowed):
            return validateResponse(fields, requestMethod: requestMethod ?? "",
                                    informationalAllowed: informationalAllowed).map { .response($0) }
        case .trailers:
            return validateTrailers(fields).map { .trailers }
        }
    }

    /// Calls `body` with each field's borrowed name and value, its index and its provenance
    /// (which syntax checks its bytes already passed, see `FieldProvenance`), stopping at
    /// the first error.
    @inline(__always)
    static func walk(_ fields: HeaderList,
                     _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Int, FieldProvenance) throws(MessageError) -> Void)
        throws(MessageError)
    {
        try fields.forEachFieldWithProvenance(body)
    }
}

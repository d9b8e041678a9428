import HPACK

/// The single walk over a response field block (RFC 9113 §8.3.2), then the status rules.
struct ResponseValidation {
    let isHeadRequest: Bool
    let isConnectRequest: Bool

    var sawRegularField = false
    var firstRegularFieldIndex: Int?
    var status: Int?
    var contentLength: Int?

    static func validate(_ fields: HeaderList, isHeadRequest: Bool, isConnectRequest: Bool,
                         informationalAllowed: Bool) throws(MessageError) -> ResponseHead {
        var state = ResponseValidation(isHeadRequest: isHeadRequest, isConnectRequest: isConnectRequest)
        try MessageValidator.walk(fields) { name, value, index, provenance throws(MessageError) in
            try state.visit(name, value, index: index, provenance: provenance)
        }
        guard let status = state.status else {
            // RFC 9113 §8.3.2: :status MUST be in every response, interim ones too.
            throw MessageError(.missingPseudoHeader, "missing :status")
        }
        let isInformational = status < 200
        if isInformational && !informationalAllowed {
            // RFC 9113 §8.1: a HEADERS frame with END_STREAM and a 1xx status is malformed.
            throw MessageError(.invalidFraming, "informational response with END_STREAM")
        }
        // RFC 9113 §8.1.1, RFC 9110 §6.4.1: responses to HEAD, and 1xx, 204 and 304
        // responses have no content. RFC 9110 §8.6 forbids a server to send content-length
        // in 1xx and 204 responses; a client receiving one is lenient here (the value is
        // still checked as a number and reported), as the content is held to 0 octets anyway.
        let hasNoContent = state.isHeadRequest || isInformational || status == 204 || status == 304
        return ResponseHead(
            status: status, contentLength: state.contentLength, isInformational: isInformational,
            hasNoContent: hasNoContent, isTunnel: state.isTunnel(status),
            headers: fields, firstRegularFieldIndex: state.firstRegularFieldIndex ?? fields.count)
    }

    /// A 2xx answer to CONNECT turns the stream into a tunnel (RFC 9110 §9.3.6, RFC 9113 §8.5).
    func isTunnel(_ status: Int) -> Bool {
        isConnectRequest && status >= 200 && status < 300
    }

    mutating func visit(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
                        index: Int, provenance: FieldProvenance = []) throws(MessageError) {
        guard name.first == 0x3A else {  // ':'
            if !sawRegularField {
                sawRegularField = true
                firstRegularFieldIndex = index
            }
            if try checkRegularField(name, value, index: index, provenance: provenance) == .contentLength {
                // RFC 9110 §9.3.6: a client MUST ignore content-length in a 2xx response to
                // CONNECT, so it is neither parsed nor reported there.
                if let status, isTunnel(status) { return }
                try ContentLength.parse(value, into: &contentLength, index: index)
            }
            return
        }
        guard let pseudo = try checkPseudoField(name, value, index: index, afterRegularField: sawRegularField,
                                                   provenance: provenance) else {
            // RFC 9113 §8.3: undefined pseudo-header fields make the response malformed.
            throw MessageError(.invalidPseudoHeader, "undefined pseudo-header field", fieldIndex: index)
        }
        guard pseudo == .status else {
            // RFC 9113 §8.3: request pseudo-header fields MUST NOT appear in responses.
            throw MessageError(.invalidPseudoHeader, "request pseudo-header field in a response", fieldIndex: index)
        }
        guard status == nil else {
            // RFC 9113 §8.3: the same pseudo-header field MUST NOT appear twice.
            throw MessageError(.duplicatePseudoHeader, "repeated pseudo-header field", fieldIndex: index)
        }
        status = try Self.parseStatus(value, index: index)
    }

    /// RFC 9113 §8.3.2, RFC 9110 §15: the status code is three digits. Codes below 100 have
    /// no class and are malformed; 600...999 are accepted (RFC 9110 §15: a client SHOULD
    /// handle them as 5xx). 101 is malformed: HTTP/2 does not support it (§8.6).
    static func parseStatus(_ value: UnsafeRawBufferPointer, index: Int) throws(MessageError) -> Int {
        guard value.count == 3 else {
            throw MessageError(.invalidPseudoHeaderValue, ":status is not three digits", fieldIndex: index)
        }
        var status = 0
        for byte in value {
            guard byte >= 0x30 && byte <= 0x39 else {
                throw MessageError(.invalidPseudoHeaderValue, ":status is not three digits", fieldIndex: index)
            }
            status = status * 10 + Int(byte &- 0x30)
        }
        guard status >= 100 else {
            throw MessageError(.invalidPseudoHeaderValue, ":status below 100", fieldIndex: index)
        }
        guard status != 101 else {
            throw MessageError(.invalidPseudoHeaderValue, "101 Switching Protocols in HTTP/2", fieldIndex: index)
        }
        return status
    }
}

/// The walk over a trailer section (RFC 9113 §8.1): regular fields only.
enum TrailerValidation {
    static func validate(_ fields: HeaderList) throws(MessageError) {
        try MessageValidator.walk(fields) { name, value, index, provenance throws(MessageError) in
            if name.first == 0x3A {  // ':'
                // RFC 9113 §8.1, §8.3: trailers MUST NOT include pseudo-header fields.
                throw MessageError(.invalidPseudoHeader, "pseudo-header field in trailers", fieldIndex: index)
            }
            _ = try checkRegularField(name, value, index: index, provenance: provenance)
        }
    }
}

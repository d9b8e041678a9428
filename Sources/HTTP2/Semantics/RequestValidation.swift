import HPACK

/// The single walk over a request field block (RFC 9113 §8.3.1, §8.5, RFC 8441 §4), then
/// the rules that need the pseudo-header fields together.
struct RequestValidation {
    let extendedConnectEnabled: Bool

    var sawRegularField = false
    var firstRegularFieldIndex: Int?

    var methodIndex: Int?
    var isConnect = false
    var isOptions = false
    var schemeIndex: Int?
    var isHTTPScheme = false
    /// "80" for http, "443" for https, for the Host comparison.
    var defaultPort: StaticString?
    var authorityIsEmpty = false
    var authorityIndex: Int?
    var authorityHasUserinfo = false
    var pathIndex: Int?
    var pathFirstByte: UInt8?
    var pathIsAsterisk = false
    var protocolIndex: Int?
    var hostIndex: Int?
    var contentLength: Int?

    static func validate(_ fields: HeaderList, extendedConnectEnabled: Bool) throws(MessageError) -> RequestHead {
        var state = RequestValidation(extendedConnectEnabled: extendedConnectEnabled)
        try MessageValidator.walk(fields) { name, value, index, provenance throws(MessageError) in
            try state.visit(name, value, index: index, provenance: provenance)
        }
        return try state.finish(fields)
    }

    mutating func visit(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
                        index: Int, provenance: FieldProvenance = []) throws(MessageError) {
        guard name.first == 0x3A else {  // ':'
            if !sawRegularField {
                sawRegularField = true
                firstRegularFieldIndex = index
            }
            // The common case, a copy of checked bytes with a name no rule is about: nothing
            // more to do once the name is classified (checkRegularField would do the same).
            if provenance == .checkedField && KnownField(name: name) == .other { return }
            switch try checkRegularField(name, value, index: index, provenance: provenance) {
            case .contentLength:
                try ContentLength.parse(value, into: &contentLength, index: index)
            case .host:
                // RFC 9110 §7.2, RFC 9112 §3.2: more than one Host is a bad request.
                guard hostIndex == nil else {
                    throw MessageError(.hostMismatch, "more than one host field", fieldIndex: index)
                }
                hostIndex = index
            case .other, .te, .connectionSpecific:
                break
            }
            return
        }
        guard let pseudo = try checkPseudoField(name, value, index: index, afterRegularField: sawRegularField,
                                                   provenance: provenance) else {
            // RFC 9113 §8.3: undefined pseudo-header fields make the request malformed.
            throw MessageError(.invalidPseudoHeader, "undefined pseudo-header field", fieldIndex: index)
        }
        switch pseudo {
        case .method:
            guard methodIndex == nil else { throw Self.duplicate(index) }
            // RFC 9110 §9.1: a method is a token (case-sensitive).
            guard FieldSyntax.allIn(value, .token) else {
                throw MessageError(.invalidPseudoHeaderValue, ":method is not a token", fieldIndex: index)
            }
            isConnect = FieldSyntax.equals(value, "CONNECT")
            isOptions = FieldSyntax.equals(value, "OPTIONS")
            methodIndex = index
        case .scheme:
            guard schemeIndex == nil else { throw Self.duplicate(index) }
            // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
            guard let first = value.first, FieldSyntax.lowercased(first) >= 0x61, FieldSyntax.lowercased(first) <= 0x7A,
                  FieldSyntax.allIn(value, .scheme)
            else {
                throw MessageError(.invalidPseudoHeaderValue, ":scheme is not a URI scheme", fieldIndex: index)
            }
            // Schemes are case-insensitive (RFC 3986 §3.1): "HTTPS" gets the http(s) rules too.
            if FieldSyntax.equalsIgnoringCase(value, "http") {
                isHTTPScheme = true
                defaultPort = "80"
            } else if FieldSyntax.equalsIgnoringCase(value, "https") {
                isHTTPScheme = true
                defaultPort = "443"
            }
            schemeIndex = index
        case .authority:
            guard authorityIndex == nil else { throw Self.duplicate(index) }
            // An authority never holds whitespace (RFC 3986 §3.2); refusing it keeps the
            // value safe to put in an HTTP/1.1 Host line.
            guard !FieldSyntax.containsWhitespace(value) else {
                throw MessageError(.invalidPseudoHeaderValue, "whitespace in :authority", fieldIndex: index)
            }
            authorityHasUserinfo = FieldSyntax.contains(value, 0x40)  // '@'
            authorityIndex = index
            authorityIsEmpty = value.isEmpty
        case .path:
            guard pathIndex == nil else { throw Self.duplicate(index) }
            // A path or query never holds whitespace (RFC 3986 §3.3, §3.4); refusing it
            // prevents request-line smuggling through HTTP/1.1 gateways.
            guard !FieldSyntax.containsWhitespace(value) else {
                throw MessageError(.invalidPseudoHeaderValue, "whitespace in :path", fieldIndex: index)
            }
            pathFirstByte = value.first
            pathIsAsterisk = value.count == 1 && value.first == 0x2A  // '*'
            pathIndex = index
        case .protocol:
            // RFC 8441 §3, §4: `:protocol` is defined only once we sent
            // SETTINGS_ENABLE_CONNECT_PROTOCOL=1; before that it is an undefined pseudo-header.
            guard extendedConnectEnabled else {
                throw MessageError(.invalidPseudoHeader, ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL",
                                   fieldIndex: index)
            }
            guard protocolIndex == nil else { throw Self.duplicate(index) }
            // RFC 8441 §4: the value is a protocol name from the Upgrade Token registry.
            guard FieldSyntax.allIn(value, .token) else {
                throw MessageError(.invalidPseudoHeaderValue, ":protocol is not a token", fieldIndex: index)
            }
            protocolIndex = index
        case .status:
            // RFC 9113 §8.3: response pseudo-header fields MUST NOT appear in requests.
            throw MessageError(.invalidPseudoHeader, "response pseudo-header field in a request", fieldIndex: index)
        }
    }

    static func duplicate(_ index: Int) -> MessageError {
        // RFC 9113 §8.3: the same pseudo-header field MUST NOT appear twice.
        MessageError(.duplicatePseudoHeader, "repeated pseudo-header field", fieldIndex: index)
    }

    /// The rules that need all the pseudo-header fields.
    func finish(_ fields: HeaderList) throws(MessageError) -> RequestHead {
        guard let methodIndex else {
            // RFC 9113 §8.3.1: every request has exactly one :method.
            throw MessageError(.missingPseudoHeader, "missing :method")
        }
        if protocolIndex != nil {
            // RFC 8441 §4: :protocol only with :method CONNECT; then :scheme and :path
            // are present as in a normal request, and :authority names the target.
            guard isConnect else {
                throw MessageError(.unexpectedPseudoHeader, ":protocol in a request that is not CONNECT",
                                   fieldIndex: firstIndex(of: ":protocol", in: fields))
            }
            guard schemeIndex != nil else { throw MessageError(.missingPseudoHeader, "extended CONNECT without :scheme") }
            guard pathIndex != nil else { throw MessageError(.missingPseudoHeader, "extended CONNECT without :path") }
            guard authorityIndex != nil else {
                throw MessageError(.missingPseudoHeader, "extended CONNECT without :authority")
            }
        } else if isConnect {
            // RFC 9113 §8.5: CONNECT has :authority (host and port) and no :scheme or :path.
            guard schemeIndex == nil else {
                throw MessageError(.unexpectedPseudoHeader, ":scheme in a CONNECT request",
                                   fieldIndex: firstIndex(of: ":scheme", in: fields))
            }
            guard pathIndex == nil else {
                throw MessageError(.unexpectedPseudoHeader, ":path in a CONNECT request", fieldIndex: pathIndex)
            }
            guard authorityIndex != nil else { throw MessageError(.missingPseudoHeader, "CONNECT without :authority") }
            // Authority-form is host ":" port (RFC 9110 §9.3.6): never empty, no userinfo.
            guard !authorityIsEmpty, !authorityHasUserinfo else {
                throw MessageError(.invalidPseudoHeaderValue, "CONNECT :authority is not host:port",
                                   fieldIndex: authorityIndex)
            }
        } else {
            // RFC 9113 §8.3.1: exactly one :method, :scheme and :path unless CONNECT.
            guard schemeIndex != nil else { throw MessageError(.missingPseudoHeader, "missing :scheme") }
            guard pathIndex != nil else { throw MessageError(.missingPseudoHeader, "missing :path") }
        }

        if isHTTPScheme {
            // RFC 9113 §8.3.1: :path MUST NOT be empty for http(s); it is '*' only for
            // OPTIONS (asterisk-form, RFC 9110 §7.1); otherwise the absolute-path
            // production, which starts with '/'.
            if pathIsAsterisk {
                guard isOptions else {
                    throw MessageError(.invalidPseudoHeaderValue, ":path '*' in a request that is not OPTIONS",
                                       fieldIndex: pathIndex)
                }
            } else if pathIndex != nil {
                guard let first = pathFirstByte else {
                    throw MessageError(.invalidPseudoHeaderValue, "empty :path", fieldIndex: pathIndex)
                }
                guard first == 0x2F else {  // '/'
                    throw MessageError(.invalidPseudoHeaderValue, ":path does not start with '/'",
                                       fieldIndex: pathIndex)
                }
            }
            if authorityIndex != nil {
                // RFC 9113 §8.3.1: no userinfo in :authority for http(s) URIs.
                guard !authorityHasUserinfo else {
                    throw MessageError(.invalidPseudoHeaderValue, "userinfo in :authority", fieldIndex: authorityIndex)
                }
                // RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid.
                guard !authorityIsEmpty else {
                    throw MessageError(.invalidPseudoHeaderValue, "empty :authority", fieldIndex: authorityIndex)
                }
            }
        }

        if let authorityIndex, let hostIndex {
            // RFC 9113 §8.3.1: a server SHOULD treat a Host that identifies another entity
            // than :authority as malformed; we do, after scheme-based normalization.
            let same = fields.withField(at: authorityIndex) { _, authorityBytes in
                fields.withField(at: hostIndex) { _, hostBytes in
                    AuthorityComparison.sameEntity(authorityBytes, hostBytes, defaultPort: defaultPort)
                }
            }
            guard same else {
                throw MessageError(.hostMismatch, "host differs from :authority", fieldIndex: hostIndex)
            }
        }

        return RequestHead(
            methodIndex: methodIndex, schemeIndex: schemeIndex, authorityIndex: authorityIndex, pathIndex: pathIndex,
            protocolIndex: protocolIndex, contentLength: contentLength, isConnect: isConnect, headers: fields,
            firstRegularFieldIndex: firstRegularFieldIndex ?? fields.count, hostIndex: hostIndex)
    }

    /// The index of the pseudo-header field `name`, for error reports (error path only).
    private func firstIndex(of name: StaticString, in fields: HeaderList) -> Int? {
        let end = firstRegularFieldIndex ?? fields.count
        for index in 0..<end where fields.withField(at: index, { n, _ in FieldSyntax.equals(n, name) }) {
            return index
        }
        return nil
    }
}

/// Compares `:authority` with Host (RFC 9113 §8.3.1), with the scheme-based normalization
/// of RFC 3986 §6.2.3 that servers other than origin servers MUST apply: host compared
/// ignoring ASCII case, an empty port or the scheme's default port (80 for http, 443 for
/// https) is the same as no port.
enum AuthorityComparison {
    static func sameEntity(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer,
                           defaultPort: StaticString?) -> Bool {
        let (hostA, portA) = split(a, defaultPort: defaultPort)
        let (hostB, portB) = split(b, defaultPort: defaultPort)
        guard hostA.count == hostB.count, portA.count == portB.count else { return false }
        for offset in 0..<hostA.count
        where FieldSyntax.lowercased(hostA[offset]) != FieldSyntax.lowercased(hostB[offset]) {
            return false
        }
        for offset in 0..<portA.count where portA[offset] != portB[offset] { return false }
        return true
    }

    /// Splits "host:port" into host and port; the port is empty when absent, empty, or the
    /// default one. A colon inside "[...]" (an IPv6 literal) is part of the host.
    static func split(_ authority: UnsafeRawBufferPointer, defaultPort: StaticString?)
        -> (host: UnsafeRawBufferPointer, port: UnsafeRawBufferPointer)
    {
        var colon: Int? = nil
        var offset = authority.count
        while offset > 0 {
            offset -= 1
            let byte = authority[offset]
            if byte == 0x3A {  // ':'
                colon = offset
                break
            }
            if byte < 0x30 || byte > 0x39 { break }  // not a port digit: no port
        }
        guard let colon else { return (authority, UnsafeRawBufferPointer(rebasing: authority[0..<0])) }
        let host = UnsafeRawBufferPointer(rebasing: authority[0..<colon])
        var port = UnsafeRawBufferPointer(rebasing: authority[(colon + 1)...])
        if let defaultPort, FieldSyntax.equals(port, defaultPort) {
            port = UnsafeRawBufferPointer(rebasing: authority[0..<0])
        }
        return (host, port)
    }
}

import COpenSSL

/// Server TLS settings: the certificate chain and key (PEM files) and the protocols ALPN
/// may select, in order of preference.
public struct TLSConfiguration: Sendable {
    public var certificateChainFile: String
    public var privateKeyFile: String
    /// ALPN offers, most preferred first: `["h2", "http/1.1"]` by default; `["http/1.1"]`
    /// serves HTTP/1.1 only.
    public var alpnOffers: [String]

    public init(certificateChainFile: String, privateKeyFile: String, alpnOffers: [String] = [ALPN.h2, ALPN.http11]) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.alpnOffers = alpnOffers
    }
}

/// An OpenSSL `SSL_CTX` set up for an HTTP/2 server (RFC 9113 §9.2): TLS 1.2 and 1.3
/// only; for TLS 1.2 ephemeral ECDHE key exchange with AEAD ciphers only (§9.2.2 lists
/// everything else as prohibited), no compression and no renegotiation (§9.2.1); ALPN
/// through `SSL_CTX_set_alpn_select_cb`. SNI is accepted (and logged), whatever the name.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured in init and only read afterwards; OpenSSL
    // allows a shared SSL_CTX to create SSL objects from many threads.
    let context: OpaquePointer
    public let configuration: TLSConfiguration
    /// The wire form of `alpnOffers`.
    let alpnWire: [UInt8]

    /// TLS 1.2 suites: ECDHE (forward secrecy) with AEAD (GCM or ChaCha20-Poly1305).
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    public init(configuration: TLSConfiguration) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError.drain("SSL_CTX_new") }
        self.context = context
        self.configuration = configuration
        self.alpnWire = ALPN.encode(configuration.alpnOffers)
        guard h2shim_SSL_CTX_set_min_proto_version(context, h2shim_TLS1_2_VERSION()) == 1,
              h2shim_SSL_CTX_set_max_proto_version(context, h2shim_TLS1_3_VERSION()) == 1 else {
            throw OpenSSLError.drain("SSL_CTX_set_min_proto_version")
        }
        h2shim_SSL_CTX_set_h2_options(context)
        h2shim_SSL_CTX_set_default_modes(context)
        guard SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1 else {
            throw OpenSSLError.drain("SSL_CTX_set_cipher_list")
        }
        let sessionID = Array("swift-h2".utf8)
        _ = h2shim_SSL_CTX_set_session_id(context, sessionID, UInt32(sessionID.count))
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateChainFile) == 1 else {
            throw OpenSSLError.drain("cannot load the certificate \(configuration.certificateChainFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw OpenSSLError.drain("cannot load the private key \(configuration.privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw OpenSSLError.drain("the private key does not match the certificate")
        }
        h2shim_SSL_CTX_set_alpn_select_cb(context, alpnSelect, Unmanaged.passUnretained(self).toOpaque())
        h2shim_SSL_CTX_set_info_callback(context, tlsInfo)
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// A new SSL object for one connection.
    func makeSSL() throws -> OpaquePointer {
        ERR_clear_error()
        guard let ssl = SSL_new(context) else { throw OpenSSLError.drain("SSL_new") }
        return ssl
    }

    /// The options in force (for tests: compression and renegotiation are off).
    var options: UInt64 { h2shim_SSL_CTX_get_options(context) }
}

/// RFC 7301 §3.2 on the server: pick our preferred protocol among the client's; with none
/// in common, a fatal no_application_protocol alert.
private let alpnSelect: h2shim_alpn_select_cb = { _, out, outLength, input, inputLength, argument in
    guard let out, let outLength, let input, let argument else { return h2shim_SSL_TLSEXT_ERR_NOACK() }
    let context = Unmanaged<TLSContext>.fromOpaque(argument).takeUnretainedValue()
    let wire = UnsafeRawBufferPointer(start: input, count: Int(inputLength))
    guard let clientList = ALPN.parse(wire) else { return h2shim_SSL_TLSEXT_ERR_ALERT_FATAL() }
    guard let chosen = ALPN.select(offers: context.configuration.alpnOffers, clientList: clientList) else {
        return h2shim_SSL_TLSEXT_ERR_ALERT_FATAL()
    }
    // Point into the client's list (valid for the handshake), as OpenSSL expects.
    let chosenBytes = Array(chosen.utf8)
    var offset = 0
    while offset < wire.count {
        let length = Int(wire[offset])
        if length == chosenBytes.count, offset + 1 + length <= wire.count,
           UnsafeRawBufferPointer(rebasing: wire[(offset + 1)..<(offset + 1 + length)]).elementsEqual(chosenBytes) {
            out.pointee = input + offset + 1
            outLength.pointee = UInt8(length)
            return h2shim_SSL_TLSEXT_ERR_OK()
        }
        offset += 1 + length
    }
    return h2shim_SSL_TLSEXT_ERR_ALERT_FATAL()
}

/// Notes a refused renegotiation on the connection's `TLSHandler` (RFC 9113 §9.2.1 makes
/// it a connection error PROTOCOL_ERROR). Runs inside OpenSSL calls the handler makes, on
/// its event loop.
private let tlsInfo: h2shim_info_cb = { ssl, location, value in
    guard h2shim_is_no_renegotiation_alert(location, value) != 0, let ssl,
          let handler = h2shim_SSL_get_app_data(ssl) else { return }
    Unmanaged<TLSHandler>.fromOpaque(handler).takeUnretainedValue().renegotiationRefused = true
}

import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A self-signed certificate for local development, made in-process with OpenSSL's API
/// (an ECDSA P-256 key, SHA-256 signature, valid for localhost, 127.0.0.1 and ::1) and
/// kept in a per-user cache folder so browsers and curl see the same one every start.
public enum SelfSignedCertificate {
    public struct Files: Sendable, Hashable {
        public var certificateFile: String
        public var privateKeyFile: String
        /// SHA-256 of the certificate (DER), as colon-separated hex.
        public var fingerprint: String
        /// True when this call made the certificate (false: reused from the cache).
        public var generated: Bool
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// `$XDG_CACHE_HOME/swift-h2`, or `~/.cache/swift-h2`.
    public static func defaultDirectory() -> String {
        if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), xdg.hasPrefix("/") {
            return xdg + "/swift-h2"
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? "/tmp"
        return home + "/.cache/swift-h2"
    }

    /// The cached certificate and key in `directory`, made first if missing or expired.
    public static func loadOrCreate(in directory: String = defaultDirectory()) throws -> Files {
        let certificateFile = directory + "/localhost-cert.pem"
        let privateKeyFile = directory + "/localhost-key.pem"
        if access(certificateFile, R_OK) == 0, access(privateKeyFile, R_OK) == 0,
           let certificate = try? readCertificate(certificateFile) {
            defer { X509_free(certificate) }
            if X509_cmp_current_time(h2shim_X509_getm_notAfter(certificate)) > 0 {
                return Files(certificateFile: certificateFile, privateKeyFile: privateKeyFile,
                             fingerprint: try fingerprint(certificate), generated: false)
            }
        }
        try makeDirectories(directory)
        let (certificatePEM, keyPEM, fingerprint) = try generate()
        // The key first, never readable by others (0600); files replaced atomically.
        try writeFile(privateKeyFile, keyPEM, mode: 0o600)
        try writeFile(certificateFile, certificatePEM, mode: 0o644)
        return Files(certificateFile: certificateFile, privateKeyFile: privateKeyFile,
                     fingerprint: fingerprint, generated: true)
    }

    /// The SHA-256 fingerprint of the certificate in a PEM file.
    public static func fingerprint(ofPEMFile path: String) throws -> String {
        let certificate = try readCertificate(path)
        defer { X509_free(certificate) }
        return try fingerprint(certificate)
    }

    // MARK: - Making one

    /// A new key and certificate, as PEM, with the certificate's fingerprint.
    static func generate(validDays: Int = 365) throws -> (certificate: [UInt8], key: [UInt8], fingerprint: String) {
        ERR_clear_error()
        guard let key = h2shim_generate_p256_key() else { throw OpenSSLError.drain("EC key generation") }
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw OpenSSLError.drain("X509_new") }
        defer { X509_free(certificate) }
        guard X509_set_version(certificate, 2) == 1 else { throw OpenSSLError.drain("X509_set_version") }  // v3
        // A random positive 127-bit serial number.
        var serial = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else { throw OpenSSLError.drain("RAND_bytes") }
        serial[0] &= 0x7F
        guard let number = BN_bin2bn(serial, Int32(serial.count), nil) else { throw OpenSSLError.drain("BN_bin2bn") }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw OpenSSLError.drain("serial number")
        }
        guard X509_gmtime_adj(h2shim_X509_getm_notBefore(certificate), -3600) != nil,
              X509_gmtime_adj(h2shim_X509_getm_notAfter(certificate), validDays * 86400) != nil else {
            throw OpenSSLError.drain("validity")
        }
        guard X509_set_pubkey(certificate, key) == 1 else { throw OpenSSLError.drain("X509_set_pubkey") }
        guard let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", h2shim_MBSTRING_ASC(), "localhost", -1, -1, 0) == 1,
              X509_NAME_add_entry_by_txt(name, "O", h2shim_MBSTRING_ASC(), "swift-h2 development", -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1 else {
            throw OpenSSLError.drain("subject name")
        }
        let extensions: [(Int32, String)] = [
            (h2shim_NID_basic_constraints(), "critical,CA:FALSE"),
            (h2shim_NID_key_usage(), "critical,digitalSignature"),
            (h2shim_NID_ext_key_usage(), "serverAuth"),
            (h2shim_NID_subject_alt_name(), "DNS:localhost,IP:127.0.0.1,IP:::1"),
            (h2shim_NID_subject_key_identifier(), "hash"),
        ]
        for (nid, value) in extensions {
            guard h2shim_add_extension(certificate, nid, value) == 1 else {
                throw OpenSSLError.drain("extension \(value)")
            }
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw OpenSSLError.drain("X509_sign") }
        let certificatePEM = try pem { PEM_write_bio_X509($0, certificate) }
        let keyPEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return (certificatePEM, keyPEM, try fingerprint(certificate))
    }

    static func pem(_ write: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw OpenSSLError.drain("PEM write") }
        let count = h2shim_BIO_pending(bio)
        var bytes = [UInt8](repeating: 0, count: count)
        let read = BIO_read(bio, &bytes, Int32(count))
        guard read == Int32(count) else { throw OpenSSLError.drain("BIO_read") }
        return bytes
    }

    static func fingerprint(_ certificate: OpaquePointer) throws -> String {
        var digest = [UInt8](repeating: 0, count: Int(h2shim_EVP_MAX_MD_SIZE()))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
            throw OpenSSLError.drain("X509_digest")
        }
        let hexDigits = Array("0123456789ABCDEF".utf8)
        return digest.prefix(Int(length)).map { byte in
            String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined(separator: ":")
    }

    static func readCertificate(_ path: String) throws -> OpaquePointer {
        ERR_clear_error()
        guard let bio = BIO_new_file(path, "r") else { throw OpenSSLError.drain("cannot open \(path)") }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
            throw OpenSSLError.drain("no certificate in \(path)")
        }
        return certificate
    }

    // MARK: - Files

    static func makeDirectories(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let temporary = path + ".tmp.\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(descriptor, mode)  // whatever the umask
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 {
                close(descriptor)
                unlink(temporary)
                throw Failure(description: "cannot write \(temporary)")
            }
            offset += written
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary) to \(path)")
        }
    }
}

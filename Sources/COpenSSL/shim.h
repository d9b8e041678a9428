// The parts of the system's OpenSSL (libssl-dev, 3.x) that HTTP2Server uses. Many OpenSSL
// "functions" are macros, and some are variadic: Swift imports neither, so each one used
// is wrapped here in a `static inline` function with the `h2shim_` prefix.
#ifndef H2_COPENSSL_SHIM_H
#define H2_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/rand.h>
#include <openssl/tls1.h>

// MARK: - Context options (macros over SSL_CTX_ctrl / SSL_CTX_set_options)

static inline int h2shim_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int h2shim_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long h2shim_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return (long)SSL_CTX_set_mode(ctx, mode);
}
static inline int h2shim_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline int h2shim_TLS1_3_VERSION(void) { return TLS1_3_VERSION; }

/// RFC 9113 §9.2: no compression, no renegotiation; we pick the cipher, not the client.
static inline void h2shim_SSL_CTX_set_h2_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                             | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_SSLv3
                             | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
#ifdef SSL_OP_NO_CLIENT_RENEGOTIATION
    SSL_CTX_set_options(ctx, SSL_OP_NO_CLIENT_RENEGOTIATION);
#endif
}
static inline unsigned long long h2shim_SSL_CTX_get_options(SSL_CTX *ctx) {
    return (unsigned long long)SSL_CTX_get_options(ctx);
}
static inline unsigned long long h2shim_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline unsigned long long h2shim_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }

/// Partial writes and moving buffers: we hand SSL_write Swift buffers that may move.
static inline void h2shim_SSL_CTX_set_default_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                          | SSL_MODE_RELEASE_BUFFERS);
}

/// A session id context, so session resumption is allowed for this server.
static inline int h2shim_SSL_CTX_set_session_id(SSL_CTX *ctx, const unsigned char *id, unsigned int length) {
    return SSL_CTX_set_session_id_context(ctx, id, length);
}

// MARK: - ALPN and SNI

typedef int (*h2shim_alpn_select_cb)(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                     const unsigned char *in, unsigned int inlen, void *arg);

static inline void h2shim_SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, h2shim_alpn_select_cb cb, void *arg) {
    SSL_CTX_set_alpn_select_cb(ctx, cb, arg);
}
static inline int h2shim_SSL_TLSEXT_ERR_OK(void) { return SSL_TLSEXT_ERR_OK; }
static inline int h2shim_SSL_TLSEXT_ERR_NOACK(void) { return SSL_TLSEXT_ERR_NOACK; }
static inline int h2shim_SSL_TLSEXT_ERR_ALERT_FATAL(void) { return SSL_TLSEXT_ERR_ALERT_FATAL; }

/// The SNI host name the client sent, or NULL.
static inline const char *h2shim_SSL_get_servername(const SSL *ssl) {
    return SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
}

// MARK: - Renegotiation (RFC 9113 §9.2.1)

typedef void (*h2shim_info_cb)(const SSL *ssl, int where, int value);
static inline void h2shim_SSL_CTX_set_info_callback(SSL_CTX *ctx, h2shim_info_cb cb) {
    SSL_CTX_set_info_callback(ctx, cb);
}
/// True when the info callback reports that we sent a no_renegotiation alert: the peer
/// tried to renegotiate (TLS 1.2) and OpenSSL refused.
static inline int h2shim_is_no_renegotiation_alert(int where, int value) {
    return (where & SSL_CB_WRITE_ALERT) == SSL_CB_WRITE_ALERT && (value & 0xff) == SSL_AD_NO_RENEGOTIATION;
}
static inline int h2shim_SSL_set_app_data(SSL *ssl, void *data) { return SSL_set_ex_data(ssl, 0, data); }
static inline void *h2shim_SSL_get_app_data(const SSL *ssl) { return SSL_get_ex_data(ssl, 0); }

// MARK: - Memory BIOs

static inline size_t h2shim_BIO_pending(BIO *bio) { return (size_t)BIO_pending(bio); }
static inline long h2shim_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}

// MARK: - Errors

static inline int h2shim_SSL_ERROR_WANT_READ(void) { return SSL_ERROR_WANT_READ; }
static inline int h2shim_SSL_ERROR_WANT_WRITE(void) { return SSL_ERROR_WANT_WRITE; }
static inline int h2shim_SSL_ERROR_ZERO_RETURN(void) { return SSL_ERROR_ZERO_RETURN; }
static inline int h2shim_SSL_ERROR_SYSCALL(void) { return SSL_ERROR_SYSCALL; }
static inline int h2shim_SSL_ERROR_SSL(void) { return SSL_ERROR_SSL; }

// MARK: - Keys and certificates

/// A new P-256 key (EVP_EC_gen is a variadic macro).
static inline EVP_PKEY *h2shim_generate_p256_key(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}
static inline ASN1_TIME *h2shim_X509_getm_notBefore(X509 *x) { return X509_getm_notBefore(x); }
static inline ASN1_TIME *h2shim_X509_getm_notAfter(X509 *x) { return X509_getm_notAfter(x); }
static inline int h2shim_NID_subject_alt_name(void) { return NID_subject_alt_name; }
static inline int h2shim_NID_basic_constraints(void) { return NID_basic_constraints; }
static inline int h2shim_NID_key_usage(void) { return NID_key_usage; }
static inline int h2shim_NID_ext_key_usage(void) { return NID_ext_key_usage; }
static inline int h2shim_NID_subject_key_identifier(void) { return NID_subject_key_identifier; }
static inline int h2shim_MBSTRING_ASC(void) { return MBSTRING_ASC; }
static inline int h2shim_EVP_MAX_MD_SIZE(void) { return EVP_MAX_MD_SIZE; }

/// Adds an X.509 v3 extension given in OpenSSL's config syntax (X509V3_set_ctx_nodb is a macro).
static inline int h2shim_add_extension(X509 *cert, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) return 0;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

#endif

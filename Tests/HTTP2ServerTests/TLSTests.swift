import Foundation
import HPACK
import HTTP2
@testable import HTTP2Server
import COpenSSL
import NIOCore
import Testing

@Suite("TLS with ALPN (RFC 9113 §3.2, §9.2)", .serialized)
struct TLSTests {
    func configure(_ offers: [String] = [ALPN.h2, ALPN.http11]) -> (inout ServerConfiguration) -> Void {
        { configuration in
            configuration.tls = TLSConfiguration(certificateChainFile: testCertificate.certificateFile,
                                                 privateKeyFile: testCertificate.privateKeyFile, alpnOffers: offers)
            configuration.handshakeTimeout = .seconds(2)
        }
    }

    @Test func alpnSelectsH2AndServesIt() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            let (alpn, version, response) = try await blocking {
                let socket = try TestSocket(port: port)
                let alpn = try socket.startTLS(alpn: ["h2", "http/1.1"])
                let client = try H2TestClient(socket: socket)
                let response = try client.response(try client.request("GET", "/tls", scheme: "https"))
                return (alpn, socket.tlsVersion, response)
            }
            #expect(alpn == "h2")
            #expect(version == "TLSv1.3")
            #expect(response.text == "hello GET /tls HTTP/2\n")
        }
    }

    func http11Exchange(_ socket: TestSocket) throws -> String {
        try socket.send("GET /one HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        var all: [UInt8] = []
        while true {
            let bytes = try socket.receive()
            if bytes.isEmpty { break }
            all += bytes
        }
        return String(decoding: all, as: UTF8.self)
    }

    @Test func noALPNOrOnlyHTTP11MeansHTTP11() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            for offer in [nil, ["http/1.1"]] as [[String]?] {
                let (alpn, text) = try await blocking {
                    let socket = try TestSocket(port: port)
                    let alpn = try socket.startTLS(alpn: offer)
                    return (alpn, try http11Exchange(socket))
                }
                #expect(alpn == offer?.first)
                #expect(text.hasPrefix("HTTP/1.1 200 OK"))
                #expect(text.hasSuffix("hello GET /one HTTP/1.1\n"))
            }
        }
    }

    @Test func aServerOfferingOnlyHTTP11NeverSelectsH2() async throws {
        try await withServer(configure([ALPN.http11]), handler: helloHandler) { _, port in
            let alpn = try await blocking {
                let socket = try TestSocket(port: port)
                return try socket.startTLS(alpn: ["h2", "http/1.1"])
            }
            #expect(alpn == "http/1.1")
        }
    }

    @Test func noProtocolInCommonFailsTheHandshake() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            await #expect(throws: TestFailure.self) {
                try await blocking {
                    let socket = try TestSocket(port: port)
                    try socket.startTLS(alpn: ["spdy/3"])
                }
            }
        }
    }

    @Test func oldVersionsAndCBCSuitesAreRefused() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            // TLS 1.1: refused (§9.2: TLS 1.2 or higher).
            await #expect(throws: TestFailure.self) {
                try await blocking {
                    try TestSocket(port: port).startTLS(alpn: ["h2"], maxVersion: TLS1_1_VERSION)
                }
            }
            // TLS 1.2 with CBC suites only: refused (§9.2.2 lists them as prohibited).
            await #expect(throws: TestFailure.self) {
                try await blocking {
                    try TestSocket(port: port).startTLS(alpn: ["h2"], maxVersion: TLS1_2_VERSION,
                                                        ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA")
                }
            }
            // TLS 1.2 with an ECDHE AEAD suite: fine.
            let version = try await blocking {
                let socket = try TestSocket(port: port)
                try socket.startTLS(alpn: ["h2"], maxVersion: TLS1_2_VERSION)
                return socket.tlsVersion
            }
            #expect(version == "TLSv1.2")
        }
    }

    @Test func renegotiationIsAConnectionError() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            let (goAway, closed) = try await blocking { () -> ((StreamID, HTTP2ErrorCode)?, Bool) in
                let socket = try TestSocket(port: port)
                try socket.startTLS(alpn: ["h2"], maxVersion: TLS1_2_VERSION)
                let client = try H2TestClient(socket: socket)
                _ = try client.response(try client.request("GET", "/before", scheme: "https"))
                guard let ssl = socket.ssl else { throw TestFailure("no TLS") }
                // RFC 9113 §9.2.1: the server refuses, and ends the connection with PROTOCOL_ERROR.
                _ = SSL_renegotiate(ssl)
                _ = SSL_do_handshake(ssl)
                while (try? client.pump()) == true {}
                return (client.goAway, socket.waitForClose())
            }
            #expect(closed)
            // OpenSSL's client gives up at the no_renegotiation alert, before it can read our
            // GOAWAY; when a client does read it, it says PROTOCOL_ERROR.
            if let goAway { #expect(goAway.1 == .protocolError) }
        }
    }

    @Test func failedHandshakesDoNotHarmOtherConnections() async throws {
        try await withServer(configure(), handler: helloHandler) { _, port in
            let closed = try await blocking { () -> Bool in
                let socket = try TestSocket(port: port)
                // A TLS record header announcing a ClientHello, then junk.
                try socket.send([0x16, 0x03, 0x01, 0x00, 0x40] + [UInt8](repeating: 0x42, count: 64))
                return socket.waitForClose()
            }
            #expect(closed)
            let response = try await blocking {
                let socket = try TestSocket(port: port)
                try socket.startTLS(alpn: ["h2"])
                let client = try H2TestClient(socket: socket)
                return try client.response(try client.request("GET", "/after", scheme: "https"))
            }
            #expect(response.status == "200")
        }
    }
}

import Foundation
import HPACK
@testable import HTTP2Server
import Testing

@Suite("RFC 7301 ALPN selection (RFC 9113 §3.2)")
struct ALPNTests {
    @Test func parsesAndEncodesTheWireForm() {
        let wire = ALPN.encode(["h2", "http/1.1"])
        #expect(wire == [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))
        let parsed = wire.withUnsafeBytes { ALPN.parse($0) }
        #expect(parsed == ["h2", "http/1.1"])
    }

    @Test func malformedListsAreRejected() {
        #expect([UInt8]([5, 1, 2]).withUnsafeBytes { ALPN.parse($0) } == nil)
        #expect([UInt8]([0]).withUnsafeBytes { ALPN.parse($0) } == nil)
    }

    @Test func ourPreferenceWins() {
        #expect(ALPN.select(offers: ["h2", "http/1.1"], clientList: ["http/1.1", "h2"]) == "h2")
        #expect(ALPN.select(offers: ["http/1.1"], clientList: ["h2", "http/1.1"]) == "http/1.1")
        #expect(ALPN.select(offers: ["h2", "http/1.1"], clientList: ["spdy/3"]) == nil)
    }

    @Test func noALPNMeansHTTP11() {
        #expect(ALPN.withoutNegotiation(offers: ["h2", "http/1.1"]) == "http/1.1")
        #expect(ALPN.withoutNegotiation(offers: ["h2"]) == nil)
    }
}

@Suite("Cleartext protocol detection (RFC 9113 §3.3 prior knowledge)")
struct SnifferTests {
    let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    @Test func thePrefaceMeansHTTP2() {
        #expect(ProtocolSniffer.decide(preface) == .http2)
        #expect(ProtocolSniffer.decide(preface + [0, 0, 0, 4]) == .http2)
    }

    @Test func aPartialPrefaceWaits() {
        #expect(ProtocolSniffer.decide(Array(preface.prefix(10))) == .undecided)
        #expect(ProtocolSniffer.decide([UInt8]()) == .undecided)
    }

    @Test func anythingElseIsHTTP11() {
        #expect(ProtocolSniffer.decide(Array("GET / HTTP/1.1\r\n".utf8)) == .http1)
        #expect(ProtocolSniffer.decide(Array("PRI * HTTP/1.1\r\n".utf8)) == .http1)
        #expect(ProtocolSniffer.decide(Array("POST".utf8)) == .http1)
    }
}

@Suite("Static files: paths stay inside the root")
struct StaticFilesTests {
    static let layout: (root: String, outside: String) = {
        let base = try! temporaryDirectory()
        let root = base + "/www"
        let fm = FileManager.default
        try! fm.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try! "index".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try! "css".write(toFile: root + "/sub/style.css", atomically: true, encoding: .utf8)
        try! "a b".write(toFile: root + "/sub/a b.txt", atomically: true, encoding: .utf8)
        try! "secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try! fm.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: base + "/secret.txt")
        try! fm.createSymbolicLink(atPath: root + "/escapedir", withDestinationPath: base)
        try! fm.createSymbolicLink(atPath: root + "/inside.css", withDestinationPath: root + "/sub/style.css")
        return (root, base)
    }()

    var files: StaticFiles { try! StaticFiles(root: Self.layout.root) }

    func isFile(_ resolution: StaticFiles.Resolution, _ suffix: String) -> Bool {
        if case .file(let path, _) = resolution { return path.hasSuffix(suffix) }
        return false
    }

    @Test func servesFilesAndIndexes() {
        #expect(isFile(files.resolve("/"), "/www/index.html"))
        #expect(isFile(files.resolve("/index.html?x=1"), "/www/index.html"))
        #expect(isFile(files.resolve("/sub/style.css"), "/sub/style.css"))
        #expect(isFile(files.resolve("/sub/a%20b.txt"), "/sub/a b.txt"))
        #expect(isFile(files.resolve("//sub/./style.css"), "/sub/style.css"))
        #expect(files.resolve("/missing") == .notFound)
        #expect(files.resolve("/sub") == .notFound)  // no index.html there
    }

    @Test(arguments: ["/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                      "/sub/%2e%2e%2f%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/.%2e/secret.txt",
                      "/sub%2f..%2f..%2fsecret.txt", "/index.html%00.css", "/..\\secret.txt", "/%zz", "relative"])
    func refusesEscapes(path: String) {
        #expect(files.resolve(path) == .forbidden)
    }

    @Test func symlinksOutsideTheRootAreRefused() {
        #expect(files.resolve("/escape.txt") == .forbidden)
        #expect(files.resolve("/escapedir/secret.txt") == .forbidden)
        #expect(isFile(files.resolve("/inside.css"), "/sub/style.css"))
    }

    @Test func contentTypesByExtension() {
        #expect(ContentTypes.forPath("/a/index.html") == "text/html; charset=utf-8")
        #expect(ContentTypes.forPath("x.CSS") == "text/css; charset=utf-8")
        #expect(ContentTypes.forPath("app.js") == "text/javascript; charset=utf-8")
        #expect(ContentTypes.forPath("img.png") == "image/png")
        #expect(ContentTypes.forPath("data.json") == "application/json")
        #expect(ContentTypes.forPath("noext") == "application/octet-stream")
        #expect(ContentTypes.forPath(".hidden") == "application/octet-stream")
    }

    @Test func aMissingRootIsAnError() {
        #expect(throws: StaticFiles.Failure.self) { try StaticFiles(root: "/nonexistent/folder/xyz") }
    }
}

@Suite("Self-signed certificate, made with OpenSSL's API")
struct CertificateTests {
    @Test func isMadeOnceWithAPrivateKeyOnlyTheOwnerReads() throws {
        let directory = try temporaryDirectory() + "/cache/swift-h2"
        let first = try SelfSignedCertificate.loadOrCreate(in: directory)
        #expect(first.generated)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.privateKeyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(first.fingerprint.split(separator: ":").count == 32)
        let second = try SelfSignedCertificate.loadOrCreate(in: directory)
        #expect(!second.generated)
        #expect(second.fingerprint == first.fingerprint)
        #expect(try SelfSignedCertificate.fingerprint(ofPEMFile: first.certificateFile) == first.fingerprint)
    }

    @Test func coversLocalhostAndLoopbackAddresses() throws {
        let text = try String(contentsOfFile: testCertificate.certificateFile, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN CERTIFICATE-----"))
        // The TLS context loads it and checks the key matches.
        let context = try TLSContext(configuration: TLSConfiguration(certificateChainFile: testCertificate.certificateFile,
                                                                     privateKeyFile: testCertificate.privateKeyFile))
        // RFC 9113 §9.2.1: no compression, no renegotiation.
        #expect(context.options & UInt64(h2shimNoCompression) != 0)
        #expect(context.options & UInt64(h2shimNoRenegotiation) != 0)
    }

    @Test func aKeyThatDoesNotMatchIsRefused() throws {
        let other = try SelfSignedCertificate.loadOrCreate(in: try temporaryDirectory())
        #expect(throws: OpenSSLError.self) {
            try TLSContext(configuration: TLSConfiguration(certificateChainFile: testCertificate.certificateFile,
                                                          privateKeyFile: other.privateKeyFile))
        }
    }
}

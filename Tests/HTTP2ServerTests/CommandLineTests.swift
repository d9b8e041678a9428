import Foundation
import HTTP2Server
import HTTP2ServerCLI
import Testing

@Suite("h2-server flags (ServerOptions)")
struct CommandLineTests {
    @Test func defaultsAndPlaintext() throws {
        let options = try ServerOptions.parse(["--plaintext", "--port", "0", "--threads", "3", "--idle-timeout", "0",
                                               "--max-concurrent-streams", "250", "--max-connections", "7"])
        var notes: [String] = []
        let configuration = try options.configuration(notes: &notes)
        #expect(configuration.tls == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 0)
        #expect(configuration.threads == 3)
        #expect(configuration.idleTimeout == nil)
        #expect(configuration.maxConnections == 7)
        #expect(configuration.http2.connection.settings.maxConcurrentStreams == 250)
        #expect(notes.isEmpty)
    }

    @Test func tlsWithTheSelfSignedCertificate() throws {
        let cache = try temporaryDirectory()
        let options = try ServerOptions.parse(["--cert-cache", cache, "--alpn", "http/1.1"])
        var notes: [String] = []
        let configuration = try options.configuration(notes: &notes)
        #expect(configuration.tls?.alpnOffers == ["http/1.1"])
        #expect(configuration.tls?.certificateChainFile == cache + "/localhost-cert.pem")
        #expect(notes.contains { $0.hasPrefix("certificate SHA-256 fingerprint ") })
    }

    @Test(arguments: [["--cert", "a.pem"], ["--key", "k.pem"], ["--plaintext", "--cert", "a", "--key", "b"],
                      ["--alpn", "h2c"], ["--alpn", ""], ["--port", "70000"], ["--threads", "0"],
                      ["--idle-timeout", "-1"], ["--log-level", "loud"], ["--max-connections", "0"]])
    func badFlagsAreRejected(arguments: [String]) {
        #expect(throws: (any Error).self) { try ServerOptions.parse(arguments) }
    }
}

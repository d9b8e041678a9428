// sse-server: a dashboard of many Server-Sent Event streams that proves HTTP/2
// multiplexing in a real browser. `sse-server --help` lists the flags.
import HTTP2Server
import Logging
import SSEServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

let options = SSEServerOptions.parseOrExit()
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = options.level
    return handler
}
let logger = Logger(label: "sse-server")

let configuration: ServerConfiguration
let certificate: SSEServerOptions.Certificate?
do {
    (configuration, certificate) = try options.serverConfiguration()
} catch {
    Console.error("sse-server: \(error)")
    exit(2)
}
let files: StaticFiles?
do {
    files = try options.docroot.map { try StaticFiles(root: $0) }
} catch {
    Console.error("sse-server: \(error)")
    exit(2)
}

let app = SSEApp(configuration: options.appConfiguration, files: files)
let server = HTTP2Server(configuration: configuration, logger: logger, handler: app.handler)
app.metrics.setServerConnectionCount { server.connectionCount }

let port: Int
do {
    port = try await server.start().port ?? configuration.port
} catch {
    Console.error("sse-server: cannot listen on \(configuration.host):\(configuration.port): \(error)")
    exit(1)
}

let scheme = configuration.tls == nil ? "http" : "https"
let offer = configuration.tls?.alpnOffers.joined(separator: ", ") ?? "h2c with prior knowledge, http/1.1"
let wildcard = ["0.0.0.0", "::", "127.0.0.1", "::1", "localhost"].contains(configuration.host)
let bracketed = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
Console.line("sse-server listening on \(scheme)://\(bracketed):\(port)/ (\(offer))")
let browserURL = "\(scheme)://\(wildcard ? "localhost" : bracketed):\(port)/"
Console.line("  dashboard:  \(browserURL)?streams=100")
Console.line("  metrics:    \(browserURL)metrics")
if let certificate {
    let origin = certificate.selfSigned ? (certificate.generated ? "self-signed, generated now" : "self-signed, cached")
                                        : "from --cert"
    Console.line("  certificate: \(certificate.file) (\(origin))")
    Console.line("  SHA-256 fingerprint: \(certificate.fingerprint)")
    if certificate.selfSigned {
        Console.line("  The browser will warn that this certificate is not trusted (it is self-signed). Check that")
        Console.line("  the fingerprint it shows matches the one above, then choose Advanced > Proceed to localhost;")
        Console.line("  or start Chromium with --ignore-certificate-errors; or trust the file above in your system")
        Console.line("  or browser certificate store (or bring your own with --cert/--key, e.g. from mkcert).")
    }
} else {
    Console.line("  cleartext: browsers speak HTTP/1.1 here (they use h2 over TLS only); h2 clients need prior knowledge")
}

await server.runUntilShutdownSignal()
Console.line("sse-server stopped")

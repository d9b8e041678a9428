import ArgumentParser
import HTTP2Server
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The flags of `sse-server`.
public struct SSEServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on.")
    public var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).")
    public var port: Int = 8443

    @Flag(help: "Cleartext: h2 with prior knowledge and HTTP/1.1 on one port, no TLS (browsers speak only HTTP/1.1 then).")
    public var plaintext = false

    @Option(help: "Certificate chain (PEM). Without --cert/--key a self-signed certificate for localhost is made once and cached in $XDG_CACHE_HOME/swift-h2 (or ~/.cache/swift-h2).")
    public var cert: String?

    @Option(help: "Private key (PEM) of --cert.")
    public var key: String?

    @Option(help: "ALPN protocols to offer, most preferred first: h2,http/1.1 (default). 'http/1.1' alone reproduces the browser's 6-connection wall.")
    public var protocols: String?

    @Option(name: .customLong("max-concurrent-streams"), help: "SETTINGS_MAX_CONCURRENT_STREAMS we advertise. 6 reproduces the bottleneck over h2.")
    public var maxConcurrentStreams: Int = 1000

    @Option(name: .customLong("initial-window-size"), help: "SETTINGS_INITIAL_WINDOW_SIZE we advertise, in octets (default 1 MiB).")
    public var initialWindowSize: Int = 1 << 20

    @Option(help: "Serve other paths from this folder (GET and HEAD).")
    public var docroot: String?

    @Option(help: "Event loop threads (default: one per core).")
    public var threads: Int?

    @Option(name: .customLong("max-streams"), help: "SSE generators running at once over all connections; beyond, /stream-ai answers 503.")
    public var maxStreams: Int = 100_000

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel: String = "info"

    public init() {}

    public static let maxWindow = (1 << 31) - 1

    public mutating func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, not \(port)") }
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        if plaintext && cert != nil { throw ValidationError("--cert/--key do not apply with --plaintext") }
        if plaintext && protocols != nil { throw ValidationError("--protocols (ALPN) applies to TLS only, not with --plaintext") }
        guard !alpnOffers.isEmpty, alpnOffers.allSatisfy({ $0 == ALPN.h2 || $0 == ALPN.http11 }),
              Set(alpnOffers).count == alpnOffers.count else {
            throw ValidationError("--protocols takes h2 and/or http/1.1, comma-separated, not '\(protocols ?? "")'")
        }
        guard (1...Self.maxWindow).contains(maxConcurrentStreams) else {
            throw ValidationError("--max-concurrent-streams must be 1...\(Self.maxWindow)")
        }
        guard (0...Self.maxWindow).contains(initialWindowSize) else {
            throw ValidationError("--initial-window-size must be 0...\(Self.maxWindow) (RFC 9113 §6.5.2)")
        }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1...256") }
        guard maxStreams >= 1 else { throw ValidationError("--max-streams must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        if let docroot, StaticFilesCheck.isFolder(docroot) == false {
            throw ValidationError("--docroot \(docroot) is not a folder")
        }
    }

    /// The ALPN offer, in order.
    public var alpnOffers: [String] {
        (protocols ?? "h2,http/1.1").split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// What to print at start-up besides the URL (the certificate and its fingerprint).
    public struct Certificate: Sendable {
        public var file: String
        public var fingerprint: String
        public var selfSigned: Bool
        public var generated: Bool
    }

    /// The server configuration these flags describe; without --cert/--key (and without
    /// --plaintext) the self-signed certificate is made or loaded here.
    public func serverConfiguration() throws -> (ServerConfiguration, Certificate?) {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.threads = threads ?? System.coreCount
        configuration.http2.connection.settings.maxConcurrentStreams = maxConcurrentStreams
        configuration.http2.connection.settings.initialWindowSize = initialWindowSize
        var certificate: Certificate?
        if !plaintext {
            if let cert, let key {
                configuration.tls = TLSConfiguration(certificateChainFile: cert, privateKeyFile: key, alpnOffers: alpnOffers)
                certificate = Certificate(file: cert, fingerprint: try SelfSignedCertificate.fingerprint(ofPEMFile: cert),
                                          selfSigned: false, generated: false)
            } else {
                let files = try SelfSignedCertificate.loadOrCreate()
                configuration.tls = TLSConfiguration(certificateChainFile: files.certificateFile,
                                                     privateKeyFile: files.privateKeyFile, alpnOffers: alpnOffers)
                certificate = Certificate(file: files.certificateFile, fingerprint: files.fingerprint,
                                          selfSigned: true, generated: files.generated)
            }
        }
        return (configuration, certificate)
    }

    /// The app's configuration these flags describe.
    public var appConfiguration: SSEAppConfiguration {
        var app = SSEAppConfiguration()
        app.tls = !plaintext
        app.alpnOffers = plaintext ? ["h2c (prior knowledge)", "http/1.1"] : alpnOffers
        app.maxConcurrentStreams = maxConcurrentStreams
        app.maxStreams = maxStreams
        return app
    }

    /// Parses the arguments; `--help` prints the help and exits 0, a bad flag or value
    /// prints one line on standard error and exits with status 2.
    public static func parseOrExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                                   program: String = "sse-server") -> SSEServerOptions {
        do {
            return try parse(arguments)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Self.terminate(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            Console.error("\(program): \(message)")
            Self.terminate(2)
        }
    }
}

extension SSEServerOptions {
    static func terminate(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Musl.exit(status)
        #endif
    }
}

enum StaticFilesCheck {
    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Unbuffered writes to standard output and error (tests read them through pipes).
public enum Console {
    public static func line(_ text: String) { write(1, text + "\n") }
    public static func error(_ text: String) { write(2, text + "\n") }

    static func write(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
                #else
                let written = Musl.write(descriptor, base + offset, bytes.count - offset)
                #endif
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

import ArgumentParser
import HTTP2Server
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The command-line flags of our servers (`h2-server`, later `sse-server`), turned into a
/// `ServerConfiguration`.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on.")
    public var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).")
    public var port: Int = 8443

    @Option(help: "Certificate chain (PEM). Without --cert/--key a self-signed certificate for localhost is made and cached.")
    public var cert: String?

    @Option(help: "Private key (PEM) of --cert.")
    public var key: String?

    @Flag(help: "Cleartext: h2 with prior knowledge and HTTP/1.1 on the same port, no TLS.")
    public var plaintext = false

    @Option(help: "Serve static files from this folder (GET and HEAD).")
    public var docroot: String?

    @Option(help: "Event loop threads (default: one per core).")
    public var threads: Int?

    @Option(help: "ALPN protocols to offer, in order of preference (comma-separated: h2, http/1.1).")
    public var alpn: String = "h2,http/1.1"

    @Option(name: .customLong("max-connections"), help: "Connections beyond this are refused.")
    public var maxConnections: Int = 10_000

    @Option(name: .customLong("max-concurrent-streams"), help: "SETTINGS_MAX_CONCURRENT_STREAMS we advertise.")
    public var maxConcurrentStreams: Int = 1000

    @Option(name: .customLong("handshake-timeout"), help: "Seconds to complete the TLS handshake and the HTTP/2 preface.")
    public var handshakeTimeout: Double = 10

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection with nothing in flight stays open (0: forever).")
    public var idleTimeout: Double = 120

    @Option(name: .customLong("send-timeout"), help: "Seconds a peer may leave our output unread before it is dropped.")
    public var sendTimeout: Double = 30

    @Option(name: .customLong("grace-period"), help: "Seconds in-flight streams get to finish on SIGINT/SIGTERM.")
    public var gracePeriod: Double = 10

    @Option(name: .customLong("cert-cache"), help: "Folder of the self-signed certificate (default: $XDG_CACHE_HOME/swift-h2 or ~/.cache/swift-h2).")
    public var certCache: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel: String = "info"

    public init() {}

    public mutating func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        if plaintext && cert != nil { throw ValidationError("--cert/--key do not apply with --plaintext") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard maxConcurrentStreams >= 1 else { throw ValidationError("--max-concurrent-streams must be at least 1") }
        for (name, value) in [("--handshake-timeout", handshakeTimeout), ("--idle-timeout", idleTimeout),
                              ("--send-timeout", sendTimeout), ("--grace-period", gracePeriod)] where !(value >= 0) {
            throw ValidationError("\(name) must be a number of seconds >= 0")
        }
        guard !alpnOffers.isEmpty,
              alpnOffers.allSatisfy({ $0 == ALPN.h2 || $0 == ALPN.http11 }) else {
            throw ValidationError("--alpn takes h2 and/or http/1.1, comma-separated")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    public var alpnOffers: [String] {
        alpn.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// The server configuration these flags describe. Without --cert/--key (and without
    /// --plaintext) the self-signed certificate is made or loaded here; `notes` gets the
    /// lines worth printing (its fingerprint).
    public func configuration(notes: inout [String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.threads = threads ?? System.coreCount
        configuration.maxConnections = maxConnections
        configuration.handshakeTimeout = .nanoseconds(Int64(handshakeTimeout * 1e9))
        configuration.idleTimeout = idleTimeout > 0 ? .nanoseconds(Int64(idleTimeout * 1e9)) : nil
        configuration.gracePeriod = .nanoseconds(Int64(gracePeriod * 1e9))
        configuration.http2.connection.settings.maxConcurrentStreams = maxConcurrentStreams
        configuration.http2.sendTimeout = sendTimeout > 0 ? .nanoseconds(Int64(sendTimeout * 1e9)) : nil
        if !plaintext {
            if let cert, let key {
                configuration.tls = TLSConfiguration(certificateChainFile: cert, privateKeyFile: key, alpnOffers: alpnOffers)
                notes.append("certificate \(cert) SHA-256 \(try SelfSignedCertificate.fingerprint(ofPEMFile: cert))")
            } else {
                let files = try SelfSignedCertificate.loadOrCreate(in: certCache ?? SelfSignedCertificate.defaultDirectory())
                configuration.tls = TLSConfiguration(certificateChainFile: files.certificateFile,
                                                     privateKeyFile: files.privateKeyFile, alpnOffers: alpnOffers)
                notes.append("\(files.generated ? "generated" : "using") self-signed certificate \(files.certificateFile)")
                notes.append("certificate SHA-256 fingerprint \(files.fingerprint)")
            }
        }
        return configuration
    }
}

/// Writes a line to standard output at once (no stdio buffering: tests read it from a pipe).
public func printLine(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

/// Writes a line to standard error.
public func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// Command-line parsing the way our servers want it: `--help` prints the help and exits 0;
/// a bad flag prints one line on standard error and exits with status 2.
public enum CommandLineParsing {
    public static func parse<Options: ParsableArguments>(_ type: Options.Type, program: String,
                                                         arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Options {
        do {
            return try Options.parse(arguments)
        } catch {
            let code = Options.exitCode(for: error)
            if code == .success {
                print(Options.fullMessage(for: error))
                exit(0)
            }
            let message = Options.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            printError("\(program): \(message)")
            exit(2)
        }
    }

    /// Logs to standard error at `level`.
    public static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

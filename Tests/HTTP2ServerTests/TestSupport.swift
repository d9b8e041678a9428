import COpenSSL
import Foundation
import HPACK
import HTTP2
@testable import HTTP2Server
import NIOCore
import NIOPosix

/// Blocking client I/O runs here, never on the cooperative pool the server's handlers use.
let clientThreads: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 6)
    pool.start()
    return pool
}()

/// Runs blocking client code off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await clientThreads.runIfActive(body)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A blocking TCP client socket on 127.0.0.1, optionally with TLS (OpenSSL client side).
final class TestSocket: @unchecked Sendable {
    let fd: Int32
    var ssl: OpaquePointer?
    var sslContext: OpaquePointer?

    init(port: Int, timeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect to \(port): errno \(errno)")
        }
        setTimeout(timeout)
    }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sets a small receive buffer (before reading anything), to make a peer that does not
    /// read fill up quickly.
    func setReceiveBuffer(_ size: Int32) {
        var value = size
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// TLS handshake as a client; returns the protocol ALPN selected (nil: none).
    @discardableResult
    func startTLS(alpn: [String]?, serverName: String? = "localhost", maxVersion: Int32? = nil,
                  ciphers: String? = nil) throws -> String? {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TestFailure("SSL_CTX_new") }
        sslContext = context
        if let maxVersion {
            SSL_CTX_set_security_level(context, 0)
            _ = h2shim_SSL_CTX_set_min_proto_version(context, 0)
            _ = h2shim_SSL_CTX_set_max_proto_version(context, maxVersion)
        }
        if let ciphers { _ = SSL_CTX_set_cipher_list(context, ciphers) }
        guard let ssl = SSL_new(context) else { throw TestFailure("SSL_new") }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        if let alpn {
            let wire = ALPN.encode(alpn)
            _ = SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
        if let serverName {
            var name = Array(serverName.utf8CString)
            _ = name.withUnsafeMutableBytes { raw in
                SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), raw.baseAddress)
            }
        }
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else {
            throw TestFailure("TLS handshake failed: \(OpenSSLError.drain("SSL_connect"))")
        }
        var selected: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &selected, &length)
        guard let selected, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: selected, count: Int(length)), as: UTF8.self)
    }

    var tlsVersion: String { ssl.map { String(cString: SSL_get_version($0)) } ?? "" }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent: Int = bytes[offset...].withUnsafeBytes { raw in
                if let ssl { return Int(SSL_write(ssl, raw.baseAddress, Int32(raw.count))) }
                return Foundation.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestFailure("send failed (errno \(errno))") }
            offset += sent
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Some bytes; [] at end of stream; throws on timeout.
    func receive(max: Int = 65536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let count: Int = buffer.withUnsafeMutableBytes { raw in
            if let ssl {
                let n = SSL_read(ssl, raw.baseAddress, Int32(raw.count))
                if n <= 0 {
                    let error = SSL_get_error(ssl, n)
                    return error == h2shim_SSL_ERROR_ZERO_RETURN() ? 0 : (errno == EAGAIN ? -2 : 0)
                }
                return Int(n)
            }
            let n = recv(fd, raw.baseAddress, raw.count, 0)
            if n < 0 { return (errno == EAGAIN || errno == EWOULDBLOCK) ? -2 : 0 }
            return n
        }
        if count == -2 { throw TestFailure("receive timed out") }
        return Array(buffer.prefix(count))
    }

    /// Reads until the peer closes; true if it closed within the timeout.
    func waitForClose() -> Bool {
        while true {
            guard let bytes = try? receive() else { return false }
            if bytes.isEmpty { return true }
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    deinit {
        if let ssl { SSL_free(ssl) }
        if let sslContext { SSL_CTX_free(sslContext) }
        close(fd)
    }
}

/// An HTTP/2 client made of the engine's client role over a `TestSocket`.
final class H2TestClient: @unchecked Sendable {
    let socket: TestSocket
    var connection: Connection
    var responses: [StreamID: Response] = [:]
    var goAway: (StreamID, HTTP2ErrorCode)?
    var closed = false
    var settings: HTTP2Settings?

    struct Response {
        var status = ""
        var headers: [HeaderField] = []
        var body: [UInt8] = []
        var trailers: [HeaderField] = []
        var done = false
        var reset: HTTP2ErrorCode?
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    init(socket: TestSocket, configuration: ConnectionConfiguration = .client()) throws {
        self.socket = socket
        connection = Connection(role: .client, configuration: configuration, now: Self.now())
        try flush()
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    func flush() throws {
        var out: [UInt8] = []
        connection.drainOutput { out.append(contentsOf: $0) }
        if !out.isEmpty { try socket.send(out) }
    }

    func request(_ method: String = "GET", _ path: String, authority: String = "localhost", scheme: String = "http",
                 headers: [HeaderField] = [], endStream: Bool = true) throws -> StreamID {
        let fields = [HeaderField(":method", method), HeaderField(":scheme", scheme),
                      HeaderField(":authority", authority), HeaderField(":path", path)] + headers
        let id = try connection.sendRequest(fields, endStream: endStream, now: Self.now())
        responses[id] = Response()
        try flush()
        return id
    }

    func sendData(_ bytes: [UInt8], on id: StreamID, endStream: Bool) throws {
        try connection.sendData(bytes, on: id, endStream: endStream)
        try flush()
    }

    /// Reads once and applies what arrived; false at end of stream.
    @discardableResult
    func pump() throws -> Bool {
        let bytes = try socket.receive()
        if bytes.isEmpty {
            closed = true
            return false
        }
        var events: [(StreamID, Event)] = []
        connection.receive(bytes, now: Self.now()) { event in
            switch event {
            case .response(let id, let head, let endStream):
                events.append((id, .head(String(head.status), Array(head.headers), endStream)))
            case .data(let id, let data, let endStream):
                events.append((id, .data(Array(data), endStream)))
            case .trailers(let id, let list):
                events.append((id, .trailers(Array(list))))
            case .streamReset(let id, let code, _):
                events.append((id, .reset(code)))
            case .streamClosed(let id):
                events.append((id, .closed))
            case .goAwayReceived(let last, let code, _):
                self.goAway = (last, code)
            case .settingsReceived(let settings):
                self.settings = settings
            default:
                break
            }
        }
        for (id, event) in events {
            var response = responses[id] ?? Response()
            switch event {
            case .head(let status, let headers, let end):
                if !status.hasPrefix("1") {
                    response.status = status
                    response.headers = headers.filter { !$0.name.hasPrefix(":") }
                }
                if end { response.done = true }
            case .data(let bytes, let end):
                response.body += bytes
                if end { response.done = true }
            case .trailers(let list):
                response.trailers = list
                response.done = true
            case .reset(let code):
                response.reset = code
                response.done = true
            case .closed:
                response.done = true
            }
            responses[id] = response
        }
        try flush()
        return true
    }

    enum Event {
        case head(String, [HeaderField], Bool)
        case data([UInt8], Bool)
        case trailers([HeaderField])
        case reset(HTTP2ErrorCode)
        case closed
    }

    /// Reads until the response on `id` is complete.
    func response(_ id: StreamID) throws -> Response {
        while !(responses[id]?.done ?? false) {
            guard try pump() else { throw TestFailure("connection closed before the response ended") }
        }
        return responses[id] ?? Response()
    }

    /// Reads until the server closes the connection (or the timeout).
    func readUntilClosed() throws {
        while try pump() {}
    }
}


/// Starts a server on a free port for a test; stops it at the end.
func withServer<T>(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                   inlineHandler: InlineHandler? = nil,
                   handler: @escaping HTTPHandler,
                   _ body: (HTTP2Server, Int) async throws -> T) async throws -> T {
    var configuration = ServerConfiguration.plaintext(port: 0)
    configuration.threads = 1
    configure(&configuration)
    let server = HTTP2Server(configuration: configuration, inlineHandler: inlineHandler, handler: handler)
    let address = try await server.start()
    do {
        let result = try await body(server, address.port ?? 0)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// Hello on every path.
let helloHandler: HTTPHandler = { request, response in
    try await response.respond(status: 200, headers: [HeaderField("content-type", "text/plain")],
                               body: "hello \(request.method) \(request.path) \(request.version.rawValue)\n")
}

/// A fresh temporary folder.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "h2server-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A self-signed certificate for the tests (made once per process).
let testCertificate: SelfSignedCertificate.Files = {
    let directory = NSTemporaryDirectory() + "h2server-tests-cert-\(getpid())"
    return try! SelfSignedCertificate.loadOrCreate(in: directory)
}()

/// Runs `body` until it returns true or the time is up.
func eventually(timeout: Double = 5, _ body: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await body() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return await body()
}

/// A thread-safe box for values the tests observe from handlers.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }
    func update(_ body: (inout Value) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}

let h2shimNoCompression = h2shim_SSL_OP_NO_COMPRESSION()
let h2shimNoRenegotiation = h2shim_SSL_OP_NO_RENEGOTIATION()

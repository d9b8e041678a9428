import HPACK
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Serves files under a root folder for GET and HEAD: content types by extension, 404 for
/// what is missing, 405 for other methods. A request cannot leave the root: `..` segments
/// (also percent-encoded, `%2e%2e`, `%2f`), NUL octets and backslashes are refused, and
/// the resolved path (symlinks followed) must still be inside the resolved root.
public struct StaticFiles: Sendable {
    /// The root, resolved (absolute, no symlinks).
    public let root: String
    /// The file a request for a folder gets.
    public var indexFile = "index.html"
    /// Files are sent in chunks of this size.
    public var chunkSize = 64 * 1024

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(root: String) throws {
        guard let resolved = Self.realPath(root) else {
            throw Failure(description: "document root \(root) does not exist")
        }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(description: "document root \(root) is not a folder")
        }
        self.root = resolved
    }

    /// What a request path resolves to.
    public enum Resolution: Equatable, Sendable {
        case file(path: String, size: Int)
        case notFound
        /// The path tried to leave the root.
        case forbidden
    }

    /// Maps a request path (with query, percent-encoded) to a file inside the root.
    public func resolve(_ requestPath: String) -> Resolution {
        let pathPart = requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard pathPart.hasPrefix("/"), let decoded = Self.percentDecode(pathPart) else { return .forbidden }
        if decoded.contains(0) || decoded.contains(UInt8(ascii: "\\")) { return .forbidden }
        var segments: [String] = []
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let text = String(decoding: segment, as: UTF8.self)
            if text == "." { continue }
            if text == ".." { return .forbidden }
            segments.append(text)
        }
        var candidate = root + (segments.isEmpty ? "" : "/" + segments.joined(separator: "/"))
        // Symlinks are followed, then the real path must still be under the root.
        guard let real = Self.realPath(candidate) else { return .notFound }
        guard real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else { return .forbidden }
        candidate = real
        var info = stat()
        guard stat(candidate, &info) == 0 else { return .notFound }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let index = candidate + "/" + indexFile
            guard let realIndex = Self.realPath(index),
                  realIndex.hasPrefix(root == "/" ? "/" : root + "/"),
                  stat(realIndex, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .notFound }
            return .file(path: realIndex, size: Int(info.st_size))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .notFound }
        return .file(path: candidate, size: Int(info.st_size))
    }

    /// Answers a request from the root.
    public func serve(_ request: HTTPRequest, _ response: ResponseWriter) async throws {
        guard request.method == "GET" || request.method == "HEAD" else {
            try await response.respond(status: 405, headers: [HeaderField("allow", "GET, HEAD"),
                                                              HeaderField("content-type", "text/plain")],
                                       body: "method not allowed\n")
            return
        }
        switch resolve(request.path) {
        case .notFound, .forbidden:
            try await response.respond(status: 404, headers: [HeaderField("content-type", "text/plain")],
                                       body: "not found\n")
        case .file(let path, let size):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                try await response.respond(status: 404, headers: [HeaderField("content-type", "text/plain")],
                                           body: "not found\n")
                return
            }
            defer { close(descriptor) }
            let headers = [HeaderField("content-type", ContentTypes.forPath(path)),
                           HeaderField("content-length", String(size))]
            if request.method == "HEAD" || size == 0 {
                try await response.respond(status: 200, headers: headers)
                return
            }
            try await response.writeHead(status: 200, headers: headers)
            var left = size
            while left > 0 {
                var chunk = ByteBuffer()
                let want = min(chunkSize, left)
                let got = chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { space in
                    max(0, read(descriptor, space.baseAddress, want))
                }
                if got == 0 { throw Failure(description: "\(path) shrank while being sent") }
                left -= got
                if left == 0 {
                    try await response.perform([.body(chunk, endStream: true)])
                } else {
                    try await response.write(chunk)
                }
            }
        }
    }

    // MARK: - Helpers

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Percent-decoding (RFC 3986 §2.1); nil for a malformed escape.
    static func percentDecode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard bytes.count >= 2, let high = hex(bytes[bytes.startIndex]),
                  let low = hex(bytes[bytes.startIndex + 1]) else { return nil }
            bytes = bytes.dropFirst(2)
            out.append(high << 4 | low)
        }
        return out
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

import HPACK
import NIOConcurrencyHelpers
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
///
/// Small files (up to `FileCache.maxFileSize`) are answered from a bounded in-memory cache
/// (`inlineResponse(to:)`, usable as the server's `InlineHandler`): an entry is used only
/// while a `stat` of the request's path still finds the same file (device, inode, size,
/// modification and change times), so an edit, a replacement or a re-pointed symlink is
/// seen at the next request, and every miss goes through `resolve` and its escape rules.
public struct StaticFiles: Sendable {
    /// The root, resolved (absolute, no symlinks).
    public let root: String
    /// The file a request for a folder gets.
    public var indexFile = "index.html"
    /// Files are sent in chunks of this size.
    public var chunkSize = 64 * 1024
    /// Small files, kept in memory while they do not change (shared by copies).
    public let cache: FileCache

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(root: String, cache: FileCache = FileCache()) throws {
        self.cache = cache
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
        resolveForCache(Self.pathPart(requestPath)).resolution
    }

    /// The path before the query.
    static func pathPart(_ requestPath: String) -> Substring {
        requestPath[..<(requestPath.utf8.firstIndex(of: UInt8(ascii: "?")) ?? requestPath.endIndex)]
    }

    /// `resolve`, and for a file the path a later `stat` checks a cache entry against: the
    /// request's path under the root before symlinks are followed (with the index file for a
    /// folder), so that whatever it leads to then is what the entry is compared with.
    func resolveForCache(_ pathPart: Substring) -> (resolution: Resolution, statPath: String) {
        guard pathPart.hasPrefix("/"), let decoded = Self.percentDecode(pathPart) else { return (.forbidden, "") }
        if decoded.contains(0) || decoded.contains(UInt8(ascii: "\\")) { return (.forbidden, "") }
        var segments: [String] = []
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let text = String(decoding: segment, as: UTF8.self)
            if text == "." { continue }
            if text == ".." { return (.forbidden, "") }
            segments.append(text)
        }
        let requested = root + (segments.isEmpty ? "" : "/" + segments.joined(separator: "/"))
        // Symlinks are followed, then the real path must still be under the root.
        guard let real = Self.realPath(requested) else { return (.notFound, "") }
        guard real == root || real.hasPrefix(root == "/" ? "/" : root + "/") else { return (.forbidden, "") }
        var info = stat()
        guard stat(real, &info) == 0 else { return (.notFound, "") }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let index = real + "/" + indexFile
            guard let realIndex = Self.realPath(index),
                  realIndex.hasPrefix(root == "/" ? "/" : root + "/"),
                  stat(realIndex, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return (.notFound, "") }
            return (.file(path: realIndex, size: Int(info.st_size)), requested + "/" + indexFile)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return (.notFound, "") }
        return (.file(path: real, size: Int(info.st_size)), requested)
    }

    // MARK: - Answers made at once

    static let methodNotAllowed = InlineResponse(status: 405, headers: [HeaderField("allow", "GET, HEAD"),
                                                                         HeaderField("content-type", "text/plain")],
                                                 body: "method not allowed\n")
    static let notFound = InlineResponse(status: 404, headers: [HeaderField("content-type", "text/plain")],
                                         body: "not found\n")

    /// The whole answer to a request when it can be given at once: 405, 404, or a file of
    /// at most `cache.maxFileSize` octets (from the cache, or read now and cached). nil
    /// for a larger file: `serve` streams it. Blocking file I/O happens only on a cache
    /// miss (a `stat` per hit), on small files.
    public func inlineResponse(to request: InlineRequest) -> InlineResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed }
        let pathPart = Self.pathPart(request.path)
        if let hit = cache.lookup(pathPart, indexFile: indexFile) { return hit }
        let (resolution, statPath) = resolveForCache(pathPart)
        switch resolution {
        case .notFound, .forbidden:
            return Self.notFound
        case .file(let path, let size):
            guard size <= cache.maxFileSize else { return nil }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return Self.notFound }
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return Self.notFound }
            let length = Int(info.st_size)
            guard length <= cache.maxFileSize else { return nil }
            var body = ByteBuffer()
            var left = length
            while left > 0 {
                let got = body.writeWithUnsafeMutableBytes(minimumWritableBytes: left) { space in
                    max(0, read(descriptor, space.baseAddress, left))
                }
                if got == 0 { return nil }   // shrank meanwhile: let `serve` report it
                left -= got
            }
            let response = InlineResponse(status: 200, headers: [HeaderField("content-type", ContentTypes.forPath(path)),
                                                                 HeaderField("content-length", String(length))],
                                          body: body)
            // Cached only if the request's path still leads to the file just read.
            var now = stat()
            if stat(statPath, &now) == 0, FileCache.Identity(now) == FileCache.Identity(info) {
                cache.insert(pathPart, FileCache.Entry(statPath: statPath, identity: FileCache.Identity(info),
                                                       indexFile: statPath.hasSuffix("/" + indexFile) ? indexFile : nil,
                                                       response: response, checkedAt: FileCache.now()))
            }
            return response
        }
    }

    /// Answers a request from the root.
    public func serve(_ request: HTTPRequest, _ response: ResponseWriter) async throws {
        if let answer = inlineResponse(to: InlineRequest(request)) {
            try await answer.send(to: response)
            return
        }
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

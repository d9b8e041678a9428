import Foundation
import HPACK
import HTTP2
@testable import HTTP2Server
import NIOCore
import Testing

@Suite("Static files from the cache: edits, symlinks, bounds")
struct FileCacheTests {
    /// A fresh root with a file, and a secret outside it.
    func layout() throws -> (root: String, outside: String) {
        let base = try temporaryDirectory()
        let root = base + "/www"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try "index".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "one".write(toFile: root + "/a.txt", atomically: false, encoding: .utf8)
        try "secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        return (root, base)
    }

    func get(_ files: StaticFiles, _ path: String, method: String = "GET") -> InlineResponse? {
        files.inlineResponse(to: InlineRequest(method: method, path: path))
    }

    func text(_ response: InlineResponse?) -> String? {
        response.map { String(buffer: $0.body) }
    }

    @Test func editsAreSeenAtTheNextRequest() throws {
        let (root, _) = try layout()
        let files = try StaticFiles(root: root, cache: FileCache(revalidationInterval: 0))
        #expect(text(get(files, "/a.txt")) == "one")
        #expect(files.cache.count == 1)
        #expect(text(get(files, "/a.txt?query")) == "one")   // the same entry
        #expect(files.cache.count == 1)
        // Another size.
        try "three".write(toFile: root + "/a.txt", atomically: false, encoding: .utf8)
        #expect(text(get(files, "/a.txt")) == "three")
        // The same size, written in place (the change time moves).
        try "THREE".write(toFile: root + "/a.txt", atomically: false, encoding: .utf8)
        #expect(text(get(files, "/a.txt")) == "THREE")
        // Replaced by another file (another inode).
        try "four".write(toFile: root + "/a.txt", atomically: true, encoding: .utf8)
        #expect(text(get(files, "/a.txt")) == "four")
        // Removed.
        try FileManager.default.removeItem(atPath: root + "/a.txt")
        #expect(get(files, "/a.txt")?.status == 404)
    }

    @Test func aRepointedSymlinkCannotLeadOutOfTheRoot() throws {
        let (root, outside) = try layout()
        let files = try StaticFiles(root: root, cache: FileCache(revalidationInterval: 0))
        try FileManager.default.createSymbolicLink(atPath: root + "/link.txt", withDestinationPath: root + "/a.txt")
        #expect(text(get(files, "/link.txt")) == "one")
        try FileManager.default.removeItem(atPath: root + "/link.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/link.txt", withDestinationPath: outside + "/secret.txt")
        let answer = get(files, "/link.txt")
        #expect(answer?.status == 404)
        #expect(text(answer) != "secret")
        // A folder swapped for a symlink to the outside.
        try "css".write(toFile: root + "/sub/secret.txt", atomically: true, encoding: .utf8)
        #expect(text(get(files, "/sub/secret.txt")) == "css")
        try FileManager.default.removeItem(atPath: root + "/sub")
        try FileManager.default.createSymbolicLink(atPath: root + "/sub", withDestinationPath: outside)
        #expect(get(files, "/sub/secret.txt")?.status == 404)
    }

    @Test func withinTheIntervalTheCachedAnswerIsTrusted() throws {
        let (root, _) = try layout()
        let files = try StaticFiles(root: root, cache: FileCache(revalidationInterval: 3600))
        #expect(text(get(files, "/a.txt")) == "one")
        try "two!".write(toFile: root + "/a.txt", atomically: false, encoding: .utf8)
        #expect(text(get(files, "/a.txt")) == "one")   // no stat until the interval is over
        files.cache.removeAll()
        #expect(text(get(files, "/a.txt")) == "two!")
    }

    @Test func methodsEscapesAndLargeFiles() throws {
        let (root, outside) = try layout()
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: outside + "/secret.txt")
        try String(repeating: "x", count: 100).write(toFile: root + "/big.txt", atomically: true, encoding: .utf8)
        let files = try StaticFiles(root: root, cache: FileCache(maxFileSize: 64, revalidationInterval: 0))
        let post = get(files, "/a.txt", method: "POST")
        #expect(post?.status == 405)
        #expect(post?.headers.contains(HeaderField("allow", "GET, HEAD")) == true)
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/escape.txt", "/missing", "/sub", "relative"] {
            #expect(get(files, path)?.status == 404, "\(path)")
        }
        let head = get(files, "/a.txt", method: "HEAD")
        #expect(head?.status == 200)
        #expect(head?.headers.contains(HeaderField("content-length", "3")) == true)
        #expect(head?.headers.contains(HeaderField("content-type", "text/plain; charset=utf-8")) == true)
        #expect(text(get(files, "/")) == "index")
        #expect(get(files, "/big.txt") == nil)   // streamed by serve()
        #expect(files.cache.count == 2)           // a.txt and the index; no 404s, no big file
    }

    @Test func anIndexEntryFollowsItsFile() throws {
        let (root, _) = try layout()
        let files = try StaticFiles(root: root, cache: FileCache(revalidationInterval: 0))
        #expect(text(get(files, "/")) == "index")
        try "other".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        #expect(text(get(files, "/")) == "other")
        var renamed = files
        renamed.indexFile = "a.txt"
        #expect(text(renamed.inlineResponse(to: InlineRequest(method: "GET", path: "/"))) == "one")
    }

    /// Names are octets on disk: a request for another Unicode normalization of a cached
    /// name (equal as Swift strings) is another file.
    @Test func keysCompareOctetsNotCanonicalEquivalence() throws {
        let (root, _) = try layout()
        try "nfc".write(toFile: root + "/caf\u{E9}.txt", atomically: true, encoding: .utf8)
        let files = try StaticFiles(root: root, cache: FileCache(revalidationInterval: 3600))
        #expect(text(get(files, "/caf\u{E9}.txt")) == "nfc")
        #expect("/caf\u{E9}.txt" == "/cafe\u{301}.txt")   // what a String-keyed cache would conflate
        #expect(get(files, "/cafe\u{301}.txt")?.status == 404)
        #expect(get(files, "/cafe%CC%81.txt")?.status == 404)
        #expect(text(get(files, "/caf%C3%A9.txt")) == "nfc")
    }

    @Test func boundedInEntriesAndOctets() throws {
        let (root, _) = try layout()
        for name in ["b", "c", "d"] {
            try "12345".write(toFile: root + "/\(name).txt", atomically: true, encoding: .utf8)
        }
        let byCount = try StaticFiles(root: root, cache: FileCache(maxEntries: 2, revalidationInterval: 0))
        let byOctets = try StaticFiles(root: root, cache: FileCache(maxTotalBytes: 8, revalidationInterval: 0))
        for name in ["b", "c", "d"] {
            #expect(text(get(byCount, "/\(name).txt")) == "12345")
            #expect(text(get(byOctets, "/\(name).txt")) == "12345")
        }
        #expect(byCount.cache.count == 2)
        #expect(byOctets.cache.count == 1)
    }

    @Test func anInlineResponseCarriesItsFieldBlock() {
        let response = InlineResponse(status: 200, headers: [HeaderField("Content-Type", "text/plain"),
                                                              HeaderField("Connection", "close")], body: "hi")
        #expect(response.headers.contains(HeaderField("content-length", "2")))
        let head = Array(response.head)
        #expect(head.first == HeaderField(":status", "200"))
        #expect(head.contains(HeaderField("content-type", "text/plain")))
        #expect(!head.contains { $0.name == "connection" })   // RFC 9113 §8.2.2
    }
}

@Suite("Inline handler: answers made on the event loop", .serialized)
struct InlineHandlerTests {
    @Test func inlineAnswersSkipTheAsyncHandler() async throws {
        let calls = Box(0)
        let inline: InlineHandler = { request in
            request.pathWithoutQuery == "/fast" ? InlineResponse(status: 200, headers: [HeaderField("x-path", "inline")],
                                                                 body: "fast") : nil
        }
        let handler: HTTPHandler = { request, response in
            calls.update { $0 += 1 }
            for try await _ in request.body {}
            try await response.respond(status: 200, body: "slow")
        }
        try await withServer(inlineHandler: inline, handler: handler) { _, port in
            let (get, head, post, other) = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let get = try client.request("GET", "/fast?x")
                let head = try client.request("HEAD", "/fast")
                let post = try client.request("POST", "/fast", endStream: false)
                try client.sendData(Array("body".utf8), on: post, endStream: true)
                let other = try client.request("GET", "/other")
                return (try client.response(get), try client.response(head), try client.response(post),
                        try client.response(other))
            }
            #expect(get.status == "200")
            #expect(get.text == "fast")
            #expect(get.headers.contains { $0.name == "x-path" && $0.value == "inline" })
            #expect(head.status == "200")
            #expect(head.body.isEmpty)
            #expect(head.headers.contains { $0.name == "content-length" && $0.value == "4" })
            #expect(post.text == "slow")    // a request with a body goes to the handler
            #expect(other.text == "slow")   // declined
            #expect(calls.value == 2)
        }
    }

    @Test func manyInlineAnswersOnOneConnection() async throws {
        let inline: InlineHandler = { request in InlineResponse(status: 200, body: ByteBuffer(string: request.path)) }
        try await withServer(inlineHandler: inline, handler: helloHandler) { _, port in
            let texts = try await blocking { () -> [String] in
                let client = try H2TestClient(socket: try TestSocket(port: port))
                var ids: [StreamID] = []
                for index in 0..<300 {
                    ids.append(try client.request("GET", "/n/\(index)"))
                    if index % 90 == 89 { _ = try ids.map { try client.response($0) } }
                }
                return try ids.map { try client.response($0).text }
            }
            #expect(texts == (0..<300).map { "/n/\($0)" })
        }
    }

    /// A body larger than what is sent at once (one write chunk), to a client with a small
    /// stream window: it waits for WINDOW_UPDATEs like a handler's writes do.
    @Test func aLargeInlineBodyWaitsForWindow() async throws {
        let payload = ByteBuffer(bytes: (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let inline: InlineHandler = { _ in InlineResponse(status: 200, body: payload) }
        try await withServer(inlineHandler: inline, handler: helloHandler) { _, port in
            let bodies = try await blocking { () -> [[UInt8]] in
                var configuration = ConnectionConfiguration.client()
                configuration.settings.initialWindowSize = 16_384
                let client = try H2TestClient(socket: try TestSocket(port: port), configuration: configuration)
                let first = try client.request("GET", "/big")
                let second = try client.request("GET", "/big")
                return [try client.response(first).body, try client.response(second).body]
            }
            #expect(bodies.count == 2)
            for body in bodies { #expect(body == Array(buffer: payload)) }
        }
    }

    /// The same answers inline (HTTP/2) and through the async handler (HTTP/1.1).
    @Test func staticFilesAnswerAlikeInlineAndAsync() async throws {
        let root = try temporaryDirectory()
        try "<p>hi</p>".write(toFile: root + "/page.html", atomically: true, encoding: .utf8)
        let files = try StaticFiles(root: root)
        let inline: InlineHandler = { files.inlineResponse(to: $0) }
        let handler: HTTPHandler = { request, response in try await files.serve(request, response) }
        try await withServer(inlineHandler: inline, handler: handler) { _, port in
            let (page, missing) = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let page = try client.request("GET", "/page.html")
                let missing = try client.request("GET", "/nope")
                return (try client.response(page), try client.response(missing))
            }
            let h1 = try await blocking { () -> String in
                let socket = try TestSocket(port: port)
                try socket.send("GET /page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                var all: [UInt8] = []
                while true {
                    let bytes = try socket.receive()
                    if bytes.isEmpty { break }
                    all += bytes
                }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(page.status == "200")
            #expect(page.text == "<p>hi</p>")
            #expect(page.headers.contains { $0.name == "content-type" && $0.value == "text/html; charset=utf-8" })
            #expect(missing.status == "404")
            #expect(h1.hasPrefix("HTTP/1.1 200 OK"))
            #expect(h1.lowercased().contains("content-type: text/html; charset=utf-8"))
            #expect(h1.hasSuffix("\r\n\r\n<p>hi</p>"))
        }
    }
}

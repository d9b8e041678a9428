import Foundation
import HPACK
import HTTP2
@testable import HTTP2Server
import NIOCore
import Testing

@Suite("HTTP2Server end to end (cleartext)", .serialized)
struct EndToEndTests {
    @Test func h2WithPriorKnowledgeAndHTTP11OnOnePort() async throws {
        try await withServer(handler: helloHandler) { _, port in
            let h2 = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let id = try client.request("GET", "/a")
                return try client.response(id)
            }
            #expect(h2.status == "200")
            #expect(h2.text == "hello GET /a HTTP/2\n")
            let h1 = try await blocking { () -> String in
                let socket = try TestSocket(port: port)
                try socket.send("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                var all: [UInt8] = []
                while true {
                    let bytes = try socket.receive()
                    if bytes.isEmpty { break }
                    all += bytes
                }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(h1.hasPrefix("HTTP/1.1 200 OK"))
            #expect(h1.hasSuffix("hello GET /b HTTP/1.1\n"))
        }
    }

    @Test func http11KeepAliveAndChunkedResponses() async throws {
        let handler: HTTPHandler = { request, response in
            try await response.writeHead(status: 200)
            for index in 0..<3 { try await response.write("part \(index);") }
            try await response.finish()
        }
        try await withServer(handler: handler) { _, port in
            let text = try await blocking { () -> String in
                let socket = try TestSocket(port: port)
                var all: [UInt8] = []
                for _ in 0..<2 {
                    try socket.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
                    while !String(decoding: all, as: UTF8.self).hasSuffix("0\r\n\r\n") { all += try socket.receive() }
                    all += Array("|".utf8)
                }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3)  // two responses, one connection
            #expect(text.contains("transfer-encoding: chunked"))
            #expect(text.contains("part 2;"))
            // An HTTP/1.0 client gets a close-delimited body, not chunked coding.
            let old = try await blocking { () -> String in
                let socket = try TestSocket(port: port)
                try socket.send("GET /x HTTP/1.0\r\n\r\n")
                var all: [UInt8] = []
                while true {
                    let bytes = try socket.receive()
                    if bytes.isEmpty { break }
                    all += bytes
                }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(old.hasPrefix("HTTP/1.0 200 OK"))
            #expect(!old.contains("chunked"))
            #expect(old.hasSuffix("part 0;part 1;part 2;"))
        }
    }

    @Test func http11ExpectContinue() async throws {
        let handler: HTTPHandler = { request, response in
            let body = try await request.body.collect(upTo: 1 << 20)
            try await response.respond(status: 200, body: "got \(body.readableBytes)")
        }
        try await withServer(handler: handler) { _, port in
            let text = try await blocking { () -> String in
                let socket = try TestSocket(port: port)
                try socket.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                let interim = String(decoding: try socket.receive(), as: UTF8.self)
                guard interim.hasPrefix("HTTP/1.1 100 Continue") else { return "no 100: " + interim }
                try socket.send("hello")
                var all: [UInt8] = []
                while !String(decoding: all, as: UTF8.self).hasSuffix("got 5") { all += try socket.receive() }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func requestBodyStreamsAndTrailersGoOut() async throws {
        let handler: HTTPHandler = { request, response in
            var total = 0
            for try await chunk in request.body { total += chunk.readableBytes }
            try await response.writeHead(status: 200)
            try await response.write("got \(total)")
            try await response.finish(trailers: [HeaderField("x-total", String(total))])
        }
        try await withServer(handler: handler) { _, port in
            let response = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let id = try client.request("POST", "/upload", endStream: false)
                // 3 MiB: more than the 1 MiB stream window, so credit must come back as the
                // handler reads.
                let chunk = [UInt8](repeating: 7, count: 16 * 1024)
                var sent = 0
                while sent < 3 << 20 {
                    if client.connection.sendWindow(of: id) >= chunk.count {
                        try client.sendData(chunk, on: id, endStream: false)
                        sent += chunk.count
                    } else {
                        try client.pump()
                    }
                }
                try client.sendData([], on: id, endStream: true)
                return try client.response(id)
            }
            #expect(response.status == "200")
            #expect(response.text == "got \(3 << 20)")
            #expect(response.trailers == [HeaderField("x-total", String(3 << 20))])
        }
    }

    @Test func anUnreadBodyHoldsItsCreditBack() async throws {
        // The handler does not read: the peer must run out of window (no automatic credit).
        let release = Box(false)
        let handler: HTTPHandler = { request, response in
            while !release.value { try await Task.sleep(nanoseconds: 10_000_000) }
            let body = try await request.body.collect(upTo: 8 << 20)
            try await response.respond(status: 200, body: "read \(body.readableBytes)")
        }
        try await withServer(handler: handler) { _, port in
            let client = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
            let id = try await blocking { try client.request("POST", "/", endStream: false) }
            let sentBeforeBlocking = try await blocking { () -> Int in
                let chunk = [UInt8](repeating: 1, count: 16 * 1024)
                var sent = 0
                let deadline = Date().addingTimeInterval(1)
                while Date() < deadline && sent < 4 << 20 {
                    if client.connection.sendWindow(of: id) >= chunk.count {
                        try client.sendData(chunk, on: id, endStream: false)
                        sent += chunk.count
                    } else {
                        client.socket.setTimeout(0.2)
                        _ = try? client.pump()
                    }
                }
                return sent
            }
            // The server's stream window is 1 MiB (its SETTINGS); nothing more without reads.
            #expect(sentBeforeBlocking <= 1 << 20)
            #expect(sentBeforeBlocking >= 512 * 1024)
            release.value = true
            let response = try await blocking { () -> H2TestClient.Response in
                client.socket.setTimeout(5)
                let chunk = [UInt8](repeating: 1, count: 16 * 1024)
                var sent = sentBeforeBlocking
                while sent < 2 << 20 {
                    if client.connection.sendWindow(of: id) >= chunk.count {
                        try client.sendData(chunk, on: id, endStream: false)
                        sent += chunk.count
                    } else {
                        try client.pump()
                    }
                }
                try client.sendData([], on: id, endStream: true)
                return try client.response(id)
            }
            #expect(response.text == "read \(2 << 20)")
        }
    }

    @Test func writesWaitForFlowControlWindow() async throws {
        // CVE-2019-9517: a peer that grants no window must not make us buffer the response.
        let written = Box(0)
        let finished = Box(false)
        let handler: HTTPHandler = { _, response in
            try await response.writeHead(status: 200)
            let chunk = ByteBuffer(repeating: 0x61, count: 16 * 1024)
            for _ in 0..<256 {  // 4 MiB
                try await response.write(chunk)
                written.update { $0 += chunk.readableBytes }
            }
            try await response.finish()
            finished.value = true
        }
        try await withServer(handler: handler) { _, port in
            var configuration = ConnectionConfiguration.client()
            configuration.settings.initialWindowSize = 65_535
            configuration.connectionWindow = 65_535
            configuration.returnsCreditAutomatically = false
            let clientConfiguration = configuration
            let client = try await blocking {
                try H2TestClient(socket: try TestSocket(port: port), configuration: clientConfiguration)
            }
            let id = try await blocking { try client.request("GET", "/big") }
            try await blocking {
                client.socket.setTimeout(0.3)
                for _ in 0..<3 { _ = try? client.pump() }
            }
            try await Task.sleep(nanoseconds: 300_000_000)
            // 64 KiB of window, the stream's queue (256 KiB) and one chunk at most.
            #expect(written.value <= 65_535 + 256 * 1024 + 64 * 1024)
            #expect(!finished.value)
            let response = try await blocking { () -> H2TestClient.Response in
                client.socket.setTimeout(5)
                var consumed = 0
                while !(client.responses[id]?.done ?? false) {
                    // Credit first: the pumps above may have taken the whole window already,
                    // and then the server has nothing to send until we return some.
                    let body = client.responses[id]?.body.count ?? 0
                    if body > consumed {
                        client.connection.consume(body - consumed, on: id, now: H2TestClient.now())
                        consumed = body
                        try client.flush()
                    }
                    try client.pump()
                }
                return client.responses[id]!
            }
            #expect(response.body.count == 4 << 20)
            #expect(await eventually { finished.value })
        }
    }

    @Test func aHandlerThatReturnsWithoutFinishStillEndsTheStreamAfterQueuedData() async throws {
        let handler: HTTPHandler = { _, response in
            try await response.writeHead(status: 200)
            // The client's window (65535) and exactly the stream's queue budget (256 KiB):
            // the handler returns with its queue full, so the end must wait for room.
            try await response.write(ByteBuffer(repeating: 0x64, count: 65_535 + 256 * 1024))
        }
        try await withServer(handler: handler) { _, port in
            var configuration = ConnectionConfiguration.client()
            configuration.settings.initialWindowSize = 65_535
            configuration.returnsCreditAutomatically = false
            let clientConfiguration = configuration
            let response = try await blocking { () -> H2TestClient.Response in
                let client = try H2TestClient(socket: try TestSocket(port: port), configuration: clientConfiguration)
                let id = try client.request("GET", "/no-finish")
                client.socket.setTimeout(0.3)
                for _ in 0..<3 { _ = try? client.pump() }  // let the handler return first
                client.socket.setTimeout(5)
                var consumed = 0
                while !(client.responses[id]?.done ?? false) {
                    let body = client.responses[id]?.body.count ?? 0
                    if body > consumed {
                        client.connection.consume(body - consumed, on: id, now: H2TestClient.now())
                        consumed = body
                        try client.flush()
                    }
                    try client.pump()
                }
                return client.responses[id] ?? H2TestClient.Response()
            }
            #expect(response.reset == nil)
            #expect(response.body.count == 65_535 + 256 * 1024)
        }
    }

    @Test func bufferingPerConnectionIsBounded() async throws {
        // Many streams, no window: the connection's queued total stays under its budget.
        let written = Box(0)
        let handler: HTTPHandler = { _, response in
            try await response.writeHead(status: 200)
            let chunk = ByteBuffer(repeating: 0x63, count: 16 * 1024)
            for _ in 0..<64 {  // 1 MiB per stream
                try await response.write(chunk)
                written.update { $0 += chunk.readableBytes }
            }
            try await response.finish()
        }
        try await withServer({ $0.http2.connection.limits.maxBufferedPerConnection = 512 * 1024 }, handler: handler) { _, port in
            var configuration = ConnectionConfiguration.client()
            configuration.settings.initialWindowSize = 0
            configuration.returnsCreditAutomatically = false
            let clientConfiguration = configuration
            try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port), configuration: clientConfiguration)
                for index in 0..<16 { _ = try client.request("GET", "/s\(index)") }
                client.socket.setTimeout(0.3)
                for _ in 0..<3 { _ = try? client.pump() }
            }
            try await Task.sleep(nanoseconds: 300_000_000)
            // 512 KiB for the connection, plus at most one stream's queue and one write in
            // flight per stream; far below the 16 MiB the handlers want to write.
            #expect(written.value <= 512 * 1024 + 256 * 1024 + 16 * 64 * 1024)
            #expect(written.value < 16 << 20)
        }
    }

    @Test func http11RequestBodiesAreReadOnlyAsFastAsConsumed() async throws {
        let release = Box(false)
        let handler: HTTPHandler = { request, response in
            while !release.value { try await Task.sleep(nanoseconds: 10_000_000) }
            var total = 0
            for try await chunk in request.body { total += chunk.readableBytes }
            try await response.respond(status: 200, body: "got \(total)")
        }
        try await withServer(handler: handler) { _, port in
            let total = 256 << 20
            let socket = try await blocking { () -> TestSocket in
                let socket = try TestSocket(port: port)
                try socket.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
                return socket
            }
            let sent = try await blocking { () -> Int in
                socket.setTimeout(1)
                let block = [UInt8](repeating: 9, count: 256 * 1024)
                var sent = 0
                while sent < total {
                    let count = block.withUnsafeBytes { raw in
                        Foundation.send(socket.fd, raw.baseAddress, min(raw.count, total - sent), Int32(MSG_NOSIGNAL))
                    }
                    if count <= 0 { break }  // the send timeout: we are held back
                    sent += count
                }
                return sent
            }
            // The server stopped reading: what got through is kernel buffers and our 256 KiB
            // backlog, not the whole body.
            #expect(sent < 64 << 20)
            release.value = true
            let text = try await blocking { () -> String in
                socket.setTimeout(10)
                let block = [UInt8](repeating: 9, count: 256 * 1024)
                var left = total - sent
                while left > 0 {
                    let count = min(left, block.count)
                    try socket.send(Array(block.prefix(count)))
                    left -= count
                }
                var all: [UInt8] = []
                while !String(decoding: all, as: UTF8.self).hasSuffix("got \(total)") {
                    let bytes = try socket.receive()
                    if bytes.isEmpty { break }
                    all += bytes
                }
                return String(decoding: all, as: UTF8.self)
            }
            #expect(text.hasSuffix("got \(total)"))
        }
    }

    @Test func aResetStreamCancelsItsHandler() async throws {
        let outcome = Box("")
        let handler: HTTPHandler = { _, response in
            try await response.writeHead(status: 200)
            do {
                while true {
                    try await response.write("tick\n")
                    try await Task.sleep(nanoseconds: 10_000_000)
                }
            } catch is CancellationError {
                outcome.value = "cancelled"
            } catch let error as HTTPServerError {
                outcome.value = "\(error)"
            }
        }
        try await withServer(handler: handler) { _, port in
            try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let id = try client.request("GET", "/ticks")
                while (client.responses[id]?.body.count ?? 0) < 20 { try client.pump() }
                client.connection.resetStream(id, code: .cancel)
                try client.flush()
                // The connection stays usable.
                let other = try client.request("GET", "/ticks2")
                while (client.responses[other]?.body.count ?? 0) < 5 { try client.pump() }
            }
            #expect(await eventually { !outcome.value.isEmpty })
            #expect(outcome.value == "cancelled" || outcome.value.contains("reset"))
        }
    }

    @Test func aClosedConnectionCancelsItsHandlers() async throws {
        let cancelled = Box(0)
        let handler: HTTPHandler = { _, response in
            try await response.writeHead(status: 200)
            do {
                try await Task.sleep(nanoseconds: 30_000_000_000)
            } catch {
                cancelled.update { $0 += 1 }
            }
        }
        try await withServer(handler: handler) { _, port in
            try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let a = try client.request("GET", "/1")
                let b = try client.request("GET", "/2")
                while client.responses[a]?.status != "200" || client.responses[b]?.status != "200" { try client.pump() }
            }
            #expect(await eventually { cancelled.value == 2 })
        }
    }

    @Test func throwingHandlersGive500OrReset() async throws {
        struct Oops: Error {}
        let handler: HTTPHandler = { request, response in
            if request.path == "/late" {
                try await response.writeHead(status: 200)
                try await response.write("partial")
            }
            throw Oops()
        }
        try await withServer(handler: handler) { _, port in
            let (early, late) = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let a = try client.request("GET", "/early")
                let b = try client.request("GET", "/late")
                return (try client.response(a), try client.response(b))
            }
            #expect(early.status == "500")
            #expect(late.status == "200")
            #expect(late.reset == .internalError)
        }
    }

    @Test func headRequestsGetNoBody() async throws {
        try await withServer(handler: helloHandler) { _, port in
            let response = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                return try client.response(try client.request("HEAD", "/x"))
            }
            #expect(response.status == "200")
            #expect(response.body.isEmpty)
            #expect(response.headers.contains { $0.name == "content-length" && $0.value == "21" })
        }
    }

    @Test func ourSettingsAdvertiseTheConfiguredStreamLimit() async throws {
        try await withServer({ $0.http2.connection.settings.maxConcurrentStreams = 777 }, handler: helloHandler) { _, port in
            let settings = try await blocking { () -> HTTP2Settings? in
                let client = try H2TestClient(socket: try TestSocket(port: port))
                while client.settings == nil { try client.pump() }
                return client.settings
            }
            #expect(settings?.maxConcurrentStreams == 777)
            #expect(settings?.enablePush == false)
        }
    }

    @Test func manyConcurrentStreamsOnOneConnection() async throws {
        try await withServer(handler: helloHandler) { _, port in
            let statuses = try await blocking { () -> [String] in
                let client = try H2TestClient(socket: try TestSocket(port: port))
                let ids = try (0..<200).map { try client.request("GET", "/s\($0)") }
                return try ids.map { try client.response($0).status }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == "200" })
        }
    }
}

@Suite("Bad input and limits", .serialized)
struct BadInputTests {
    @Test func garbageIsClosedAndOthersAreServed() async throws {
        try await withServer({ $0.handshakeTimeout = .seconds(2) }, handler: helloHandler) { _, port in
            let closed = try await blocking { () -> Bool in
                let socket = try TestSocket(port: port)
                // Looks like neither preface nor HTTP/1.1: the HTTP/1.1 parser refuses it.
                try socket.send([0x16, 0x03, 0x01, 0xFF, 0x00, 0x13, 0x37] + [UInt8](repeating: 0xAB, count: 300))
                return socket.waitForClose()
            }
            #expect(closed)
            let badPreface = try await blocking { () -> Bool in
                let socket = try TestSocket(port: port)
                try socket.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\u{0}\u{0}\u{4}garbage-garbage")
                return socket.waitForClose()
            }
            #expect(badPreface)
            let ok = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                return try client.response(try client.request("GET", "/still")).status
            }
            #expect(ok == "200")
        }
    }

    @Test func silentConnectionsAreClosedAfterTheHandshakeTimeout() async throws {
        try await withServer({ $0.handshakeTimeout = .milliseconds(300) }, handler: helloHandler) { _, port in
            let started = Date()
            let (silent, partial) = try await blocking { () -> (Bool, Bool) in
                let quiet = try TestSocket(port: port)
                let half = try TestSocket(port: port)
                try half.send("PRI * HTTP/2.0\r\n")  // half a preface, then nothing
                return (quiet.waitForClose(), half.waitForClose())
            }
            #expect(silent && partial)
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test func connectionsBeyondTheCapAreClosed() async throws {
        try await withServer({ $0.maxConnections = 2 }, handler: helloHandler) { server, port in
            let first = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
            let second = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
            #expect(await eventually { server.connectionCount == 2 })
            let third = try await blocking { () -> Bool in
                let socket = try TestSocket(port: port)
                return socket.waitForClose()
            }
            #expect(third)
            _ = (first, second)
        }
    }

    @Test func anHTTP11ClientThatStopsReadingIsDropped() async throws {
        let failed = Box(false)
        try await withServer({ $0.http2.sendTimeout = .milliseconds(500) }, handler: { request, response in
            guard request.path == "/flood" else { return try await helloHandler(request, response) }
            try await response.writeHead(status: 200)
            let chunk = ByteBuffer(repeating: 0x62, count: 64 * 1024)
            do {
                for _ in 0..<4096 { try await response.write(chunk) }   // 256 MiB
            } catch {
                failed.value = true
                throw error
            }
        }) { server, port in
            let socket = try await blocking { () -> TestSocket in
                let socket = try TestSocket(port: port)
                socket.setReceiveBuffer(4096)
                try socket.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")
                return socket
            }
            #expect(await eventually(timeout: 15) { server.connectionCount == 0 })
            #expect(await eventually { failed.value })  // the writer got an error, not a hang
            _ = socket
        }
    }

    @Test func aClientThatStopsReadingIsDropped() async throws {
        try await withServer({ $0.http2.sendTimeout = .milliseconds(500) }, handler: { request, response in
            guard request.path == "/flood" else { return try await helloHandler(request, response) }
            try await response.writeHead(status: 200)
            let chunk = ByteBuffer(repeating: 0x62, count: 64 * 1024)
            for _ in 0..<1024 { try await response.write(chunk) }   // 64 MiB
            try await response.finish()
        }) { server, port in
            let socket = try await blocking { () -> TestSocket in
                let socket = try TestSocket(port: port)
                socket.setReceiveBuffer(4096)
                let client = try H2TestClient(socket: socket)
                _ = try client.request("GET", "/flood")
                _ = client
                return socket
            }
            // We never read; the server gives up after its send timeout.
            #expect(await eventually(timeout: 15) { server.connectionCount == 0 })
            // Others are still served.
            let ok = try await blocking {
                let client = try H2TestClient(socket: try TestSocket(port: port))
                return try client.response(try client.request("GET", "/x")).status
            }
            #expect(ok == "200")
            _ = socket
        }
    }
}

import Foundation
import HPACK
import HTTP2
@testable import HTTP2Server
import NIOCore
import NIOPosix
import Testing

@Suite("Stream and connection lifecycle", .serialized)
struct LifecycleTests {
    @Test func finishedStreamsAreForgotten() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let handlers = Box<[UncheckedHandler]>([])
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = HTTP2ServerHandler(configuration: .init(scheme: "http")) { request, response in
                        struct Failure: Error {}
                        if request.path == "/throw" {
                            try await response.writeHead(status: 200)
                            throw Failure()
                        }
                        let body = try await request.body.collect(upTo: 1 << 20)
                        try await response.respond(status: 200, body: "\(body.readableBytes)")
                    }
                    handlers.update { $0.append(UncheckedHandler(handler: handler)) }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        let client = try await blocking { () -> H2TestClient in
            let client = try H2TestClient(socket: try TestSocket(port: port))
            var ids: [StreamID] = []
            for index in 0..<50 { ids.append(try client.request("GET", "/\(index)")) }
            for _ in 0..<5 { ids.append(try client.request("GET", "/throw")) }
            for _ in 0..<10 {
                let id = try client.request("POST", "/post", endStream: false)
                try client.sendData([1, 2, 3], on: id, endStream: true)
                ids.append(id)
            }
            for id in ids { _ = try client.response(id) }
            return client
        }
        let handler = try #require(handlers.value.first)
        try await Task.sleep(nanoseconds: 100_000_000)
        // Read the handler's state on its own loop.
        let state = try await handlerState(handler, group: group, client: client)
        #expect(state.streams == 0)
        #expect(state.blocked == 0)
        #expect(state.engine == 0)
        try await channel.close()
        try await group.shutdownGracefully()
    }

    func handlerState(_ unchecked: UncheckedHandler, group: EventLoopGroup, client: H2TestClient) async throws
        -> (streams: Int, blocked: Int, engine: Int) {
        let box = Box((streams: -1, blocked: -1, engine: -1))
        let loop = try #require(unchecked.handler.context?.eventLoop)
        try await loop.submit {
            box.value = (unchecked.handler.streams.count, unchecked.handler.blocked.count,
                         unchecked.handler.connection.streamCount)
        }.get()
        _ = client
        return box.value
    }

    @Test func idleHTTP2ConnectionsGetGoAwayAndClose() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }, handler: helloHandler) { _, port in
            let (goAway, closed) = try await blocking { () -> ((StreamID, HTTP2ErrorCode)?, Bool) in
                let client = try H2TestClient(socket: try TestSocket(port: port))
                _ = try client.response(try client.request("GET", "/"))
                try client.readUntilClosed()
                return (client.goAway, client.closed)
            }
            #expect(goAway?.1 == .noError)
            #expect(closed)
        }
    }

    @Test func idleHTTP11ConnectionsClose() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }, handler: helloHandler) { _, port in
            let closed = try await blocking { () -> Bool in
                let socket = try TestSocket(port: port)
                try socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                return socket.waitForClose()
            }
            #expect(closed)
        }
    }

    @Test func serverShutdownWaitsForStreamsInFlight() async throws {
        let running = Box(false)
        let handler: HTTPHandler = { _, response in
            running.value = true
            try await Task.sleep(nanoseconds: 400_000_000)
            try await response.respond(status: 200, body: "done\n")
        }
        var configuration = ServerConfiguration.plaintext(port: 0)
        configuration.threads = 1
        configuration.gracePeriod = .seconds(5)
        let server = HTTP2Server(configuration: configuration, handler: handler)
        let port = try await server.start().port ?? 0
        let client = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
        let id = try await blocking { try client.request("GET", "/slow") }
        #expect(await eventually { running.value })
        let started = Date()
        async let shutdown: Void = server.shutdown()
        let response = try await blocking { () -> H2TestClient.Response in
            let response = try client.response(id)
            try client.readUntilClosed()
            return response
        }
        await shutdown
        #expect(response.text == "done\n")
        #expect(client.goAway?.1 == .noError)
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(server.connectionCount == 0)
    }

    @Test func theGracePeriodEndsStragglers() async throws {
        let cancelled = Box(false)
        let started = Box(false)
        let handler: HTTPHandler = { _, response in
            started.value = true
            do {
                try await Task.sleep(nanoseconds: 20_000_000_000)
            } catch {
                cancelled.value = true
                throw error
            }
        }
        var configuration = ServerConfiguration.plaintext(port: 0)
        configuration.threads = 1
        configuration.gracePeriod = .milliseconds(300)
        let server = HTTP2Server(configuration: configuration, handler: handler)
        let port = try await server.start().port ?? 0
        let client = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
        _ = try await blocking { try client.request("GET", "/forever") }
        #expect(await eventually { started.value })
        let shutdownStarted = Date()
        await server.shutdown()
        #expect(Date().timeIntervalSince(shutdownStarted) < 3)
        #expect(await eventually { cancelled.value })
        _ = client
    }
}

struct UncheckedHandler: @unchecked Sendable {
    let handler: HTTP2ServerHandler
}

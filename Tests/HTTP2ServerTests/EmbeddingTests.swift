import Foundation
import HPACK
import HTTP2
import HTTP2Server
import NIOCore
import NIOPosix
import Testing

/// Another NIO server's own handler, in front of ours: counts the bytes it passes on.
final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let total = Box(0)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        total.update { $0 += self.unwrapInboundIn(data).readableBytes }
        context.fireChannelRead(data)
    }
}

@Suite("HTTP2ServerHandler in another NIO server's pipeline")
struct EmbeddingTests {
    @Test func anotherServerPutsOurHTTP2HandlerInItsPipeline() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = ByteCounter()
        let seen = Box<[String]>([])
        // The embedding server's own bootstrap and pipeline: its handler, then ours.
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var configuration = HTTP2HandlerConfiguration(scheme: "http")
                    configuration.connection.settings.maxConcurrentStreams = 50
                    try channel.pipeline.syncOperations.addHandler(counter)
                    try channel.pipeline.syncOperations.addHandler(HTTP2ServerHandler(configuration: configuration) { request, response in
                        seen.update { $0.append("\(request.method) \(request.path) \(request.scheme)") }
                        let body = try await request.body.collect(upTo: 1 << 20)
                        try await response.respond(status: 201, headers: [HeaderField("x-embedded", "yes")],
                                                   body: "got \(body.readableBytes) octets\n")
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        let response = try await blocking {
            let client = try H2TestClient(socket: try TestSocket(port: port))
            let id = try client.request("POST", "/embedded", endStream: false)
            try client.sendData(Array(repeating: 1, count: 1000), on: id, endStream: true)
            return try client.response(id)
        }
        #expect(response.status == "201")
        #expect(response.text == "got 1000 octets\n")
        #expect(response.headers.contains { $0.name == "x-embedded" && $0.value == "yes" })
        #expect(seen.value == ["POST /embedded http"])
        #expect(counter.total.value > 1000)
        try await channel.close()
        try await group.shutdownGracefully()
    }

    @Test func quiesceEventStartsAGracefulShutdown() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let children = Box<[Channel]>([])
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                children.update { $0.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP2ServerHandler(configuration: .init(scheme: "http")) { _, response in
                        try await Task.sleep(nanoseconds: 300_000_000)
                        try await response.respond(status: 200, body: "finished\n")
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        let client = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
        let id = try await blocking { try client.request("GET", "/slow") }
        #expect(await eventually { children.value.count == 1 })
        try await Task.sleep(nanoseconds: 50_000_000)
        children.value.first?.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        let (response, goAway) = try await blocking { () -> (H2TestClient.Response, (StreamID, HTTP2ErrorCode)?) in
            let response = try client.response(id)
            try client.readUntilClosed()
            return (response, client.goAway)
        }
        // RFC 9113 §6.8: GOAWAY, the stream in flight still completes, then the close.
        #expect(response.text == "finished\n")
        #expect(goAway?.1 == .noError)
        #expect(goAway?.0 == id)
        #expect(client.closed)
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

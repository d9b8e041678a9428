import HPACK
import HTTP2

/// The request/response exchange of the engine benchmark, as the client sends it.
///
/// A browser-like GET for an event stream, HPACK-encoded by a client-side `HPACKEncoder`
/// (ours, default policy): the first request fills the client's dynamic table, so every later
/// one is a few indexed fields plus `:path` as a literal (the policy never indexes `:path`).
/// Requests come 100 per `receive` call, each HEADERS with END_STREAM, and each batch ends
/// with the connection WINDOW_UPDATE a client sends to return the credit of the previous
/// batch's responses. The stream ids of a batch are written into a template before the batch
/// goes in (part of the measured time for both libraries; about 100 stores).
public enum EngineCorpus {
    public static let batch = 100

    public static let requestFields: [(String, String)] = [
        (":method", "GET"),
        (":scheme", "https"),
        (":authority", "app.example.com"),
        (":path", "/api/events?topic=prices&since=1732540800"),
        ("sec-ch-ua", "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\""),
        ("accept", "text/event-stream"),
        ("cache-control", "no-cache"),
        ("sec-ch-ua-mobile", "?0"),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
        ("sec-ch-ua-platform", "\"Linux\""),
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-dest", "empty"),
        ("referer", "https://app.example.com/dashboard"),
        ("accept-encoding", "gzip, deflate, br, zstd"),
        ("accept-language", "en-US,en;q=0.9"),
        ("cookie", "session=5f2b8c1e9a7d4b3f8e6a2c1d0b9f7e5a; theme=dark"),
        ("priority", "u=1, i"),
    ]

    public static let responseFields: [(String, String)] = [
        (":status", "200"), ("content-type", "text/event-stream"), ("cache-control", "no-cache"),
    ]
    public static let body: [UInt8] = Array("data: ok\n\n".utf8)

    /// The client's SETTINGS, as a browser sends them (push off, 6 MiB stream windows).
    static let clientSettings: [(UInt16, UInt32)] = [
        (SettingID.enablePush, 0), (SettingID.initialWindowSize, 6 << 20), (0x6, 256 << 10),
    ]
}

/// The client side of the exchange: the connection's start and a batch template.
public struct RequestStream {
    /// Magic, SETTINGS, the ack of the server's SETTINGS, a connection WINDOW_UPDATE, and the
    /// first request on stream 1 (which fills the client's HPACK table).
    public let prologue: [UInt8]
    /// One batch: 100 HEADERS and the WINDOW_UPDATE; stream ids patched by `next()`.
    public private(set) var batch: [UInt8]
    /// The steady-state field block (every field indexed but `:path`).
    public let steadyBlock: [UInt8]
    public let firstBlock: [UInt8]
    var idOffsets: [Int] = []
    public private(set) var nextStream: UInt32 = 3

    /// `withFirstRequest`: the prologue ends with the first request (stream 1); otherwise the
    /// first request is the first of the first batch (for the idle-stream count).
    public init(withFirstRequest: Bool = true, windowUpdate: Bool = true) {
        var encoder = HPACK.HPACKEncoder()
        let fields = HeaderList(EngineCorpus.requestFields.map { HeaderField($0.0, $0.1) })
        firstBlock = encoder.encode(fields)
        steadyBlock = encoder.encode(fields)
        require(encoder.encode(fields) == steadyBlock, "the client's block does not settle")
        var prologue = clientMagic
        prologue.appendSettings(EngineCorpus.clientSettings)
        prologue.appendSettingsAck()
        prologue.appendWindowUpdate(stream: 0, increment: (15 << 20) - 65_535 + (1 << 20))
        if withFirstRequest {
            prologue.appendFrame(.headers, flags: WireFlag.endHeaders | WireFlag.endStream, stream: 1, payload: firstBlock)
        } else {
            nextStream = 1
        }
        self.prologue = prologue
        var batch: [UInt8] = []
        for _ in 0..<EngineCorpus.batch {
            idOffsets.append(batch.count + 5)
            batch.appendFrame(.headers, flags: WireFlag.endHeaders | WireFlag.endStream, stream: 0x7FFF_FFFF,
                              payload: steadyBlock)
        }
        if windowUpdate {
            batch.appendWindowUpdate(stream: 0, increment: UInt32(EngineCorpus.batch * EngineCorpus.body.count))
        }
        self.batch = batch
    }

    /// Writes the next 100 stream ids into the batch.
    @inline(__always)
    public mutating func next() {
        var stream = nextStream
        batch.withUnsafeMutableBytes { bytes in
            for offset in idOffsets {
                bytes.storeBytes(of: stream.bigEndian, toByteOffset: offset, as: UInt32.self)
                stream &+= 2
            }
        }
        nextStream = stream
    }

    /// The whole batch with the first request's block instead (for streams that open a
    /// fresh connection's table: the idle-stream measurement).
    public func firstBatchBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<EngineCorpus.batch {
            bytes.appendFrame(.headers, flags: WireFlag.endHeaders | WireFlag.endStream, stream: nextStream + 2 * UInt32(index),
                              payload: index == 0 ? firstBlock : steadyBlock)
        }
        return bytes
    }
}

/// Our `Connection` in the server role answering the batches.
public final class OursEngineBench {
    var server: Connection
    var client = RequestStream()
    var ids: [StreamID] = []
    let response = HeaderList(EngineCorpus.responseFields.map { HeaderField($0.0, $0.1) })
    let body = EngineCorpus.body
    var now: UInt64 = 1
    /// Output octets of the last batch.
    public private(set) var lastOutput: [UInt8] = []

    public init() throws {
        server = Connection(role: .server, configuration: .server(maxConcurrentStreams: 1000), now: now)
        _ = server.takeOutput()
        var first: [StreamID] = []
        server.receive(client.prologue, now: now) { event in
            if case .request(let id, _, _) = event { first.append(id) }
        }
        require(first == [1], "the first request did not arrive")
        try server.sendHeaders(response, on: 1, endStream: false)
        try server.sendData(body, on: 1, endStream: true)
        _ = server.takeOutput()
        ids.reserveCapacity(EngineCorpus.batch)
    }

    /// One batch: 100 requests in, 100 responses out, the output drained. Returns the
    /// requests answered.
    @inline(never)
    public func batch() throws -> Int {
        client.next()
        now &+= 100_000
        // One exclusive access to each stored property for the whole batch.
        return try Self.serve(&server, &ids, client.batch, response, body, now: now)
    }

    // Not inlined into `batch`: Swift 6.3.1's ARC optimizer crashes on the inlined form.
    @inline(never)
    static func serve(_ server: inout Connection, _ ids: inout [StreamID], _ requests: [UInt8], _ response: HeaderList,
                      _ body: [UInt8], now: UInt64) throws -> Int {
        ids.removeAll(keepingCapacity: true)
        requests.withUnsafeBytes { bytes in
            server.receive(bytes, now: now) { event in
                if case .request(let id, _, _) = event { ids.append(id) }
            }
        }
        let count = ids.count
        try body.withUnsafeBytes { body in
            for index in 0..<count {
                let id = ids[index]
                try server.sendHeaders(response, on: id, endStream: false)
                try server.sendData(body, on: id, endStream: true)
            }
        }
        var octets = 0
        server.drainOutput { octets &+= $0.count }
        opaqueUse(octets)
        return ids.count
    }

    /// Runs batches and checks their output: 100 HEADERS and 100 DATA with END_STREAM each.
    public func verify(batches: Int = 3) throws {
        for _ in 0..<batches {
            client.next()
            now &+= 100_000
            ids.removeAll(keepingCapacity: true)
            var ids: [StreamID] = []
            server.receive(client.batch, now: now) { event in
                if case .request(let id, _, _) = event { ids.append(id) }
                if case .connectionError(let error) = event { fatalError("connection error \(error)") }
            }
            require(ids.count == EngineCorpus.batch, "\(ids.count) requests in a batch")
            for id in ids {
                try server.sendHeaders(response, on: id, endStream: false)
                try server.sendData(body, on: id, endStream: true)
            }
            lastOutput = server.takeOutput()
            try checkResponses(lastOutput)
            require(server.streamCount == 0, "streams left open")
        }
    }
}

/// 100 HEADERS, 100 DATA frames with END_STREAM carrying the body, nothing else.
func checkResponses(_ output: [UInt8]) throws {
    let headers = countFrames(output, type: .headers)
    let data = countFrames(output, type: .data, flag: WireFlag.endStream)
    require(headers.ofType == EngineCorpus.batch, "\(headers.ofType) HEADERS frames in a batch's output")
    require(data.withFlag == EngineCorpus.batch, "\(data.withFlag) DATA frames with END_STREAM in a batch's output")
    require(headers.all == 2 * EngineCorpus.batch, "\(headers.all) frames in a batch's output")
}

import HPACK
@testable import HTTP2

/// A client and a server connection wired back to back in memory, with a clock.
struct ConnectionPair {
    var client: Connection
    var server: Connection
    var now: UInt64 = 1_000_000_000
    var clientEvents: [String] = []
    var serverEvents: [String] = []
    /// Requests the server saw, by stream.
    var requests: [StreamID: RequestHead] = [:]
    /// Responses and data the client saw, by stream.
    var responses: [StreamID: ResponseHead] = [:]
    var clientData: [StreamID: [UInt8]] = [:]
    var clientDataConsumed: [StreamID: Int] = [:]
    var serverData: [StreamID: [UInt8]] = [:]
    var clientResets: [StreamID: HTTP2ErrorCode] = [:]
    var serverResets: [StreamID: HTTP2ErrorCode] = [:]
    var closedOnClient: Set<StreamID> = []
    var started: [StreamID] = []

    init(client: ConnectionConfiguration = .client(), server: ConnectionConfiguration = .server()) {
        self.client = Connection(role: .client, configuration: client, now: now)
        self.server = Connection(role: .server, configuration: server, now: now)
    }

    /// Moves bytes both ways until neither side has anything to say.
    mutating func exchange(rounds: Int = 50) {
        for _ in 0..<rounds {
            let toServer = client.takeOutput()
            let toClient = server.takeOutput()
            if toServer.isEmpty && toClient.isEmpty { return }
            deliverToServer(toServer)
            deliverToClient(toClient)
        }
    }

    mutating func deliverToServer(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var events: [String] = []
        var requests = self.requests
        var data = self.serverData
        var resets = self.serverResets
        server.receive(bytes, now: now) { event in
            events.append(describe(event))
            switch event {
            case .request(let id, let head, _): requests[id] = head
            case .data(let id, let bytes, _): data[id, default: []].append(contentsOf: bytes)
            case .streamReset(let id, let code, _): resets[id] = code
            default: break
            }
        }
        self.requests = requests
        self.serverData = data
        self.serverResets = resets
        serverEvents += events
    }

    mutating func deliverToClient(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        var events: [String] = []
        var responses = self.responses
        var data = self.clientData
        var resets = self.clientResets
        var closed = self.closedOnClient
        var started = self.started
        client.receive(bytes, now: now) { event in
            events.append(describe(event))
            switch event {
            case .response(let id, let head, _): responses[id] = head
            case .data(let id, let bytes, _): data[id, default: []].append(contentsOf: bytes)
            case .streamReset(let id, let code, _): resets[id] = code
            case .streamClosed(let id): closed.insert(id)
            case .requestStarted(let id, _): started.append(id)
            default: break
            }
        }
        self.responses = responses
        self.clientData = data
        self.clientResets = resets
        self.closedOnClient = closed
        self.started = started
        clientEvents += events
    }
}

func describe(_ event: ConnectionEvent) -> String {
    switch event {
    case .request(let id, let head, let end): return "request \(id.rawValue) \(head.method) \(head.path ?? "")\(end ? " end" : "")"
    case .response(let id, let head, let end): return "response \(id.rawValue) \(head.status)\(end ? " end" : "")"
    case .trailers(let id, let list): return "trailers \(id.rawValue) \(list.count)"
    case .data(let id, let bytes, let end): return "data \(id.rawValue) \(bytes.count)\(end ? " end" : "")"
    case .streamReset(let id, let code, let byPeer): return "reset \(id.rawValue) \(code)\(byPeer ? " by peer" : "")"
    case .streamClosed(let id): return "closed \(id.rawValue)"
    case .writable(let id): return "writable \(id.rawValue)"
    case .requestStarted(let id, _): return "started \(id.rawValue)"
    case .settingsReceived: return "settings"
    case .settingsAcknowledged: return "settings acked"
    case .pingAcknowledged: return "ping acked"
    case .goAwayReceived(let last, let code, _): return "goaway \(last.rawValue) \(code)"
    case .connectionError(let error): return "connection error \(error.code)"
    case .connectionClosed: return "connection closed"
    }
}

func request(_ path: String, method: String = "GET") -> [HeaderField] {
    [HeaderField(":method", method), HeaderField(":scheme", "https"), HeaderField(":authority", "example.com"),
     HeaderField(":path", path)]
}

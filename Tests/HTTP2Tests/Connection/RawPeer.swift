import HPACK
@testable import HTTP2

/// A hand-driven client: writes exactly the frames a test wants, against a server
/// `Connection`, and reads back what the server sends as parsed frame summaries.
struct RawPeer {
    var server: Connection
    var writer = FrameWriter()
    var encoder = HPACKEncoder()
    var now: UInt64 = 1_000_000_000
    var events: [String] = []

    init(configuration: ConnectionConfiguration = .server()) {
        server = Connection(role: .server, configuration: configuration, now: now)
    }

    /// Preface, SETTINGS and the ACK of the server's SETTINGS.
    mutating func handshake() -> [String] {
        writer.writeSettings([])
        writer.writeSettingsAck()
        return send(Connection.preface + writer.bytes, clearing: true)
    }

    mutating func headers(_ stream: StreamID, _ fields: [HeaderField], endStream: Bool = true) {
        var block: [UInt8] = []
        encoder.encode(fields, into: &block)
        writer.writeHeaders(block, streamID: stream, endStream: endStream)
    }

    /// Sends what the writer holds (after `prefix`), returns the frames the server answered.
    @discardableResult
    mutating func flush() -> [String] { send(writer.bytes, clearing: true) }

    mutating func send(_ bytes: [UInt8], clearing: Bool = false) -> [String] {
        if clearing { writer.clear() }
        var seen: [String] = []
        server.receive(bytes, now: now) { seen.append(describe($0)) }
        events += seen
        return frames(server.takeOutput())
    }
}

/// Summaries of the frames in `bytes`: "SETTINGS", "SETTINGS ack", "RST_STREAM 1 PROTOCOL_ERROR",
/// "GOAWAY PROTOCOL_ERROR", "HEADERS 1", "DATA 1 2", "PING ack", "WINDOW_UPDATE 0 n".
func frames(_ bytes: [UInt8]) -> [String] {
    var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
    var out: [String] = []
    do throws(HTTP2Error) {
        try reader.read(bytes) { result in
            guard case .frame(let frame) = result else { out.append("invalid"); return }
            switch frame {
            case .settings(let settings): out.append(settings.ack ? "SETTINGS ack" : "SETTINGS")
            case .rstStream(let reset): out.append("RST_STREAM \(reset.streamID.rawValue) \(reset.errorCode)")
            case .goAway(let goAway): out.append("GOAWAY \(goAway.errorCode)")
            case .headers(let headers): out.append("HEADERS \(headers.streamID.rawValue)")
            case .data(let data): out.append("DATA \(data.streamID.rawValue) \(data.data.count)\(data.endStream ? " end" : "")")
            case .ping(let ping): out.append(ping.ack ? "PING ack" : "PING")
            case .windowUpdate(let update): out.append("WINDOW_UPDATE \(update.streamID.rawValue) \(update.increment)")
            default: out.append("\(frame.type)")
            }
        }
    } catch {
        out.append("unreadable: \(error)")
    }
    return out
}

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The protocol a request came over, as ALPN names it.
public enum WireProtocol: String, Sendable, CaseIterable {
    case h2 = "h2"
    case http11 = "http/1.1"
}

/// The sse-server's counters, exported at /metrics in the Prometheus text format (0.0.4).
///
/// Connections are counted from the requests they carry (a connection is known by the
/// peer's address and port), since the server's handler API does not report connections
/// themselves; `sse_server_connections_open` adds the server's own count of open
/// connections, including those that sent no request yet.
public final class SSEMetrics: Sendable {
    private let state = Mutex(State())
    /// The server's count of open connections, when the app is wired to a server.
    private let serverConnections = Mutex<(@Sendable () -> Int)?>(nil)

    struct Peer {
        var wireProtocol: WireProtocol
        var activeRequests = 0
        var activeStreams = 0
        var carriedStream = false
    }

    struct PerProtocol {
        var connections = 0          // connections that sent a request
        var streamConnections = 0    // connections that carried an SSE stream
        var requests = 0
        var streamsStarted = 0
        var streamsOpen = 0
        var streamsCancelled = 0     // ended by the client (RST_STREAM or closed connection)
        var streamsCompleted = 0     // answered to the end (?tokens=N)
        var streamsResumed = 0       // started with a Last-Event-ID of a known session
    }

    struct State {
        var peers: [String: Peer] = [:]
        var byProtocol: [WireProtocol: PerProtocol] = [.h2: PerProtocol(), .http11: PerProtocol()]
        var streamsRefused = 0
        var eventsSent = 0
        var eventsReplayed = 0
        var heartbeats = 0
        var firstEventNanoseconds: [Int] = Array(repeating: 0, count: SSEMetrics.latencyBuckets.count + 1)
        var firstEventSum = 0.0
        var firstEventCount = 0
    }

    /// Upper bounds (seconds) of the histogram of the time from request to first event.
    static let latencyBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1]
    /// Peers forgotten past this many idle ones (their counts stay in the totals).
    static let maxIdlePeers = 4096

    public init() {}

    public func setServerConnectionCount(_ count: @escaping @Sendable () -> Int) {
        serverConnections.withLock { $0 = count }
    }

    // MARK: Recording

    /// A request began on the connection of `peer`.
    public func requestStarted(peer: String, over wireProtocol: WireProtocol) {
        state.withLock { state in
            state.byProtocol[wireProtocol, default: PerProtocol()].requests += 1
            if state.peers[peer] == nil {
                state.peers[peer] = Peer(wireProtocol: wireProtocol)
                state.byProtocol[wireProtocol, default: PerProtocol()].connections += 1
            }
            state.peers[peer]?.activeRequests += 1
        }
    }

    public func requestEnded(peer: String) {
        state.withLock { state in
            guard var record = state.peers[peer] else { return }
            record.activeRequests -= 1
            state.peers[peer] = record
            if record.activeRequests <= 0 { Self.forgetIdlePeers(&state) }
        }
    }

    /// An SSE stream (generator) started on `peer`'s connection.
    public func streamStarted(peer: String, over wireProtocol: WireProtocol, resumed: Bool) {
        state.withLock { state in
            var counts = state.byProtocol[wireProtocol, default: PerProtocol()]
            counts.streamsStarted += 1
            counts.streamsOpen += 1
            if resumed { counts.streamsResumed += 1 }
            if var record = state.peers[peer] {
                if !record.carriedStream {
                    record.carriedStream = true
                    counts.streamConnections += 1
                }
                record.activeStreams += 1
                state.peers[peer] = record
            }
            state.byProtocol[wireProtocol] = counts
        }
    }

    public enum StreamEnd: Sendable {
        case completed
        case cancelled
        case failed
    }

    public func streamEnded(peer: String, over wireProtocol: WireProtocol, _ end: StreamEnd) {
        state.withLock { state in
            var counts = state.byProtocol[wireProtocol, default: PerProtocol()]
            counts.streamsOpen -= 1
            switch end {
            case .completed: counts.streamsCompleted += 1
            case .cancelled: counts.streamsCancelled += 1
            case .failed: break
            }
            state.byProtocol[wireProtocol] = counts
            state.peers[peer]?.activeStreams -= 1
        }
    }

    public func streamRefused() {
        state.withLock { $0.streamsRefused += 1 }
    }

    public func eventsSent(_ count: Int, replayed: Int = 0) {
        state.withLock {
            $0.eventsSent += count
            $0.eventsReplayed += replayed
        }
    }

    public func heartbeatSent() {
        state.withLock { $0.heartbeats += 1 }
    }

    public func firstEvent(after seconds: Double) {
        state.withLock { state in
            let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) ?? Self.latencyBuckets.count
            state.firstEventNanoseconds[bucket] += 1
            state.firstEventSum += seconds
            state.firstEventCount += 1
        }
    }

    /// Peers with nothing in flight are dropped once there are many (ports get reused).
    private static func forgetIdlePeers(_ state: inout State) {
        guard state.peers.count > maxIdlePeers else { return }
        let idle = state.peers.filter { $0.value.activeRequests <= 0 }.map(\.key)
        for key in idle.prefix(state.peers.count - maxIdlePeers / 2) { state.peers[key] = nil }
    }

    // MARK: Reading

    /// A copy of the numbers, for tests and the dashboard.
    public struct Snapshot: Sendable, Equatable {
        public var connections: [String: Int]
        public var streamConnectionsOpen: [String: Int]
        public var streamConnections: [String: Int]
        public var streamsOpen: [String: Int]
        public var streamsStarted: [String: Int]
        public var streamsCancelled: [String: Int]
        public var streamsCompleted: [String: Int]
        public var streamsResumed: [String: Int]
        public var streamsRefused: Int
        public var eventsSent: Int
        public var eventsReplayed: Int
        public var heartbeats: Int
    }

    public func snapshot() -> Snapshot {
        state.withLock { state in
            func map(_ value: (PerProtocol) -> Int) -> [String: Int] {
                var result: [String: Int] = [:]
                for kind in WireProtocol.allCases { result[kind.rawValue] = value(state.byProtocol[kind] ?? PerProtocol()) }
                return result
            }
            var open: [String: Int] = [:]
            for kind in WireProtocol.allCases { open[kind.rawValue] = 0 }
            for peer in state.peers.values where peer.activeStreams > 0 { open[peer.wireProtocol.rawValue, default: 0] += 1 }
            return Snapshot(connections: map(\.connections), streamConnectionsOpen: open,
                            streamConnections: map(\.streamConnections), streamsOpen: map(\.streamsOpen),
                            streamsStarted: map(\.streamsStarted), streamsCancelled: map(\.streamsCancelled),
                            streamsCompleted: map(\.streamsCompleted), streamsResumed: map(\.streamsResumed),
                            streamsRefused: state.streamsRefused, eventsSent: state.eventsSent,
                            eventsReplayed: state.eventsReplayed, heartbeats: state.heartbeats)
        }
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func render() -> String {
        let snapshot = snapshot()
        let (buckets, sum, count) = state.withLock { ($0.firstEventNanoseconds, $0.firstEventSum, $0.firstEventCount) }
        var out = PrometheusText()
        out.family("sse_connections_total", .counter, "Client connections that sent at least one request, by protocol.")
        for (label, value) in snapshot.connections.sorted(by: { $0.key < $1.key }) { out.sample("sse_connections_total", ["protocol": label], value) }
        out.family("sse_stream_connections_total", .counter, "Client connections that carried at least one SSE stream, by protocol.")
        for (label, value) in snapshot.streamConnections.sorted(by: { $0.key < $1.key }) { out.sample("sse_stream_connections_total", ["protocol": label], value) }
        out.family("sse_stream_connections_open", .gauge, "Client connections carrying SSE streams now, by protocol.")
        for (label, value) in snapshot.streamConnectionsOpen.sorted(by: { $0.key < $1.key }) { out.sample("sse_stream_connections_open", ["protocol": label], value) }
        if let connections = serverConnections.withLock({ $0 }) {
            out.family("sse_server_connections_open", .gauge, "Open connections, as the server counts them (with those that sent nothing yet).")
            out.sample("sse_server_connections_open", [:], connections())
        }
        out.family("sse_streams_open", .gauge, "SSE streams being generated now, by protocol.")
        for (label, value) in snapshot.streamsOpen.sorted(by: { $0.key < $1.key }) { out.sample("sse_streams_open", ["protocol": label], value) }
        out.family("sse_streams_total", .counter, "SSE streams started, by protocol.")
        for (label, value) in snapshot.streamsStarted.sorted(by: { $0.key < $1.key }) { out.sample("sse_streams_total", ["protocol": label], value) }
        out.family("sse_streams_cancelled_total", .counter, "SSE streams the client ended (reset stream or closed connection); their generators were cancelled.")
        for (label, value) in snapshot.streamsCancelled.sorted(by: { $0.key < $1.key }) { out.sample("sse_streams_cancelled_total", ["protocol": label], value) }
        out.family("sse_streams_completed_total", .counter, "SSE streams that reached the end of their answer (?tokens=N).")
        for (label, value) in snapshot.streamsCompleted.sorted(by: { $0.key < $1.key }) { out.sample("sse_streams_completed_total", ["protocol": label], value) }
        out.family("sse_streams_resumed_total", .counter, "SSE streams resumed from a Last-Event-ID.")
        for (label, value) in snapshot.streamsResumed.sorted(by: { $0.key < $1.key }) { out.sample("sse_streams_resumed_total", ["protocol": label], value) }
        out.family("sse_streams_refused_total", .counter, "SSE streams refused with 503 because --max-streams generators were running.")
        out.sample("sse_streams_refused_total", [:], snapshot.streamsRefused)
        out.family("sse_events_sent_total", .counter, "SSE events written (replayed ones included).")
        out.sample("sse_events_sent_total", [:], snapshot.eventsSent)
        out.family("sse_events_replayed_total", .counter, "SSE events sent again after a Last-Event-ID.")
        out.sample("sse_events_replayed_total", [:], snapshot.eventsReplayed)
        out.family("sse_heartbeats_sent_total", .counter, "Comment heartbeats (': ping') written.")
        out.sample("sse_heartbeats_sent_total", [:], snapshot.heartbeats)
        out.family("sse_first_event_seconds", .histogram, "Time from the request to the first event handed to the connection.")
        var cumulative = 0
        for (index, bound) in Self.latencyBuckets.enumerated() {
            cumulative += buckets[index]
            out.sample("sse_first_event_seconds_bucket", ["le": PrometheusText.format(bound)], cumulative)
        }
        cumulative += buckets[Self.latencyBuckets.count]
        out.sample("sse_first_event_seconds_bucket", ["le": "+Inf"], cumulative)
        out.sample("sse_first_event_seconds_sum", [:], sum)
        out.sample("sse_first_event_seconds_count", [:], count)
        if let rss = ProcessMemory.residentBytes() {
            out.family("process_resident_memory_bytes", .gauge, "Resident memory of the server process (VmRSS).")
            out.sample("process_resident_memory_bytes", [:], rss)
        }
        return out.text
    }
}

/// Builds Prometheus text exposition lines (# HELP, # TYPE, samples with escaped labels).
struct PrometheusText {
    enum Kind: String { case counter, gauge, histogram }
    var text = ""

    mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: [String: String], _ value: Int) {
        line(name, labels, String(value))
    }

    mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
        line(name, labels, Self.format(value))
    }

    private mutating func line(_ name: String, _ labels: [String: String], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\"\(Self.escapeLabel($0.value))\"" }
                .joined(separator: ",")
            text += "}"
        }
        text += " "
        text += value
        text += "\n"
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}

/// The process's memory, from /proc/self/status.
public enum ProcessMemory {
    /// VmRSS in octets; nil where /proc is not there.
    public static func residentBytes() -> Int? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") {
                let digits = text.dropFirst(6).filter { $0.isNumber }
                return Int(digits).map { $0 * 1024 }
            }
        }
        return nil
    }
}

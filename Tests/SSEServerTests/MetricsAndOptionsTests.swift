import Testing
@testable import SSEServer

@Suite("Metrics (Prometheus text format 0.0.4)")
struct MetricsTests {
    @Test("connections are counted by protocol, from the requests they carry")
    func connections() {
        let metrics = SSEMetrics()
        metrics.requestStarted(peer: "a:1", over: .h2)
        metrics.requestStarted(peer: "a:1", over: .h2)
        metrics.streamStarted(peer: "a:1", over: .h2, resumed: false)
        metrics.requestStarted(peer: "b:2", over: .http11)
        metrics.requestStarted(peer: "c:3", over: .http11)
        metrics.streamStarted(peer: "c:3", over: .http11, resumed: true)
        var snapshot = metrics.snapshot()
        #expect(snapshot.connections == ["h2": 1, "http/1.1": 2])
        #expect(snapshot.streamConnections == ["h2": 1, "http/1.1": 1])
        #expect(snapshot.streamConnectionsOpen == ["h2": 1, "http/1.1": 1])
        #expect(snapshot.streamsOpen == ["h2": 1, "http/1.1": 1])
        #expect(snapshot.streamsResumed == ["h2": 0, "http/1.1": 1])
        metrics.streamEnded(peer: "a:1", over: .h2, .cancelled)
        metrics.streamEnded(peer: "c:3", over: .http11, .completed)
        snapshot = metrics.snapshot()
        #expect(snapshot.streamsOpen == ["h2": 0, "http/1.1": 0])
        #expect(snapshot.streamsCancelled == ["h2": 1, "http/1.1": 0])
        #expect(snapshot.streamsCompleted == ["h2": 0, "http/1.1": 1])
        #expect(snapshot.streamConnectionsOpen == ["h2": 0, "http/1.1": 0])
    }

    @Test("the exposition has HELP and TYPE for each family and one sample per line")
    func exposition() {
        let metrics = SSEMetrics()
        metrics.eventsSent(3, replayed: 1)
        metrics.streamRefused()
        metrics.firstEvent(after: 0.0007)
        metrics.setServerConnectionCount { 4 }
        let text = metrics.render()
        let lines = text.split(separator: "\n")
        #expect(lines.contains("sse_events_sent_total 3"))
        #expect(lines.contains("sse_events_replayed_total 1"))
        #expect(lines.contains("sse_streams_refused_total 1"))
        #expect(lines.contains("sse_server_connections_open 4"))
        #expect(lines.contains("sse_streams_open{protocol=\"h2\"} 0"))
        #expect(lines.contains("sse_streams_cancelled_total{protocol=\"http/1.1\"} 0"))
        #expect(lines.contains("sse_first_event_seconds_bucket{le=\"0.0005\"} 0"))
        #expect(lines.contains("sse_first_event_seconds_bucket{le=\"0.001\"} 1"))
        #expect(lines.contains("sse_first_event_seconds_bucket{le=\"+Inf\"} 1"))
        #expect(lines.contains("sse_first_event_seconds_count 1"))
        #expect(lines.contains { $0.hasPrefix("process_resident_memory_bytes ") })
        // Every sample's family is declared before it.
        var declared: Set<Substring> = []
        for line in lines {
            if line.hasPrefix("# TYPE ") {
                declared.insert(line.split(separator: " ")[2])
            } else if !line.hasPrefix("#") {
                let name = line.prefix(while: { $0 != "{" && $0 != " " })
                let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                    name.hasSuffix(suffix) && declared.contains(name.dropLast(suffix.count)) ? name.dropLast(suffix.count) : name
                }
                #expect(declared.contains(family), "\(line) has no # TYPE")
            }
        }
    }

    @Test("label values are escaped")
    func escaping() {
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        #expect(PrometheusText.escapeHelp("x\\y\nz") == "x\\\\y\\nz")
    }
}

@Suite("Query strings")
struct QueryTests {
    @Test("names, values, percent and plus decoding; the first value wins")
    func parse() {
        let query = Query(path: "/stream-ai?id=4&interval=50&x=a%20b+c&id=9&flag#frag")
        #expect(query["id"] == "4")
        #expect(query["interval"] == "50")
        #expect(query["x"] == "a b c")
        #expect(query["flag"] == "")
        #expect(query["missing"] == nil)
        #expect(Query(path: "/").items.isEmpty)
        #expect(Query(path: "/?bad=%zz%4")["bad"] == "%zz%4")
    }

    @Test("stream parameters: defaults, clamping, and refusals")
    func streamParameters() throws {
        let app = SSEApp()
        let defaults = try app.streamParameters(Query(path: "/stream-ai")).get()
        #expect(defaults.key == "0")
        #expect(defaults.interval == .milliseconds(200))
        #expect(defaults.tokens == nil)
        let fast = try app.streamParameters(Query(path: "/stream-ai?id=a&interval=1&tokens=5")).get()
        #expect(fast.interval == .milliseconds(10))
        #expect(fast.tokens == 5)
        let slow = try app.streamParameters(Query(path: "/stream-ai?interval=99999999")).get()
        #expect(slow.interval == .milliseconds(60_000))
        for bad in ["interval=abc", "tokens=0", "tokens=x", "id=" + String(repeating: "k", count: 65)] {
            #expect(throws: (any Error).self) { try app.streamParameters(Query(path: "/stream-ai?" + bad)).get() }
        }
    }
}

@Suite("sse-server flags")
struct OptionsTests {
    @Test("defaults: TLS on 8443, h2 then http/1.1, 1000 concurrent streams")
    func defaults() throws {
        let options = try SSEServerOptions.parse([])
        #expect(options.port == 8443)
        #expect(!options.plaintext)
        #expect(options.alpnOffers == ["h2", "http/1.1"])
        #expect(options.maxConcurrentStreams == 1000)
        #expect(options.initialWindowSize == 1 << 20)
    }

    @Test("--protocols and the stream settings reach the configuration")
    func configuration() throws {
        let options = try SSEServerOptions.parse(["--plaintext", "--port", "0", "--max-concurrent-streams", "6",
                                                  "--initial-window-size", "65535", "--threads", "1"])
        let (configuration, certificate) = try options.serverConfiguration()
        #expect(certificate == nil)
        #expect(configuration.tls == nil)
        #expect(configuration.threads == 1)
        #expect(configuration.http2.connection.settings.maxConcurrentStreams == 6)
        #expect(configuration.http2.connection.settings.initialWindowSize == 65535)
        #expect(options.appConfiguration.maxConcurrentStreams == 6)
        let h1 = try SSEServerOptions.parse(["--protocols", "http/1.1"])
        #expect(h1.alpnOffers == ["http/1.1"])
    }

    @Test("bad values are refused", arguments: [
        ["--port", "70000"], ["--port", "x"], ["--protocols", "h3"], ["--protocols", ""], ["--protocols", "h2,h2"],
        ["--max-concurrent-streams", "0"], ["--initial-window-size", "2147483648"], ["--initial-window-size", "-1"],
        ["--threads", "0"], ["--cert", "a.pem"], ["--plaintext", "--protocols", "h2"], ["--log-level", "loud"],
        ["--docroot", "/nonexistent/folder"], ["--max-streams", "0"], ["--unknown-flag"],
    ])
    func refused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try SSEServerOptions.parse(arguments) }
    }
}

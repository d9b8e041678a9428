// `h2-vectors conformance DIR...`: runs the conformance scenarios of Vectors/conformance
// (format in Vectors/conformance/README.md) against HTTP2's Connection, in either role.
//
// Each scenario gets a fresh Connection. Server role (the default): every step's octets go
// to `receive` in one call; complete requests are answered with `:status 200` and a small
// body. Client role (`"role": "client"`): the client's preface and SETTINGS are drained
// and checked first, the case's `requests` are sent, then every step's octets (the
// server's frames) go to `receive` and the step's own actions (requests, request data,
// resets) follow. Either way the output is drained after each step and cut into frames
// with FrameReader, field blocks decoded with an HPACK decoder of the scenario's own. The
// expectation is then checked against the frames (and the events the connection
// reported): those of a step for a step's "expect", those of every step not marked
// "setup" for the scenario's "expect" (in the client role, with what the case-level
// requests produced).
//
// Self-contained on purpose (it uses no helper of the other modes).
import Foundation
import HPACK
import HTTP2

/// Runs every `.json` scenario file under `dirs`; prints a line per failing case, a
/// summary per folder and last "N passed, M failed". True when no case failed.
func runConformanceVectors(_ dirs: [String]) -> Bool {
    runConformanceVectors(dirs, log: { print($0) })
}

/// `runConformanceVectors` with the output sent to `log`.
func runConformanceVectors(_ dirs: [String], log: (String) -> Void) -> Bool {
    var passed = 0
    var failed = 0
    var byRole: [String: (passed: Int, failed: Int)] = [:]
    for dir in dirs {
        let groups: [(folder: String, files: [String])]
        do {
            groups = try Conformance.files(under: dir)
        } catch {
            log("FAIL \(dir): \(error)")
            failed += 1
            continue
        }
        for group in groups {
            var folderPassed = 0
            var folderFailed = 0
            for file in group.files {
                let name = (file as NSString).lastPathComponent
                let cases: [[String: Any]]
                do {
                    cases = try Conformance.cases(in: file)
                } catch {
                    log("FAIL \(name): \(error)")
                    folderFailed += 1
                    continue
                }
                for scenario in cases {
                    let id = scenario["id"] as? String ?? "(no id)"
                    let title = scenario["title"] as? String ?? ""
                    let role = scenario["role"] as? String ?? "server"
                    if let problem = Conformance.check(scenario) {
                        log("FAIL \(name): \(id) \(title): \(problem)")
                        folderFailed += 1
                        byRole[role, default: (0, 0)].failed += 1
                    } else {
                        folderPassed += 1
                        byRole[role, default: (0, 0)].passed += 1
                    }
                }
            }
            log("\(group.folder): \(folderPassed) passed, \(folderFailed) failed")
            passed += folderPassed
            failed += folderFailed
        }
    }
    for role in byRole.keys.sorted(by: { ($0 == "server" ? 0 : 1, $0) < ($1 == "server" ? 0 : 1, $1) }) {
        let tally = byRole[role] ?? (0, 0)
        log("\(role) role: \(tally.passed) passed, \(tally.failed) failed")
    }
    log("\(passed) passed, \(failed) failed")
    return failed == 0 && passed > 0
}

enum Conformance {
    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: - Files

    /// The `.json` files under `root` (or `root` itself), grouped by folder, sorted.
    static func files(under root: String) throws -> [(folder: String, files: [String])] {
        let groups = try vectorFiles(under: root)  // VectorFiles.swift, shared with the hpack mode
        guard !groups.isEmpty else { throw Problem("no .json scenario files") }
        return groups
    }

    /// The cases of one file; a file-level `role` applies to the cases that name none.
    static func cases(in file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = document["cases"] as? [[String: Any]]
        else {
            throw Problem("not a scenario file: no \"cases\" list")
        }
        guard let role = document["role"] else { return cases }
        return cases.map { scenario in
            var scenario = scenario
            if scenario["role"] == nil { scenario["role"] = role }
            return scenario
        }
    }

    // MARK: - One scenario

    /// Nil when the scenario passes, else what was expected and what was seen.
    static func check(_ scenario: [String: Any]) -> String? {
        guard let steps = scenario["steps"] as? [[String: Any]], !steps.isEmpty else {
            return "no \"steps\""
        }
        guard let expectation = scenario["expect"] else { return "no \"expect\"" }
        let role = scenario["role"] as? String ?? "server"
        guard role == "server" || role == "client" else { return "unknown role \"\(role)\"" }
        let run: Run
        do {
            run = try Run(scenario)
        } catch {
            return "\(error)"
        }
        if let problem = run.outputProblem {
            return "the \(role)'s output is not valid HTTP/2: \(problem); seen \(run.describe(run.allFrames))"
        }
        for (index, step) in steps.enumerated() {
            guard let stepExpectation = step["expect"] else { continue }
            let scope = Scope(run: run, frames: run.frames(ofSteps: [index]), steps: [index])
            if let failure = scope.verify(stepExpectation) {
                return "step \(index + 1): expected \(failure); seen \(run.describe(scope.frames)), "
                    + "connection \(run.closed ? "closed" : "open")" + run.describeEvents(ofSteps: [index])
            }
        }
        // Client role: what the case-level requests produced (step -1) counts too.
        let counted = (run.isClient ? [-1] : []) + steps.indices.filter { (steps[$0]["setup"] as? Bool) != true }
        let scope = Scope(run: run, frames: run.frames(ofSteps: counted), steps: counted)
        if let failure = scope.verify(expectation) {
            return "expected \(failure); seen \(run.describe(scope.frames)), connection \(run.closed ? "closed" : "open")"
                + run.describeEvents(ofSteps: counted)
        }
        return nil
    }

    // MARK: - Running

    /// A frame the server sent, with what the checks need.
    struct OutFrame {
        var step: Int
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var reservedBit: Bool
        var length: Int
        var summary: String = ""
        /// DATA: the data octets (padding excluded).
        var dataLength = 0
        var endStream = false
        var ack = false
        var errorCode: UInt32?
        var lastStream: UInt32?
        /// WINDOW_UPDATE: the increment.
        var increment = 0
        var opaque: [UInt8] = []
        /// HEADERS: the decoded field block (set on the frame that started the block).
        var fields: [(name: String, value: String)]?
        /// SETTINGS without ACK: the (identifier, value) pairs in wire order.
        var settings: [(identifier: UInt16, value: UInt32)] = []
    }

    /// What the connection reported during a step.
    enum Event {
        case request(stream: UInt32, fields: [(name: String, value: String)], endStream: Bool)
        case data(stream: UInt32, bytes: [UInt8], endStream: Bool)
        case trailers(stream: UInt32, fields: [(name: String, value: String)])
        // Client role.
        case response(stream: UInt32, status: String, fields: [(name: String, value: String)], endStream: Bool)
        case streamReset(stream: UInt32, code: UInt32, byPeer: Bool)
        case streamClosed(stream: UInt32)
        case requestStarted(stream: UInt32)
        case goAway(lastStream: UInt32, code: UInt32)
        case connectionError(code: UInt32)

        var summary: String {
            switch self {
            case .request(let stream, _, let end): return "request[\(stream)]" + (end ? " END_STREAM" : "")
            case .data(let stream, let bytes, let end): return "data[\(stream)] \(bytes.count) octets" + (end ? " END_STREAM" : "")
            case .trailers(let stream, _): return "trailers[\(stream)]"
            case .response(let stream, let status, _, let end): return "response[\(stream)] \(status)" + (end ? " END_STREAM" : "")
            case .streamReset(let stream, let code, let byPeer):
                return "reset[\(stream)] \(Conformance.codeName(code)) " + (byPeer ? "by peer" : "by us")
            case .streamClosed(let stream): return "closed[\(stream)]"
            case .requestStarted(let stream): return "started[\(stream)]"
            case .goAway(let last, let code): return "goaway last \(last) \(Conformance.codeName(code))"
            case .connectionError(let code): return "connection error \(Conformance.codeName(code))"
            }
        }

        var stream: UInt32? {
            switch self {
            case .request(let stream, _, _), .data(let stream, _, _), .trailers(let stream, _),
                 .response(let stream, _, _, _), .streamReset(let stream, _, _), .streamClosed(let stream),
                 .requestStarted(let stream):
                return stream
            case .goAway, .connectionError:
                return nil
            }
        }
    }

    /// A client connection's events, as the runner records them (nil: not recorded).
    static func clientEvent(_ event: ConnectionEvent) -> Event? {
        switch event {
        case .request(let id, let head, let endStream):
            return .request(stream: id.rawValue, fields: fields(head.headers), endStream: endStream)
        case .response(let id, let head, let endStream):
            return .response(stream: id.rawValue, status: String(head.status), fields: fields(head.headers),
                             endStream: endStream)
        case .data(let id, let bytes, let endStream):
            return .data(stream: id.rawValue, bytes: Array(bytes), endStream: endStream)
        case .trailers(let id, let list):
            return .trailers(stream: id.rawValue, fields: fields(list))
        case .streamReset(let id, let code, let byPeer):
            return .streamReset(stream: id.rawValue, code: code.rawValue, byPeer: byPeer)
        case .streamClosed(let id):
            return .streamClosed(stream: id.rawValue)
        case .requestStarted(let id, _):
            return .requestStarted(stream: id.rawValue)
        case .goAwayReceived(let last, let code, _):
            return .goAway(lastStream: last.rawValue, code: code.rawValue)
        case .connectionError(let error):
            return .connectionError(code: error.code.rawValue)
        default:
            return nil
        }
    }

    /// Content of a given length: "0123456789" repeated.
    static func body(length: Int) -> [UInt8] {
        let pattern = Array("0123456789".utf8)
        return (0..<max(0, length)).map { pattern[$0 % pattern.count] }
    }

    /// `[[name, value]...]` from a scenario, as header fields.
    static func headerFields(_ value: Any?, _ what: String) throws -> [HeaderField] {
        guard let pairs = value as? [[String]], pairs.allSatisfy({ $0.count == 2 }) else {
            throw Problem("\(what): a list of [name, value] pairs is expected")
        }
        return pairs.map { HeaderField($0[0], $0[1]) }
    }

    /// Applies a scenario's `server_settings` / `client_settings` over a configuration's settings.
    static func apply(_ value: Any?, to settings: inout HTTP2Settings, _ what: String) throws {
        guard let values = value as? [String: Any] else { return }
        for (key, value) in values {
            let number = (value as? Int) ?? 0
            switch key {
            case "max_concurrent_streams": settings.maxConcurrentStreams = number
            case "initial_window_size": settings.initialWindowSize = number
            case "max_frame_size": settings.maxFrameSize = number
            case "max_header_list_size": settings.maxHeaderListSize = number
            case "header_table_size": settings.headerTableSize = number
            case "enable_push": settings.enablePush = number != 0
            case "enable_connect_protocol": settings.enableConnectProtocol = number != 0
            default: throw Problem("unknown \(what) \"\(key)\"")
            }
        }
    }

    /// Applies `server_config` / `client_config`.
    static func apply(config value: Any?, to configuration: inout ConnectionConfiguration, _ what: String) throws {
        guard let options = value as? [String: Any] else { return }
        for (key, value) in options {
            switch key {
            case "connection_window": configuration.connectionWindow = (value as? Int) ?? 65535
            case "returns_credit_automatically":
                configuration.returnsCreditAutomatically = (value as? Bool) ?? true
            default: throw Problem("unknown \(what) \"\(key)\"")
            }
        }
    }

    struct Run {
        var isClient = false
        var frames: [OutFrame] = []
        var events: [(step: Int, event: Event)] = []
        var closed = false
        var outputProblem: String?
        /// Client role: every `sendRequest` call (the stream, or why it was refused) and
        /// every refused `sendData`/trailers call.
        var requestCalls: [(step: Int, stream: UInt32?, error: String?)] = []
        var dataErrors: [(step: Int, stream: UInt32, error: String)] = []
        /// Client role, after each step: request streams open (HEADERS sent, not yet
        /// closed or reset as the events tell) and requests waiting in the queue.
        var snapshots: [(step: Int, open: Int, queued: Int)] = []

        private var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
        private var pending: [UInt8] = []
        private var block: (frame: Int, bytes: [UInt8])?
        private var decoder = HPACKDecoder(maxTableSize: 4096, maxHeaderListSize: 1 << 24)

        var allFrames: [Int] { Array(frames.indices) }

        func frames(ofSteps steps: [Int]) -> [Int] {
            let wanted = Set(steps)
            return frames.indices.filter { wanted.contains(frames[$0].step) }
        }

        func describe(_ indices: [Int]) -> String {
            let limit = 40
            var parts = indices.prefix(limit).map { frames[$0].summary }
            if indices.count > limit { parts.append("... \(indices.count - limit) more") }
            return "[" + parts.joined(separator: ", ") + "]"
        }

        /// Client role: the events (and refused calls) of these steps, for failure lines.
        func describeEvents(ofSteps steps: [Int]) -> String {
            guard isClient else { return "" }
            let wanted = Set(steps)
            var parts = events.filter { wanted.contains($0.step) }.map(\.event.summary)
            parts += requestCalls.filter { wanted.contains($0.step) && $0.error != nil }.map { "request refused: \($0.error ?? "")" }
            parts += dataErrors.filter { wanted.contains($0.step) }.map { "data on \($0.stream) refused: \($0.error)" }
            let limit = 40
            if parts.count > limit { parts = Array(parts.prefix(limit)) + ["... \(parts.count - limit) more"] }
            return ", events [" + parts.joined(separator: ", ") + "]"
        }

        init(_ scenario: [String: Any]) throws {
            isClient = (scenario["role"] as? String) == "client"
            if isClient {
                try runClient(scenario)
            } else {
                try runServer(scenario)
            }
        }

        // MARK: Server role

        private mutating func runServer(_ scenario: [String: Any]) throws {
            var configuration = ConnectionConfiguration.server(maxConcurrentStreams: 100)
            try Conformance.apply(scenario["server_settings"], to: &configuration.settings, "server setting")
            try Conformance.apply(config: scenario["server_config"], to: &configuration, "server option")
            let respond = scenario["respond"] as? String ?? "complete"
            guard ["complete", "headers", "never"].contains(respond) else {
                throw Problem("unknown respond mode \"\(respond)\"")
            }
            let body: [UInt8]
            if let length = scenario["response_body_length"] as? Int {
                body = Conformance.body(length: length)
            } else {
                body = Array("ok".utf8)
            }
            if let size = scenario["client_header_table_size"] as? Int {
                decoder.setMaxAllowedTableSize(size)
            }

            var connection = Connection(role: .server, configuration: configuration, now: 0)
            var answered = Set<UInt32>()
            var now: UInt64 = 0
            for (index, step) in ((scenario["steps"] as? [[String: Any]]) ?? []).enumerated() {
                guard let text = step["send"] as? String, let input = Conformance.bytes(fromHex: text) else {
                    throw Problem("step \(index + 1): \"send\" is not hex")
                }
                now += 1_000_000
                var collected: [Event] = []
                var toAnswer: [UInt32] = []
                connection.receive(input, now: now) { event in
                    switch event {
                    case .request(let id, let head, let endStream):
                        collected.append(.request(stream: id.rawValue, fields: Conformance.fields(head.headers),
                                                  endStream: endStream))
                        if respond == "headers" || (respond == "complete" && endStream) { toAnswer.append(id.rawValue) }
                    case .data(let id, let bytes, let endStream):
                        collected.append(.data(stream: id.rawValue, bytes: Array(bytes), endStream: endStream))
                        if respond == "complete" && endStream { toAnswer.append(id.rawValue) }
                    case .trailers(let id, let list):
                        collected.append(.trailers(stream: id.rawValue, fields: Conformance.fields(list)))
                        if respond == "complete" { toAnswer.append(id.rawValue) }
                    default:
                        break
                    }
                }
                for event in collected { events.append((index, event)) }
                for id in toAnswer where !answered.contains(id) {
                    answered.insert(id)
                    // A stream reset meanwhile or a closed connection refuses: that is fine.
                    let stream = StreamID(id)
                    if (try? connection.sendHeaders([HeaderField(":status", "200")], on: stream, endStream: false)) != nil {
                        try? connection.sendData(body, on: stream, endStream: true)
                    }
                }
                absorb(connection.takeOutput(), step: index)
            }
            finish(connection)
        }

        // MARK: Client role

        private mutating func runClient(_ scenario: [String: Any]) throws {
            var configuration = ConnectionConfiguration.client()
            try Conformance.apply(scenario["client_settings"], to: &configuration.settings, "client setting")
            try Conformance.apply(config: scenario["client_config"], to: &configuration, "client option")
            if let size = scenario["server_header_table_size"] as? Int {
                decoder.setMaxAllowedTableSize(size)
            }
            var connection = Connection(role: .client, configuration: configuration, now: 0)

            // RFC 9113 §3.4: the 24-octet preface, then a SETTINGS frame.
            let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
            let first = connection.takeOutput()
            guard first.starts(with: preface) else {
                outputProblem = "the client's output does not start with the connection preface: "
                    + Conformance.hex(first.prefix(24))
                return
            }
            absorb(Array(first.dropFirst(preface.count)), step: -2)
            guard outputProblem == nil else { return }
            guard let settings = frames.first, settings.type == 4, !settings.ack else {
                outputProblem = "the connection preface is not followed by a SETTINGS frame"
                return
            }

            var now: UInt64 = 0
            if scenario["requests"] != nil {
                try perform(["requests": scenario["requests"] as Any], on: &connection, step: -1, now: now)
                absorb(connection.takeOutput(), step: -1)
                snapshot(-1, connection)
            }
            for (index, step) in ((scenario["steps"] as? [[String: Any]]) ?? []).enumerated() {
                now += 1_000_000
                if let text = step["send"] {
                    guard let text = text as? String, let input = Conformance.bytes(fromHex: text) else {
                        throw Problem("step \(index + 1): \"send\" is not hex")
                    }
                    var collected: [Event] = []
                    connection.receive(input, now: now) { event in
                        if let recorded = Conformance.clientEvent(event) { collected.append(recorded) }
                    }
                    for event in collected { events.append((index, event)) }
                }
                try perform(step, on: &connection, step: index, now: now)
                absorb(connection.takeOutput(), step: index)
                snapshot(index, connection)
            }
            finish(connection)
        }

        /// A step's client actions, in this order: `requests`, `data`, `reset`; then the
        /// events they caused (delivered by `pollEvents`).
        private mutating func perform(_ step: [String: Any], on connection: inout Connection, step index: Int,
                                      now: UInt64) throws {
            let label = index < 0 ? "requests" : "step \(index + 1)"
            if let value = step["requests"] {
                guard let list = value as? [[String: Any]] else { throw Problem("\(label): \"requests\" is not a list") }
                for request in list {
                    let headers = try Conformance.headerFields(request["headers"], "\(label): request headers")
                    let body = request["body"] as? Int
                    let trailers = try request["trailers"].map { try Conformance.headerFields($0, "\(label): trailers") }
                    let endStream = request["end_stream"] as? Bool ?? (body == nil && trailers == nil)
                    let id: StreamID
                    do throws(ConnectionUsageError) {
                        id = try connection.sendRequest(headers, endStream: endStream, now: now)
                    } catch {
                        requestCalls.append((index, nil, error.description))
                        continue
                    }
                    requestCalls.append((index, id.rawValue, nil))
                    if let body {
                        let end = request["body_end_stream"] as? Bool ?? (trailers == nil)
                        send(Conformance.body(length: body), on: id, endStream: end, &connection, step: index)
                    }
                    if let trailers {
                        do throws(ConnectionUsageError) {
                            try connection.sendHeaders(trailers, on: id, endStream: true)
                        } catch {
                            dataErrors.append((index, id.rawValue, error.description))
                        }
                    }
                }
            }
            if let value = step["data"] {
                guard let list = value as? [[String: Any]] else { throw Problem("\(label): \"data\" is not a list") }
                for item in list {
                    guard let stream = item["stream"] as? Int, let length = item["length"] as? Int else {
                        throw Problem("\(label): data needs \"stream\" and \"length\"")
                    }
                    send(Conformance.body(length: length), on: StreamID(UInt32(stream)),
                         endStream: item["end_stream"] as? Bool ?? false, &connection, step: index)
                }
            }
            if let value = step["reset"] {
                guard let list = value as? [[String: Any]] else { throw Problem("\(label): \"reset\" is not a list") }
                for item in list {
                    guard let stream = item["stream"] as? Int else { throw Problem("\(label): reset needs \"stream\"") }
                    let name = item["code"] as? String ?? "CANCEL"
                    guard let code = Conformance.code(named: name) else { throw Problem("\(label): unknown code \(name)") }
                    connection.resetStream(StreamID(UInt32(stream)), code: HTTP2ErrorCode(code))
                }
            }
            var collected: [Event] = []
            connection.pollEvents { event in
                if let recorded = Conformance.clientEvent(event) { collected.append(recorded) }
            }
            for event in collected { events.append((index, event)) }
        }

        private mutating func send(_ bytes: [UInt8], on id: StreamID, endStream: Bool, _ connection: inout Connection,
                                   step index: Int) {
            do throws(ConnectionUsageError) {
                try connection.sendData(bytes, on: id, endStream: endStream)
            } catch {
                dataErrors.append((index, id.rawValue, error.description))
            }
        }

        /// Request streams open now: a HEADERS frame we sent opened them, and neither a
        /// RST_STREAM we sent nor an event (closed, reset) ended them since.
        private mutating func snapshot(_ step: Int, _ connection: Connection) {
            var opened = Set<UInt32>()
            for frame in frames where frame.type == 1 && frame.stream % 2 == 1 { opened.insert(frame.stream) }
            for frame in frames where frame.type == 3 { opened.remove(frame.stream) }
            for (_, event) in events {
                switch event {
                case .streamClosed(let stream), .streamReset(let stream, _, _): opened.remove(stream)
                default: break
                }
            }
            snapshots.append((step, opened.count, connection.queuedRequestCount))
        }

        // MARK: Output

        private mutating func finish(_ connection: Connection) {
            if outputProblem == nil && !pending.isEmpty {
                outputProblem = "\(pending.count) octets of an incomplete frame at the end"
            }
            closed = connection.isClosed
        }

        /// Cuts complete frames out of the output of a step.
        private mutating func absorb(_ output: [UInt8], step index: Int) {
            pending.append(contentsOf: output)
            while outputProblem == nil, pending.count >= 9 {
                let length = Int(pending[0]) << 16 | Int(pending[1]) << 8 | Int(pending[2])
                guard pending.count >= 9 + length else { break }
                let wire = Array(pending[0..<(9 + length)])
                pending.removeFirst(9 + length)
                let rawStream = UInt32(wire[5]) << 24 | UInt32(wire[6]) << 16 | UInt32(wire[7]) << 8 | UInt32(wire[8])
                var frame = OutFrame(step: index, type: wire[3], flags: wire[4], stream: rawStream & 0x7fff_ffff,
                                     reservedBit: rawStream & 0x8000_0000 != 0, length: length)
                var results: [FrameResult] = []
                var kept: [UInt8] = []
                do throws(HTTP2Error) {
                    try reader.read(wire) { result in
                        results.append(result)
                        // Views die with the call: copy what is needed now.
                        if case .frame(let parsed) = result {
                            switch parsed {
                            case .headers(let headers): kept = Array(headers.fieldBlockFragment)
                            case .continuation(let continuation): kept = Array(continuation.fieldBlockFragment)
                            case .ping: kept = Array(wire[9...])
                            default: break
                            }
                            Conformance.fill(&frame, from: parsed)
                        }
                    }
                } catch {
                    outputProblem = "\(Conformance.typeName(frame.type)) on stream \(frame.stream): \(error)"
                    frame.summary = Conformance.summary(frame)
                    frames.append(frame)
                    break
                }
                guard results.count == 1, case .frame(let parsed) = results[0] else {
                    outputProblem = "\(Conformance.typeName(frame.type)) on stream \(frame.stream) is a stream error: \(results)"
                    frame.summary = Conformance.summary(frame)
                    frames.append(frame)
                    break
                }
                if case .ping = parsed { frame.opaque = kept }
                if frame.type == 4 && !frame.ack {
                    var offset = 9
                    while offset + 6 <= wire.count {
                        let identifier = UInt16(wire[offset]) << 8 | UInt16(wire[offset + 1])
                        let value = wire[(offset + 2)..<(offset + 6)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                        frame.settings.append((identifier, value))
                        offset += 6
                    }
                }
                frames.append(frame)
                let position = frames.count - 1
                switch parsed {
                case .headers(let headers):
                    block = (position, kept)
                    if headers.endHeaders { decodeBlock() }
                case .continuation(let continuation):
                    block?.bytes.append(contentsOf: kept)
                    if continuation.endHeaders { decodeBlock() }
                default:
                    break
                }
                frames[position].summary = Conformance.summary(frames[position])
            }
        }

        /// Decodes a complete field block into the fields of the frame that started it.
        private mutating func decodeBlock() {
            guard let current = block else { return }
            block = nil
            do throws(HPACKError) {
                let list = try decoder.decode(current.bytes)
                frames[current.frame].fields = Conformance.fields(list)
                frames[current.frame].summary = Conformance.summary(frames[current.frame])
            } catch {
                outputProblem = "a field block on stream \(frames[current.frame].stream) does not decode: \(error)"
            }
        }
    }

    static func fields(_ list: HeaderList) -> [(name: String, value: String)] {
        list.map { ($0.name, $0.value) }
    }

    static func fill(_ frame: inout OutFrame, from parsed: Frame) {
        switch parsed {
        case .data(let data):
            frame.dataLength = data.data.count
            frame.endStream = data.endStream
        case .headers(let headers):
            frame.endStream = headers.endStream
        case .rstStream(let reset):
            frame.errorCode = reset.errorCode.rawValue
        case .settings(let settings):
            frame.ack = settings.ack
        case .ping(let ping):
            frame.ack = ping.ack
        case .goAway(let goAway):
            frame.errorCode = goAway.errorCode.rawValue
            frame.lastStream = goAway.lastStreamID.rawValue
        case .windowUpdate(let update):
            frame.increment = Int(update.increment)
        default:
            break
        }
    }

    // MARK: - Describing frames and codes

    static let typeNames = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING",
                            "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"]
    static let codeNames = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
                            "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
                            "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY",
                            "HTTP_1_1_REQUIRED"]

    /// SETTINGS identifiers by index (RFC 9113 §6.5.2).
    static let settingNames = ["", "HEADER_TABLE_SIZE", "ENABLE_PUSH", "MAX_CONCURRENT_STREAMS", "INITIAL_WINDOW_SIZE",
                               "MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE"]

    static func typeName(_ type: UInt8) -> String {
        Int(type) < typeNames.count ? typeNames[Int(type)] : "UNKNOWN(0x\(String(type, radix: 16)))"
    }

    static func codeName(_ code: UInt32) -> String {
        Int(code) < codeNames.count ? codeNames[Int(code)] : "UNKNOWN(0x\(String(code, radix: 16)))"
    }

    static func code(named name: String) -> UInt32? {
        codeNames.firstIndex(of: name).map { UInt32($0) }
    }

    static func type(named name: String) -> UInt8? {
        typeNames.firstIndex(of: name).map { UInt8($0) }
    }

    static func summary(_ frame: OutFrame) -> String {
        var text = typeName(frame.type)
        if frame.stream != 0 || ![4, 6, 7].contains(frame.type) { text += "[\(frame.stream)]" }
        switch frame.type {
        case 0:
            text += " \(frame.dataLength) octets"
        case 1:
            if let status = frame.fields?.first(where: { $0.name == ":status" })?.value { text += " :status \(status)" }
            if let method = frame.fields?.first(where: { $0.name == ":method" })?.value {
                text += " " + method + (frame.fields?.first(where: { $0.name == ":path" }).map { " " + $0.value } ?? "")
            }
        case 3:
            text += " " + codeName(frame.errorCode ?? 0)
        case 7:
            text += " last \(frame.lastStream ?? 0) " + codeName(frame.errorCode ?? 0)
        case 6:
            text += " " + hex(frame.opaque)
        case 8:
            text += " +\(frame.increment)"
        default:
            break
        }
        if frame.ack { text += " ACK" }
        if frame.endStream { text += " END_STREAM" }
        return text
    }

    // MARK: - Expectations (README.md lists the kinds)

    struct Scope {
        var run: Run
        var frames: [Int]
        var steps: [Int]

        /// Nil when the expectation holds, else its description (what was expected).
        func verify(_ expectation: Any) -> String? {
            holds(expectation) ? nil : Conformance.describe(expectation)
        }

        func holds(_ expectation: Any) -> Bool {
            guard let object = expectation as? [String: Any], object.count == 1,
                  let (kind, body) = object.first else { return false }
            let arguments = body as? [String: Any] ?? [:]
            switch kind {
            case "any_of":
                return (body as? [Any] ?? []).contains { holds($0) }
            case "all_of":
                let parts = body as? [Any] ?? []
                return !parts.isEmpty && parts.allSatisfy { holds($0) }
            case "not":
                return Conformance.isKnown(body) && !holds(body)
            case "connection_error":
                return run.closed && frames.contains { Conformance.matches(run.frames[$0], "goaway", arguments) == true }
            case "closed":
                return run.closed
            case "no_frames":
                return frames.isEmpty
            case "no_error":
                return !frames.contains { index in
                    let frame = run.frames[index]
                    return frame.type == 3 || (frame.type == 7 && frame.errorCode != 0)
                }
            case "settings_ack":
                let count = frames.filter { Conformance.matches(run.frames[$0], kind, arguments) == true }.count
                if let wanted = arguments["count"] as? Int { return count == wanted }
                return count > 0
            case "data_total":
                let stream: Int? = arguments["stream"] as? Int
                var total = 0
                for index in frames {
                    let frame = run.frames[index]
                    guard frame.type == 0 else { continue }
                    if let stream, Int(frame.stream) != stream { continue }
                    total += frame.dataLength
                }
                let wanted: Int = arguments["length"] as? Int ?? -1
                return total == wanted
            case "window_credit":
                let stream = arguments["stream"] as? Int ?? -1
                let total = frames.map { run.frames[$0] }.filter { $0.type == 8 && Int($0.stream) == stream }
                    .reduce(0) { $0 + $1.increment }
                return total >= arguments["at_least"] as? Int ?? Int.max
            case "max_frame_length":
                let limit = arguments["length"] as? Int ?? 16384
                return frames.allSatisfy { run.frames[$0].length <= limit }
            case "first_frame":
                guard let first = run.frames.first else { return false }
                return Conformance.matches(first, "frame", arguments) == true
                    && (arguments["ack"] as? Bool).map { $0 == first.ack } ?? true
            case "clean_frames":
                return frames.allSatisfy { Conformance.isClean(run.frames[$0]) }
            case "known_codes":
                return frames.allSatisfy { index in
                    let frame = run.frames[index]
                    return ![3, 7].contains(frame.type) || Int(frame.errorCode ?? 0) < Conformance.codeNames.count
                }
            case "order":
                var position = 0
                for part in body as? [Any] ?? [] {
                    guard let (partKind, partBody) = (part as? [String: Any])?.first,
                          let found = frames[position...].firstIndex(where: {
                              Conformance.matches(run.frames[$0], partKind, partBody as? [String: Any] ?? [:]) == true
                          })
                    else { return false }
                    position = found + 1
                }
                return true
            case "request", "request_data", "trailers", "response_data", "stream_reset_event", "stream_closed_event",
                 "goaway_event", "request_started", "connection_error_event":
                return eventHolds(kind, arguments)
            case "response" where run.isClient:
                // Client role: the connection reported a response (interim ones too).
                return eventHolds(kind, arguments)
            case "request_rejected", "data_rejected":
                let wanted = Set(steps)
                let stream = arguments["stream"] as? Int
                let count = kind == "request_rejected"
                    ? run.requestCalls.filter { wanted.contains($0.step) && $0.error != nil }.count
                    : run.dataErrors.filter { wanted.contains($0.step) && (stream == nil || Int($0.stream) == stream) }.count
                if let exact = arguments["count"] as? Int { return count == exact }
                return count > 0
            case "max_open_streams":
                let wanted = Set(steps)
                let taken = run.snapshots.filter { wanted.contains($0.step) }
                let limit = arguments["count"] as? Int ?? -1
                return !taken.isEmpty && taken.allSatisfy { $0.open <= limit }
            case "queued":
                let wanted = Set(steps)
                guard let last = run.snapshots.last(where: { wanted.contains($0.step) }) else { return false }
                return last.queued == arguments["count"] as? Int ?? -1
            case "sent_setting":
                guard let first = run.frames.first(where: { $0.type == 4 && !$0.ack }),
                      let name = arguments["name"] as? String, let value = arguments["value"] as? Int,
                      let identifier = Conformance.settingNames.firstIndex(of: name)
                else { return false }
                return first.settings.contains { Int($0.identifier) == identifier && Int($0.value) == value }
            default:
                return frames.contains { Conformance.matches(run.frames[$0], kind, arguments) == true }
            }
        }

        func eventHolds(_ kind: String, _ arguments: [String: Any]) -> Bool {
            let stream = UInt32(truncatingIfNeeded: arguments["stream"] as? Int ?? -1)
            let wanted = Set(steps)
            let events = run.events.filter { wanted.contains($0.step) }.map(\.event)
            /// An optional argument: absent, or equal (codes by name).
            func same(_ key: String, _ value: UInt32) -> Bool {
                guard let wanted = arguments[key] else { return true }
                if let number = wanted as? Int { return Int(value) == number }
                if let name = wanted as? String { return Conformance.codeName(value) == name }
                return false
            }
            func flag(_ key: String, _ value: Bool) -> Bool { (arguments[key] as? Bool).map { $0 == value } ?? true }
            switch kind {
            case "response":
                return events.contains { event in
                    guard case .response(let id, let status, let fields, let endStream) = event, id == stream else { return false }
                    if let wantedStatus = arguments["status"] as? String, wantedStatus != status { return false }
                    return flag("end_stream", endStream) && Conformance.contains(fields, arguments["fields"])
                }
            case "response_data":
                var total = 0
                var last: Bool?
                for case .data(let id, let bytes, let endStream) in events where id == stream {
                    total += bytes.count
                    last = endStream
                }
                guard last != nil else { return false }
                if let length = arguments["length"] as? Int, length != total { return false }
                return (arguments["end_stream"] as? Bool).map { $0 == last } ?? true
            case "stream_reset_event":
                return events.contains { event in
                    guard case .streamReset(let id, let code, let byPeer) = event else { return false }
                    return same("stream", id) && same("code", code) && flag("by_peer", byPeer)
                }
            case "stream_closed_event":
                return events.contains { if case .streamClosed(let id) = $0 { return id == stream } else { return false } }
            case "request_started":
                return events.contains { if case .requestStarted(let id) = $0 { return id == stream } else { return false } }
            case "goaway_event":
                return events.contains { event in
                    guard case .goAway(let last, let code) = event else { return false }
                    return same("last_stream", last) && same("code", code)
                }
            case "connection_error_event":
                return events.contains { event in
                    guard case .connectionError(let code) = event else { return false }
                    return same("code", code)
                }
            case "request":
                return events.contains { event in
                    guard case .request(let id, let fields, let endStream) = event, id == stream else { return false }
                    if let end = arguments["end_stream"] as? Bool, end != endStream { return false }
                    return Conformance.contains(fields, arguments["fields"])
                }
            case "trailers":
                return events.contains { event in
                    guard case .trailers(let id, let fields) = event, id == stream else { return false }
                    return Conformance.contains(fields, arguments["fields"])
                }
            default:  // request_data
                var content: [UInt8] = []
                for case .data(let id, let bytes, _) in events where id == stream { content += bytes }
                return hex(content) == (arguments["data"] as? String ?? "").lowercased()
            }
        }
    }

    /// Whether every [name, value] pair of `wanted` is among `fields`.
    static func contains(_ fields: [(name: String, value: String)], _ wanted: Any?) -> Bool {
        guard let pairs = wanted as? [[String]] else { return wanted == nil }
        return pairs.allSatisfy { pair in
            pair.count == 2 && fields.contains { $0.name == pair[0] && $0.value == pair[1] }
        }
    }

    static let frameKinds: Set<String> = ["goaway", "rst_stream", "settings_ack", "ping_ack", "response", "data", "frame",
                                          "request_sent"]
    static let otherKinds: Set<String> = ["any_of", "all_of", "not", "connection_error", "closed", "no_frames",
                                          "no_error", "data_total", "max_frame_length", "first_frame",
                                          "clean_frames", "known_codes", "order", "request", "request_data",
                                          "trailers", "response_data", "stream_reset_event", "stream_closed_event",
                                          "goaway_event", "request_started", "connection_error_event",
                                          "request_rejected", "data_rejected", "max_open_streams", "queued",
                                          "sent_setting", "window_credit"]

    /// Whether an expectation uses only known kinds (a typo must fail, even under "not").
    static func isKnown(_ expectation: Any) -> Bool {
        guard let object = expectation as? [String: Any], object.count == 1, let (kind, body) = object.first else {
            return false
        }
        switch kind {
        case "any_of", "all_of", "order": return (body as? [Any] ?? []).allSatisfy(isKnown)
        case "not": return isKnown(body)
        default: return frameKinds.contains(kind) || otherKinds.contains(kind)
        }
    }

    /// Whether one frame matches a frame-level expectation; nil for kinds that are not.
    static func matches(_ frame: OutFrame, _ kind: String, _ arguments: [String: Any]) -> Bool? {
        func same(_ key: String, _ value: UInt32?) -> Bool {
            guard let wanted = arguments[key] else { return true }
            if let number = wanted as? Int { return value.map { Int($0) == number } ?? false }
            if let name = wanted as? String { return value.map { codeName($0) == name } ?? false }
            return false
        }
        switch kind {
        case "goaway":
            return frame.type == 7 && same("code", frame.errorCode) && same("last_stream", frame.lastStream)
        case "rst_stream":
            return frame.type == 3 && same("stream", frame.stream) && same("code", frame.errorCode)
        case "settings_ack":
            return frame.type == 4 && frame.ack
        case "ping_ack":
            guard frame.type == 6, frame.ack else { return false }
            guard let payload = arguments["payload"] as? String else { return true }
            return hex(frame.opaque) == payload.lowercased()
        case "response":
            guard frame.type == 1, same("stream", frame.stream), let fields = frame.fields else { return false }
            guard let status = arguments["status"] as? String else { return true }
            return fields.first(where: { $0.name == ":status" })?.value == status
        case "data":
            guard frame.type == 0, same("stream", frame.stream) else { return false }
            if let length = arguments["length"] as? Int, length != frame.dataLength { return false }
            if let end = arguments["end_stream"] as? Bool, end != frame.endStream { return false }
            return true
        case "frame":
            if let name = arguments["type"] as? String, typeName(frame.type) != name { return false }
            return same("stream", frame.stream)
        case "request_sent":
            // A request head we sent: HEADERS whose block holds :method.
            guard frame.type == 1, same("stream", frame.stream), let fields = frame.fields,
                  fields.contains(where: { $0.name == ":method" }) else { return false }
            if let end = arguments["end_stream"] as? Bool, end != frame.endStream { return false }
            return contains(fields, arguments["fields"])
        default:
            return nil
        }
    }

    /// RFC 9113 §4.1: no reserved bit, no flag the type does not define.
    static func isClean(_ frame: OutFrame) -> Bool {
        let defined: [UInt8: UInt8] = [0: 0x09, 1: 0x2d, 2: 0, 3: 0, 4: 0x01, 5: 0x0c, 6: 0x01, 7: 0, 8: 0, 9: 0x04]
        guard !frame.reservedBit else { return false }
        return frame.flags & ~(defined[frame.type] ?? 0xff) == 0
    }

    /// A short text for an expectation, for failure lines.
    static func describe(_ expectation: Any) -> String {
        guard let object = expectation as? [String: Any], object.count == 1, let (kind, body) = object.first else {
            return "(malformed expectation)"
        }
        let arguments = body as? [String: Any] ?? [:]
        func argument(_ key: String) -> String? { arguments[key].map { "\($0)" } }
        switch kind {
        case "any_of": return "any of (" + (body as? [Any] ?? []).map(describe).joined(separator: " | ") + ")"
        case "all_of": return "all of (" + (body as? [Any] ?? []).map(describe).joined(separator: "; ") + ")"
        case "order": return "in order (" + (body as? [Any] ?? []).map(describe).joined(separator: " then ") + ")"
        case "not": return "no " + describe(body)
        case "connection_error": return "connection error \(argument("code") ?? "") (GOAWAY, then closed)"
        case "goaway":
            return "GOAWAY" + (argument("code").map { " " + $0 } ?? "") + (argument("last_stream").map { " last \($0)" } ?? "")
        case "rst_stream":
            return "RST_STREAM" + (argument("stream").map { "[\($0)]" } ?? "") + (argument("code").map { " " + $0 } ?? "")
        case "settings_ack": return "SETTINGS ACK" + (argument("count").map { " x\($0)" } ?? "")
        case "ping_ack": return "PING ACK" + (argument("payload").map { " " + $0 } ?? "")
        case "response":
            return "response on stream \(argument("stream") ?? "?")" + (argument("status").map { " :status \($0)" } ?? "")
                + ((arguments["end_stream"] as? Bool).map { $0 ? " with END_STREAM" : " without END_STREAM" } ?? "")
        case "data":
            return "DATA" + (argument("stream").map { "[\($0)]" } ?? "") + (argument("length").map { " \($0) octets" } ?? "")
                + ((arguments["end_stream"] as? Bool) == true ? " END_STREAM" : "")
        case "data_total":
            return "\(argument("length") ?? "?") DATA octets in all" + (argument("stream").map { " on stream \($0)" } ?? "")
        case "frame": return "a frame" + (argument("type").map { " " + $0 } ?? "") + (argument("stream").map { " on stream \($0)" } ?? "")
        case "first_frame": return "first frame \(argument("type") ?? "?")" + ((arguments["ack"] as? Bool) == false ? " without ACK" : "")
        case "max_frame_length": return "no frame over \(argument("length") ?? "?") octets"
        case "no_error": return "no RST_STREAM and no GOAWAY with an error"
        case "no_frames": return "no frame at all"
        case "closed": return "the connection closed"
        case "clean_frames": return "no reserved bit or undefined flag in sent frames"
        case "known_codes": return "only defined error codes"
        case "request": return "a request event on stream \(argument("stream") ?? "?")" + (arguments["fields"] != nil ? " with fields \(argument("fields") ?? "")" : "")
        case "request_data": return "request content \(argument("data") ?? "") on stream \(argument("stream") ?? "?")"
        case "trailers": return "trailers on stream \(argument("stream") ?? "?")"
        case "response_data":
            return "response content" + (argument("length").map { " of \($0) octets" } ?? "") + " on stream \(argument("stream") ?? "?")"
                + ((arguments["end_stream"] as? Bool) == true ? " ending the stream" : "")
        case "stream_reset_event":
            return "a reset reported" + (argument("stream").map { " on stream \($0)" } ?? "") + (argument("code").map { " " + $0 } ?? "")
                + ((arguments["by_peer"] as? Bool).map { $0 ? " by the peer" : " by us" } ?? "")
        case "stream_closed_event": return "stream \(argument("stream") ?? "?") reported closed"
        case "goaway_event":
            return "a GOAWAY reported" + (argument("code").map { " " + $0 } ?? "") + (argument("last_stream").map { " last \($0)" } ?? "")
        case "request_started": return "the queued request on stream \(argument("stream") ?? "?") reported started"
        case "connection_error_event": return "a connection error reported" + (argument("code").map { " " + $0 } ?? "")
        case "request_sent":
            return "request HEADERS on stream \(argument("stream") ?? "?")" + ((arguments["end_stream"] as? Bool).map { $0 ? " with END_STREAM" : " without END_STREAM" } ?? "")
        case "request_rejected": return "sendRequest refused" + (argument("count").map { " \($0) times" } ?? "")
        case "data_rejected": return "sendData refused" + (argument("stream").map { " on stream \($0)" } ?? "")
        case "max_open_streams": return "at most \(argument("count") ?? "?") request streams open after every step"
        case "window_credit":
            return "WINDOW_UPDATE increments adding up to at least \(argument("at_least") ?? "?") on stream \(argument("stream") ?? "?")"
        case "queued": return "\(argument("count") ?? "?") requests queued"
        case "sent_setting": return "our SETTINGS carrying \(argument("name") ?? "?") = \(argument("value") ?? "?")"
        default: return "(unknown expectation kind \"\(kind)\")"
        }
    }

    // MARK: - Hex

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

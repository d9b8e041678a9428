// EngineHarness: a server `Connection` (Sources/HTTP2/Connection) driven the way an
// application drives it, with checks on everything it reports and writes. Shared by
// fuzz-server-engine (raw bytes) and fuzz-frame-sequence (generated frames).
//
// Two configuration octets (read by the targets, passed to `init`):
//   options  bit 0: returnsCreditAutomatically off (the harness calls `consume` one step
//              later); bit 1: idle timeout 5 s; bits 2-3: our SETTINGS_INITIAL_WINDOW_SIZE
//              (initialWindows); bits 4-5: the connection receive window (connectionWindows);
//              bits 6-7: the response body size (bodySizes)
//   flags    bit 0: the harness sends no preface: the input must (fuzz-server-engine);
//              bit 1: no SETTINGS ACK after the preface; bit 2: outputHighWater 2 KiB
//              (else 64 KiB); bit 3: maxEncoderTableSize 0; bit 4: responses end with
//              trailers; bit 5: graceful shutdown at step 4; bit 6: a PING of ours every 3rd
//              step; bit 7: SETTINGS_ENABLE_CONNECT_PROTOCOL = 1
//
// Always: SETTINGS_MAX_CONCURRENT_STREAMS 8, SETTINGS_MAX_HEADER_LIST_SIZE 4096, and small
// abuse limits (`smallLimits`), so budgets run out within one input.
//
// Each `step` hands the connection a chunk (in an allocation of exactly its size),
// collects the events (the handler only records them), then acts like an application:
// answers each complete request (HEADERS :status 200, then DATA, then trailers or
// END_STREAM; ConnectionUsageError is fine), resets a stream when asked, returns credit,
// pings, shuts down, advances the clock and calls handleTimeouts, and drains the output.
//
// A trap is a finding; so is a broken invariant:
//   events   nothing after .connectionError (and isClosed then); no request, DATA or
//            trailers after .connectionClosed (nobody could answer them); no client-role events;
//            .request ids odd and increasing, each stream's request once; .data and
//            .trailers only on a stream whose request came and whose input did not end,
//            never after it was reset or closed (by either side); delivered requests and
//            trailers follow RFC 9113 §8.2.1, §8.2.2, §8.3, §8.3.1, and DATA stays within
//            content-length (§8.1.1); at most 8 live streams (§5.1.2); every stream the
//            engine closed was reported by .streamClosed or .streamReset once the
//            application's actions were polled (closes by our END_STREAM included)
//   output   parsed with a FrameReader(maxFrameSize: 2^24-1) fed everything we wrote: it
//            must be frames and nothing else (no connection or stream error), each drain
//            ending on a frame boundary; SETTINGS first (§3.4); frames within the peer's
//            largest SETTINGS_MAX_FRAME_SIZE (§4.2); no PUSH_PROMISE; HEADERS only on
//            streams the client opened, DATA only after our HEADERS on the stream, neither
//            after our END_STREAM or RST_STREAM on it, nor WINDOW_UPDATE after our
//            RST_STREAM (§5.1, §5.4.2); DATA within the windows the client granted
//            (§6.9: on the connection 65,535 + its WINDOW_UPDATEs; on a stream its largest
//            SETTINGS_INITIAL_WINDOW_SIZE + its WINDOW_UPDATEs); our WINDOW_UPDATEs never
//            push the client's view of our windows above 2^31-1 (§6.9.1); SETTINGS ACKs no
//            more than the client's SETTINGS, PING ACKs only for its PINGs (§6.5.3, §6.7);
//            GOAWAY last-stream ids never increase (§6.8); nothing after a GOAWAY with an
//            error code (§5.4.1: the connection is then closed), nor once the output was
//            drained after .connectionError or .connectionClosed, whatever the application
//            calls (ping, consume, resetStream...)
import FuzzDriver
import HPACK
import HTTP2

/// Traps with a message when `condition` is false.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: " + message()) }
}

let initialWindows = [1 << 20, 65_535, 0, 100]
let connectionWindows = [1 << 20, 65_535, 200_000, 16 << 20]
let bodySizes = [0, 100, 20_000, 70_000]

/// Budgets small enough to run out within one input.
public func smallLimits() -> AbuseLimits {
    var limits = AbuseLimits()
    limits.peerResets = TokenBucket(capacity: 20, refillPerSecond: 5)
    limits.provokedResets = TokenBucket(capacity: 20, refillPerSecond: 5)
    limits.maxContinuationFrames = 4
    limits.maxFieldBlockSize = 8192
    limits.pings = TokenBucket(capacity: 10, refillPerSecond: 2)
    limits.settingsFrames = TokenBucket(capacity: 10, refillPerSecond: 2)
    limits.emptyFrames = TokenBucket(capacity: 10, refillPerSecond: 2)
    limits.maxPendingControlBytes = 4096
    limits.maxBufferedPerStream = 32 * 1024
    limits.maxBufferedPerConnection = 96 * 1024
    limits.closedStreamMemory = 16
    return limits
}

/// What the application does besides answering requests, for one step.
public struct StepAction: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Reset the oldest stream whose request came and which is not finished.
    public static let resetOldest = StepAction(rawValue: 1)
    /// Reset the newest such stream.
    public static let resetNewest = StepAction(rawValue: 2)
    /// Do not answer complete requests in this step (they wait for a later one).
    public static let holdResponses = StepAction(rawValue: 4)
}

/// The client's frames as the connection should have read them: a second FrameReader on
/// the same bytes (preface skipped), for the bounds the output is checked against. It may
/// count frames the connection never processed (after an error it ignores the rest):
/// that only loosens the bounds.
struct ClientShadow {
    var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
    var prefaceLeft = 24
    var dead = false
    var largestMaxFrameSize = FrameReader.defaultMaxFrameSize
    var largestInitialWindow = 65_535
    var connectionIncrements = 0
    var streamIncrements: [UInt32: Int] = [:]
    var connectionData = 0
    var streamData: [UInt32: Int] = [:]
    var settingsFrames = 0
    var pings: [UInt64: Int] = [:]
    var highestStream: UInt32 = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !dead else { return }
        var input = bytes
        if prefaceLeft > 0 {
            let skip = min(prefaceLeft, input.count)
            prefaceLeft -= skip
            input = UnsafeRawBufferPointer(rebasing: input[skip...])
        }
        do throws(HTTP2Error) {
            while let result = try reader.nextFrame(from: &input) {
                guard case .frame(let frame) = result else {
                    if case .streamError(_, let headers?) = result { note(headers.streamID) }
                    continue
                }
                switch frame {
                case .headers(let headers): note(headers.streamID)
                case .data(let data):
                    connectionData += data.flowControlledLength
                    streamData[data.streamID.rawValue, default: 0] += data.flowControlledLength
                case .windowUpdate(let update):
                    if update.streamID.isConnection {
                        connectionIncrements += Int(update.increment)
                    } else {
                        streamIncrements[update.streamID.rawValue, default: 0] += Int(update.increment)
                    }
                case .settings(let settings) where !settings.ack:
                    settingsFrames += 1
                    for setting in settings.settings {
                        if setting.identifier == .maxFrameSize {
                            largestMaxFrameSize = max(largestMaxFrameSize, Int(setting.value))
                        } else if setting.identifier == .initialWindowSize {
                            largestInitialWindow = max(largestInitialWindow, Int(setting.value))
                        }
                    }
                case .ping(let ping) where !ping.ack:
                    pings[ping.opaqueData, default: 0] += 1
                default:
                    break
                }
            }
        } catch {
            dead = true
        }
    }

    private mutating func note(_ stream: StreamID) {
        if stream.isClientInitiated { highestStream = max(highestStream, stream.rawValue) }
    }
}

/// Parses and checks everything the connection writes.
struct OutputChecker {
    var reader = FrameReader(maxFrameSize: FrameReader.largestMaxFrameSize)
    var frames = 0
    var headersSent: Set<UInt32> = []
    var endStreamSent: Set<UInt32> = []
    var resetSent: Set<UInt32> = []
    var dataSent = 0
    var streamDataSent: [UInt32: Int] = [:]
    var ourConnectionIncrements = 0
    var ourStreamIncrements: [UInt32: Int] = [:]
    var settingsAcks = 0
    var pingAcks: [UInt64: Int] = [:]
    var lastGoAway: UInt32?
    var goAwayError: HTTP2ErrorCode?
    /// Our SETTINGS_INITIAL_WINDOW_SIZE as the client may see it, at most.
    let largestOwnInitialWindow: Int
    let trace: Bool

    init(ourInitialWindow: Int, trace: Bool) {
        largestOwnInitialWindow = max(65_535, ourInitialWindow)
        self.trace = trace
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, client: ClientShadow) {
        var input = bytes
        while true {
            let before = input.count
            let result: FrameResult?
            do throws(HTTP2Error) {
                result = try reader.nextFrame(from: &input)
            } catch {
                fatalError("invariant broken: our output is not HTTP/2: \(error) (after \(frames) frames)")
            }
            guard let result else { break }
            guard case .frame(let frame) = result else {
                fatalError("invariant broken: our output has a frame the peer must reject: \(result) (frame \(frames))")
            }
            check(frame, length: before - input.count - 9, client: client)
            frames += 1
        }
        require(reader.bufferedByteCount == 0,
                "a drain ended inside a frame (\(reader.bufferedByteCount) octets of it), after \(frames) frames")
    }

    private mutating func check(_ frame: Frame, length: Int, client: ClientShadow) {
        if trace { print("  out: \(String(describing: frame).prefix(160))") }
        let id = frame.streamID.rawValue
        let number = frames
        var what: String { "our frame \(number) (\(String(describing: frame).prefix(120)))" }
        if frames == 0 {
            // §3.4: the server connection preface is a SETTINGS frame.
            guard case .settings(let settings) = frame, !settings.ack else {
                fatalError("invariant broken: our first frame is not SETTINGS: \(what)")
            }
        }
        require(goAwayError == nil, "\(what) after our GOAWAY \(goAwayError!) (§5.4.1)")
        require(length <= client.largestMaxFrameSize,
                "\(what): \(length) octets, the client allows \(client.largestMaxFrameSize) (§4.2)")
        if !frame.streamID.isConnection, frame.type != .priority, frame.type != .rstStream {
            require(!resetSent.contains(id), "\(what) after our RST_STREAM on stream \(id) (§5.4.2)")
        }
        switch frame {
        case .headers(let headers):
            require(frame.streamID.isClientInitiated && id <= client.highestStream,
                    "\(what): HEADERS on a stream the client did not open (highest \(client.highestStream))")
            require(!endStreamSent.contains(id), "\(what): HEADERS after our END_STREAM (§5.1)")
            headersSent.insert(id)
            if headers.endStream { endStreamSent.insert(id) }
        case .continuation:
            break  // the reader checks that it continues our field block
        case .data(let data):
            require(headersSent.contains(id), "\(what): DATA before our HEADERS on the stream (§8.1)")
            require(!endStreamSent.contains(id), "\(what): DATA after our END_STREAM (§5.1)")
            if data.endStream { endStreamSent.insert(id) }
            dataSent += data.flowControlledLength
            streamDataSent[id, default: 0] += data.flowControlledLength
            require(dataSent <= 65_535 + client.connectionIncrements,
                    "\(what): \(dataSent) DATA octets sent, the client granted 65535 + \(client.connectionIncrements) (§6.9)")
            let granted = client.largestInitialWindow + client.streamIncrements[id, default: 0]
            require(streamDataSent[id]! <= granted,
                    "\(what): \(streamDataSent[id]!) DATA octets on stream \(id), the client granted at most \(granted) (§6.9)")
        case .rstStream:
            resetSent.insert(id)
        case .windowUpdate(let update):
            let increment = Int(update.increment)
            if update.streamID.isConnection {
                ourConnectionIncrements += increment
                require(65_535 + ourConnectionIncrements - client.connectionData <= Int(Int32.max),
                        "\(what): the client's connection window would be above 2^31-1 (§6.9.1)")
            } else {
                require(frame.streamID.isClientInitiated && id <= client.highestStream,
                        "\(what): WINDOW_UPDATE on a stream the client did not open")
                ourStreamIncrements[id, default: 0] += increment
                require(largestOwnInitialWindow + ourStreamIncrements[id]! - client.streamData[id, default: 0] <= Int(Int32.max),
                        "\(what): the client's window of stream \(id) would be above 2^31-1 (§6.9.1)")
            }
        case .settings(let settings):
            if settings.ack {
                settingsAcks += 1
                require(settingsAcks <= client.settingsFrames,
                        "\(what): \(settingsAcks) SETTINGS ACKs for \(client.settingsFrames) SETTINGS (§6.5.3)")
            }
        case .ping(let ping):
            if ping.ack {
                pingAcks[ping.opaqueData, default: 0] += 1
                require(pingAcks[ping.opaqueData]! <= client.pings[ping.opaqueData, default: 0],
                        "\(what): PING ACK for a PING the client did not send (§6.7)")
            }
        case .goAway(let goAway):
            if let lastGoAway {
                require(goAway.lastStreamID.rawValue <= lastGoAway,
                        "\(what): GOAWAY last stream \(goAway.lastStreamID) after \(lastGoAway) (§6.8)")
            }
            lastGoAway = goAway.lastStreamID.rawValue
            if goAway.errorCode != .noError { goAwayError = goAway.errorCode }
        case .pushPromise:
            fatalError("invariant broken: \(what): a server with push disabled sent PUSH_PROMISE")
        case .priority, .priorityUpdate, .unknown:
            fatalError("invariant broken: \(what): a frame type the engine never sends")
        }
    }
}

/// What the harness knows of one stream from the events.
struct StreamModel {
    var requested = false
    var inputEnded = false
    var finished = false
    var resetByApplication = false
    var responded = false
    var contentLength: Int?
    var received = 0
}

/// The events the handler records (views are read during the call, not kept).
enum Seen: CustomStringConvertible {
    case request(UInt32, endStream: Bool, contentLength: Int?)
    case trailers(UInt32)
    case data(UInt32, Int, endStream: Bool)
    case streamReset(UInt32, HTTP2ErrorCode, byPeer: Bool)
    case streamClosed(UInt32)
    case writable(UInt32)
    case settingsReceived
    case settingsAcknowledged
    case pingAcknowledged
    case goAwayReceived(UInt32)
    case connectionError(HTTP2Error)
    case connectionClosed
    case clientEvent(String)

    var description: String {
        switch self {
        case .request(let id, let end, let length): return "request \(id) endStream=\(end) content-length=\(length.map(String.init) ?? "-")"
        case .trailers(let id): return "trailers \(id)"
        case .data(let id, let count, let end): return "data \(id) \(count) endStream=\(end)"
        case .streamReset(let id, let code, let byPeer): return "streamReset \(id) \(code) byPeer=\(byPeer)"
        case .streamClosed(let id): return "streamClosed \(id)"
        case .writable(let id): return "writable \(id)"
        case .settingsReceived: return "settingsReceived"
        case .settingsAcknowledged: return "settingsAcknowledged"
        case .pingAcknowledged: return "pingAcknowledged"
        case .goAwayReceived(let id): return "goAwayReceived \(id)"
        case .connectionError(let error): return "connectionError \(error)"
        case .connectionClosed: return "connectionClosed"
        case .clientEvent(let name): return "client-role event \(name)"
        }
    }
}

/// §8.2.1, §8.2.2, §8.3: a delivered field block's names and values.
private func checkFields(_ fields: HeaderList, pseudoAllowed: Set<String>, what: String) {
    var sawRegular = false
    var seenPseudo: Set<String> = []
    for index in 0..<fields.count {
        let name = fields.nameBytes(at: index)
        let value = fields.valueBytes(at: index)
        let nameText = String(decoding: name, as: UTF8.self)
        require(!name.isEmpty, "\(what): field \(index) has an empty name")
        if name.first == 0x3A {
            require(!sawRegular, "\(what): pseudo-header \(nameText) after a regular field (§8.3)")
            require(pseudoAllowed.contains(nameText), "\(what): pseudo-header \(nameText) delivered (§8.3)")
            require(seenPseudo.insert(nameText).inserted, "\(what): \(nameText) twice (§8.3)")
        } else {
            sawRegular = true
            for byte in name {
                require(byte > 0x20 && byte < 0x7f && !(0x41...0x5a).contains(byte) && byte != 0x3a,
                        "\(what): field name \(nameText.debugDescription) (§8.2.1)")
            }
            require(!["connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"].contains(nameText),
                    "\(what): connection-specific field \(nameText) (§8.2.2)")
            if nameText == "te" {
                // A token: case-insensitive (RFC 9110 §10.1.4).
                require(value.map { $0 | 0x20 }.elementsEqual("trailers".utf8), "\(what): te other than trailers (§8.2.2)")
            }
        }
        for byte in value {
            require(byte != 0 && byte != 0x0a && byte != 0x0d, "\(what): NUL, CR or LF in the value of \(nameText) (§8.2.1)")
        }
        if let first = value.first, let last = value.last {
            require(first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09,
                    "\(what): whitespace around the value of \(nameText) (§8.2.1)")
        }
    }
}

private func checkRequest(_ id: StreamID, _ head: RequestHead, extendedConnect: Bool) {
    let what = "request on stream \(id)"
    var allowed: Set<String> = [":method", ":scheme", ":authority", ":path"]
    if extendedConnect { allowed.insert(":protocol") }
    checkFields(head.headers, pseudoAllowed: allowed, what: what)
    require(!head.method.isEmpty, "\(what): no :method (§8.3.1)")
    if head.method == "CONNECT" && head.protocol == nil {
        require(head.scheme == nil && head.path == nil && head.authority != nil,
                "\(what): CONNECT with :scheme or :path, or without :authority (§8.5)")
    } else {
        require(head.scheme != nil, "\(what): no :scheme (§8.3.1)")
        require(head.path != nil, "\(what): no :path (§8.3.1)")
        // §8.3.1: :path MUST NOT be empty for "http" or "https" URIs (other schemes may
        // have an empty path); for them it starts with '/' or is '*' (RFC 9110 §7.1).
        let scheme = head.scheme?.lowercased()
        if scheme == "http" || scheme == "https", let path = head.path {
            require(path.hasPrefix("/") || (path == "*" && head.method == "OPTIONS"),
                    "\(what): :path \(path.prefix(40).debugDescription) for an http(s) URI (§8.3.1)")
        }
    }
    for index in head.firstRegularFieldIndex..<head.headers.count {
        require(head.headers.nameBytes(at: index).first != 0x3A, "\(what): firstRegularFieldIndex is wrong")
    }
}

public final class EngineHarness {
    public private(set) var connection: Connection
    public private(set) var now: UInt64 = 1_000_000_000
    let trace: Bool
    let extendedConnect: Bool
    let trailersInResponses: Bool
    let gracefulShutdown: Bool
    let pings: Bool
    let consumeByHand: Bool
    let body: [UInt8]
    public let sendsPreface: Bool
    let sendsSettingsAck: Bool

    var client = ClientShadow()
    var output: OutputChecker
    var streams: [UInt32: StreamModel] = [:]
    /// Streams whose request came and which are not finished, oldest first.
    var live: [UInt32] = []
    var lastRequest: UInt32 = 0
    var failed = false
    var closedReported = false
    /// The output was drained after .connectionError or .connectionClosed: the transport
    /// is closed now, so nothing more may be written.
    var drainedAfterEnd = false
    var steps = 0
    /// DATA octets to return with `consume` (when credit is not returned automatically).
    var toConsume: [(UInt32, Int)] = []

    public init(options: UInt8, flags: UInt8, trace: Bool) {
        self.trace = trace
        consumeByHand = options & 1 != 0
        extendedConnect = flags & 0x80 != 0
        trailersInResponses = flags & 0x10 != 0
        gracefulShutdown = flags & 0x20 != 0
        pings = flags & 0x40 != 0
        sendsPreface = flags & 1 == 0
        sendsSettingsAck = flags & 2 == 0
        body = Array(repeating: 0x62, count: bodySizes[Int(options >> 6)])

        var configuration = ConnectionConfiguration.server(maxConcurrentStreams: 8)
        configuration.settings.maxHeaderListSize = 4096
        configuration.settings.initialWindowSize = initialWindows[Int(options >> 2 & 3)]
        configuration.settings.enableConnectProtocol = extendedConnect
        configuration.connectionWindow = connectionWindows[Int(options >> 4 & 3)]
        configuration.maxReceiveWindow = 4 << 20
        configuration.returnsCreditAutomatically = !consumeByHand
        configuration.idleTimeout = options & 2 != 0 ? 5_000_000_000 : nil
        configuration.outputHighWater = flags & 4 != 0 ? 2048 : 64 * 1024
        configuration.maxEncoderTableSize = flags & 8 != 0 ? 0 : 4096
        configuration.limits = smallLimits()
        connection = Connection(role: .server, configuration: configuration, now: now)
        output = OutputChecker(ourInitialWindow: configuration.settings.initialWindowSize, trace: trace)
        if trace {
            print("server: initial window \(configuration.settings.initialWindowSize), connection window "
                  + "\(configuration.connectionWindow), body \(body.count), credit \(consumeByHand ? "by hand" : "automatic"), "
                  + "idle timeout \(options & 2 != 0), high water \(configuration.outputHighWater), flags 0x\(String(flags, radix: 16))")
        }
        drain()
    }

    /// The client preface, its SETTINGS and (unless flags say not) the ACK of ours.
    public func start(clientSettings: [Setting] = []) {
        guard sendsPreface else { return }
        var writer = FrameWriter()
        writer.writeSettings(clientSettings)
        if sendsSettingsAck { writer.writeSettingsAck() }
        step(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + writer.bytes, advance: 1_000_000)
    }

    public func step(_ bytes: [UInt8], advance: UInt64, action: StepAction = []) {
        bytes.withUnsafeBytes { step($0, advance: advance, action: action) }
    }

    /// One turn of the application: the chunk in, events, answers, timers, output.
    public func step(_ bytes: UnsafeRawBufferPointer, advance: UInt64, action: StepAction = []) {
        steps += 1
        if trace { print("step \(steps): \(bytes.count) octets, +\(advance / 1_000_000) ms, action \(action.rawValue)") }
        var events: [Seen] = []
        let exact = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { exact.deallocate() }
        if bytes.count > 0 { exact.copyMemory(from: bytes) }
        client.feed(UnsafeRawBufferPointer(exact))
        let extendedConnect = self.extendedConnect
        connection.receive(UnsafeRawBufferPointer(exact), now: now) { record($0, into: &events, extendedConnect: extendedConnect) }
        apply(events)

        // The application's turn; it may still call the connection after .connectionError
        // (a timer, a body it is still reading): nothing may be written after the GOAWAY.
        for (id, octets) in toConsume { connection.consume(octets, on: StreamID(id), now: now) }
        toConsume.removeAll()
        if !action.contains(.holdResponses) { respond() }
        if action.contains(.resetOldest), let id = live.first { reset(id) }
        if action.contains(.resetNewest), let id = live.last { reset(id) }
        if pings && steps % 3 == 0 { connection.ping(now: now) }
        if gracefulShutdown && steps == 4 { connection.beginGracefulShutdown(now: now) }

        now += advance
        events.removeAll()
        connection.handleTimeouts(now: now) { record($0, into: &events, extendedConnect: extendedConnect) }
        connection.pollEvents { record($0, into: &events, extendedConnect: extendedConnect) }
        apply(events)
        // Every stream the engine closed was reported, by .streamClosed or .streamReset: the
        // closes our END_STREAM caused too (they came through pollEvents just now).
        if !failed {
            for id in live {
                let state = connection.state(of: StreamID(id))
                require(!state.isClosed, "stream \(id) is \(state) in the engine, but no event reported its end (§5.1)")
            }
        }
        drain()
        require(connection.streamCount <= 8, "\(connection.streamCount) live streams, SETTINGS_MAX_CONCURRENT_STREAMS is 8 (§5.1.2)")
    }

    /// The end of the input: answer what is left, run the timers once more, drain.
    public func finish() {
        step(UnsafeRawBufferPointer(start: nil, count: 0), advance: 1_000_000)
        if trace { print("end: \(output.frames) frames out, \(streams.count) streams seen, failed \(failed)") }
    }

    private func reset(_ id: UInt32) {
        // resetStream does nothing once the connection is closed (see .connectionClosed).
        guard !connection.isClosed else { return }
        connection.resetStream(StreamID(id), code: .cancel)
        streams[id]?.resetByApplication = true
        finish(id)
    }

    private func finish(_ id: UInt32) {
        streams[id, default: StreamModel()].finished = true
        live.removeAll { $0 == id }
    }

    private func respond() {
        for id in live {
            guard let model = streams[id], model.inputEnded, !model.responded, !model.finished else { continue }
            streams[id]!.responded = true
            let stream = StreamID(id)
            do throws(ConnectionUsageError) {
                let endAtHead = body.isEmpty && !trailersInResponses
                try connection.sendHeaders([HeaderField(":status", "200")], on: stream, endStream: endAtHead)
                if endAtHead { continue }
                if !body.isEmpty { try connection.sendData(body, on: stream, endStream: !trailersInResponses) }
                if trailersInResponses {
                    try connection.sendHeaders([HeaderField("x-checksum", "1")], on: stream, endStream: true)
                }
            } catch {
                if trace { print("  usage error on \(id): \(error)") }
            }
        }
    }

    private func drain() {
        var chunks = 0
        let finished = drainedAfterEnd
        connection.drainOutput { bytes in
            chunks += 1
            require(!finished || bytes.isEmpty,
                    "\(bytes.count) octets of output after the connection ended and its output was drained")
            output.feed(bytes, client: client)
        }
        require(chunks == 1, "drainOutput called its body \(chunks) times")
        if failed || closedReported { drainedAfterEnd = true }
    }

    private func apply(_ events: [Seen]) {
        for event in events {
            if trace { print("  event: \(event)") }
            require(!failed, "event \(event) after .connectionError")
            switch event {
            case .request(let id, _, _), .data(let id, _, _), .trailers(let id):
                // After .connectionClosed (isClosed) the application can neither answer nor
                // reset a stream.
                require(!closedReported, "\(event) after .connectionClosed: stream \(id) can be neither answered nor reset")
            default:
                break
            }
            switch event {
            case .clientEvent(let name):
                fatalError("invariant broken: a server got the client-role event \(name)")
            case .request(let id, let endStream, let contentLength):
                require(id & 1 == 1 && id > lastRequest, "request on stream \(id) after \(lastRequest) (§5.1.1)")
                require(streams[id] == nil, "request on stream \(id), already seen as \(streams[id]!)")
                lastRequest = id
                var model = StreamModel()
                model.requested = true
                model.inputEnded = endStream
                model.contentLength = contentLength
                streams[id] = model
                live.append(id)
                if endStream, let contentLength {
                    require(contentLength == 0, "request \(id) ended with content-length \(contentLength) and no DATA (§8.1.1)")
                }
            case .data(let id, let count, let endStream):
                guard let model = streams[id], model.requested else {
                    fatalError("invariant broken: DATA event on stream \(id) without a request")
                }
                require(!model.inputEnded, "DATA event on stream \(id) after its input ended")
                require(!model.finished, "DATA event on stream \(id) after it was reset or closed")
                streams[id]!.received += count
                let received = streams[id]!.received
                if let length = model.contentLength {
                    require(received <= length, "stream \(id): \(received) octets delivered, content-length \(length) (§8.1.1)")
                    if endStream {
                        require(received == length, "stream \(id) ended after \(received) octets, content-length \(length) (§8.1.1)")
                    }
                }
                if endStream { streams[id]!.inputEnded = true }
                if consumeByHand && count > 0 { toConsume.append((id, count)) }
            case .trailers(let id):
                guard let model = streams[id], model.requested else {
                    fatalError("invariant broken: trailers on stream \(id) without a request")
                }
                require(!model.inputEnded, "trailers on stream \(id) after its input ended")
                require(!model.finished, "trailers on stream \(id) after it was reset or closed")
                if let length = model.contentLength {
                    require(model.received == length, "stream \(id) ended by trailers after \(model.received) octets, content-length \(length) (§8.1.1)")
                }
                streams[id]!.inputEnded = true
            case .streamReset(let id, _, _), .streamClosed(let id):
                require(!(streams[id]?.finished ?? false),
                        "\(event) for stream \(id), already reset or closed"
                            + (streams[id]!.resetByApplication ? " (by the application)" : ""))
                finish(id)
            case .connectionError:
                failed = true
                require(connection.isClosed, "isClosed is false after .connectionError")
            case .connectionClosed:
                closedReported = true
            case .writable, .settingsReceived, .settingsAcknowledged, .pingAcknowledged, .goAwayReceived:
                break
            }
        }
    }
}

/// The handler: reads what is only valid during the call, checks delivered field blocks.
private func record(_ event: ConnectionEvent, into events: inout [Seen], extendedConnect: Bool) {
    switch event {
    case .request(let id, let head, let endStream):
        checkRequest(id, head, extendedConnect: extendedConnect)
        events.append(.request(id.rawValue, endStream: endStream, contentLength: head.isConnect ? nil : head.contentLength))
    case .trailers(let id, let fields):
        checkFields(fields, pseudoAllowed: [], what: "trailers on stream \(id)")
        events.append(.trailers(id.rawValue))
    case .data(let id, let bytes, let endStream):
        var sum: UInt8 = 0
        for byte in bytes { sum &+= byte }  // every octet readable (ASan)
        _ = sum
        events.append(.data(id.rawValue, bytes.count, endStream: endStream))
    case .streamReset(let id, let code, let byPeer): events.append(.streamReset(id.rawValue, code, byPeer: byPeer))
    case .streamClosed(let id): events.append(.streamClosed(id.rawValue))
    case .writable(let id): events.append(.writable(id.rawValue))
    case .settingsReceived: events.append(.settingsReceived)
    case .settingsAcknowledged: events.append(.settingsAcknowledged)
    case .pingAcknowledged: events.append(.pingAcknowledged)
    case .goAwayReceived(let last, _, _): events.append(.goAwayReceived(last.rawValue))
    case .connectionError(let error): events.append(.connectionError(error))
    case .connectionClosed: events.append(.connectionClosed)
    case .response: events.append(.clientEvent("response"))
    case .requestStarted: events.append(.clientEvent("requestStarted"))
    }
}

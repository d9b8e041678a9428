import HPACK

extension Connection {
    // MARK: - Field blocks

    /// Sends a field block on a stream: a response head (server), informational
    /// responses, or trailers (`endStream` must then be true). Trailers wait behind data
    /// still queued on the stream.
    public mutating func sendHeaders(_ headers: HeaderList, on stream: StreamID, endStream: Bool) throws(ConnectionUsageError) {
        guard !isClosed else { throw ConnectionUsageError("the connection is closed") }
        let event: StreamEvent = endStream ? .sendHeadersEndStream : .sendHeaders
        let validates = configuration.validatesOutgoingFields
        let role = self.role
        // The same head as the last validated one: the validation's result is known (it
        // depends on the fields alone), so it is not run again.
        // (Read in place through optional chaining: no copy of the cache.)
        let knownHead: Bool? = role == .server && sentHeadCache?.headers.hasSameFields(as: headers) == true
            ? sentHeadCache?.isInformational : nil
        enum Head { case none, known, validated(informational: Bool) }
        enum Outcome { case missing, notAllowed(StreamState), invalid(String), queued, write(StreamState, Head) }
        // In place: no copy of the stream's record.
        let outcome = streams.update(stream) { record -> Outcome in
            guard case .next(let next) = StreamTransitions.apply(event, to: record.state) else {
                return .notAllowed(record.state)
            }
            // §8.1: a response head (informational ones first), or trailers that end the
            // stream; RFC 9113 §8.2, §8.3 rules hold for what we send too.
            let isHead = role == .server && !record.sentHead
            var informational = false
            var head = Head.none
            if isHead {
                if validates || endStream {
                    if let knownHead {
                        informational = knownHead
                        head = .known
                    } else {
                        switch MessageValidator.validateResponse(headers, isHeadRequest: false) {
                        case .failure(let error): if validates { return .invalid(error.reason) }
                        case .success(let validated):
                            informational = validated.isInformational
                            head = .validated(informational: informational)
                        }
                    }
                }
                if informational && endStream { return .invalid("an informational response cannot end the stream") }
            } else {
                // §8.5: on a connected stream only DATA, RST_STREAM, WINDOW_UPDATE and
                // PRIORITY may be sent: no trailers.
                if record.connect == .tunnel { return .invalid(Connection.tunnelRefusal(stream)) }
                guard endStream else { return .invalid("trailers must end the stream (§8.1)") }
                if validates, case .failure(let error) = MessageValidator.validateTrailers(headers) {
                    return .invalid(error.reason)
                }
                if !record.outbound.isEmpty {
                    // Trailers after queued data: encoded when they reach the wire (HPACK order).
                    record.outbound.trailers = headers
                    return .queued
                }
            }
            if isHead && !informational {
                record.sentHead = true
                // §8.5: a 2xx to CONNECT makes the stream a tunnel.
                if record.connect == .requested && Connection.hasSuccessStatus(headers) { record.connect = .tunnel }
            }
            return .write(next, head)
        } ?? .missing
        switch outcome {
        case .missing: throw ConnectionUsageError("stream \(stream.rawValue) is not open")
        case .notAllowed(let state):
            throw ConnectionUsageError("cannot send HEADERS on stream \(stream.rawValue) in state \(state)")
        case .invalid(let reason): throw ConnectionUsageError("invalid field block: \(reason)")
        case .queued: schedule(stream)
        case .write(let next, let head):
            switch head {
            case .none:
                writeFieldBlock(headers, on: stream, endStream: endStream)
            case .known:
                writeHead(headers, on: stream, endStream: endStream)
            case .validated(let informational):
                sentHeadCache = SentHeadCache(headers: headers, isInformational: informational)
                writeHead(headers, on: stream, endStream: endStream)
            }
            if endStream { finishSending(stream, next) }
        }
    }

    /// Writes the head in `sentHeadCache`: its cached encoding while the encoder is in the
    /// state that produced it (the encoder is deterministic, RFC 7541 §2.1: same state, same
    /// fields, same block), else a fresh one, kept when encoding it changed nothing (every
    /// field was found in a table, nothing inserted).
    private mutating func writeHead(_ headers: HeaderList, on stream: StreamID, endStream: Bool) {
        if let generation = sentHeadCache?.generation, generation == encoder.stateGeneration,
           let encoded = sentHeadCache?.encoded {
            writer.writeHeaders(encoded, streamID: stream, endStream: endStream)
            return
        }
        let before = encoder.stateGeneration
        writeFieldBlock(headers, on: stream, endStream: endStream)
        if encoder.stateGeneration == before {
            sentHeadCache?.encoded = encodeBuffer
            sentHeadCache?.generation = before
        } else {
            sentHeadCache?.generation = nil
        }
    }

    /// Why HEADERS cannot be sent on a connected stream (§8.5).
    static func tunnelRefusal(_ stream: StreamID) -> String {
        "stream \(stream.rawValue) is a tunnel (a 2xx answered its CONNECT): only DATA, RST_STREAM, "
            + "WINDOW_UPDATE and PRIORITY may be sent on it, no HEADERS (RFC 9113 §8.5)"
    }

    /// Whether a response head's `:status` is 2xx (§8.5: a 2xx to CONNECT opens the tunnel).
    static func hasSuccessStatus(_ headers: HeaderList) -> Bool {
        for index in headers.indices where headers.nameBytes(at: index).elementsEqual(":status".utf8) {
            let value = headers.valueBytes(at: index)
            return value.count == 3 && value.first == UInt8(ascii: "2")
        }
        return false
    }

    /// `sendHeaders` with fields as strings.
    public mutating func sendHeaders(_ headers: [HeaderField], on stream: StreamID, endStream: Bool) throws(ConnectionUsageError) {
        try sendHeaders(HeaderList(headers), on: stream, endStream: endStream)
    }

    mutating func writeFieldBlock(_ headers: HeaderList, on stream: StreamID, endStream: Bool) {
        encodeBuffer.removeAll(keepingCapacity: true)
        encoder.encode(headers, into: &encodeBuffer)
        writer.writeHeaders(encodeBuffer, streamID: stream, endStream: endStream)
    }

    /// Our END_STREAM went out. When it closes the stream (the peer had finished first,
    /// §5.1), `.streamClosed` waits for `pollEvents`, and so does `.connectionClosed` when
    /// that was the last stream after GOAWAY (§6.8).
    mutating func finishSending(_ stream: StreamID, _ next: StreamState) {
        streams.setState(stream, next)
        if next.isClosed {
            if next == .closed { locallyClosed.append(stream) }
            startQueuedRequestsLater()
            var done = false
            checkShutdownComplete { _ in done = true }
            if done { connectionClosedPending = true }
        }
    }

    /// Starts queued requests outside `receive`; their events wait for `pollEvents`.
    mutating func startQueuedRequestsLater() {
        guard pendingHead < pendingRequests.count else { return }  // none waiting (always so for a server)
        var started: [ConnectionEvent] = []
        startQueuedRequests(now: lastActivity) { started.append($0) }
        deferredEvents.append(contentsOf: started)
    }

    // MARK: - DATA

    /// Sends content on a stream. What the flow-control windows allow goes out now; the
    /// rest waits in the stream's queue and leaves as WINDOW_UPDATEs arrive, streams served
    /// round robin. Check `isWritable` before writing more (the queue is bounded:
    /// past `AbuseLimits.maxBufferedPerStream` this throws).
    public mutating func sendData(_ data: UnsafeRawBufferPointer, on stream: StreamID, endStream: Bool) throws(ConnectionUsageError) {
        guard !isClosed else { throw ConnectionUsageError("the connection is closed") }
        let event: StreamEvent = endStream ? .sendDataEndStream : .sendData
        // Fast path, the common case of an SSE event: one frame's worth, nothing queued
        // anywhere, room in every window: straight into the output, record changed in place.
        // Anything else joins the round robin (below), so a bulk writer cannot take the
        // whole connection window ahead of others (§5.2).
        let room = min(sendWindow.size, peerSettings.maxFrameSize, configuration.outputHighWater - writer.bytes.count)
        if readyHead == ready.count && data.count <= room {
            var closing: StreamState?
            let sent = streams.update(stream) { record -> Bool in
                guard record.sentHead, record.outbound.isEmpty, data.count <= record.sendWindow.size,
                      case .next(let next) = StreamTransitions.apply(event, to: record.state) else { return false }
                record.sendWindow.consume(data.count)
                if endStream { closing = next }
                return true
            } ?? false
            if sent {
                writer.writeData(data, streamID: stream, endStream: endStream)
                sendWindow.consume(data.count)
                if let closing { finishSending(stream, closing) }
                return
            }
        }
        guard var record = streams[stream] else { throw ConnectionUsageError("stream \(stream.rawValue) is not open") }
        let waitingToStart = record.state == .idle
        if !waitingToStart {
            guard case .next = StreamTransitions.apply(event, to: record.state), record.sentHead else {
                throw ConnectionUsageError("cannot send DATA on stream \(stream.rawValue) in state \(record.state)")
            }
        }
        guard record.outbound.count + data.count <= limits.maxBufferedPerStream + max(0, record.sendWindow.size),
              !record.outbound.endStreamPending, record.outbound.trailers == nil else {
            throw ConnectionUsageError("stream \(stream.rawValue) has too much data queued (check isWritable)")
        }
        record.outbound.append(data)
        record.outbound.endStreamPending = endStream
        bufferedTotal += data.count
        streams[stream] = record
        schedule(stream)
    }

    /// `sendData` over an array.
    public mutating func sendData(_ data: [UInt8], on stream: StreamID, endStream: Bool) throws(ConnectionUsageError) {
        var failure: ConnectionUsageError?
        data.withUnsafeBytes { bytes in
            do throws(ConnectionUsageError) { try sendData(bytes, on: stream, endStream: endStream) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    // MARK: - RST_STREAM

    /// Resets a stream (§6.4): queued output is dropped; frames the peer already sent are
    /// discarded on arrival (§5.1). No event about the stream follows, not even one
    /// `pollEvents` still held (a close by our END_STREAM: then nothing is sent).
    public mutating func resetStream(_ stream: StreamID, code: HTTP2ErrorCode = .cancel) {
        if !deferredEvents.isEmpty {
            deferredEvents.removeAll { event in
                switch event {
                case .writable(let id), .requestStarted(let id, _): return id == stream
                default: return false
                }
            }
        }
        if !locallyClosed.isEmpty { locallyClosed.removeAll { $0 == stream } }
        guard !isClosed, let record = streams[stream] else { return }
        dropOutput(of: stream)
        if record.state != .idle { writer.writeRSTStream(streamID: stream, errorCode: code) }
        removePendingRequest(stream)
        streams.setState(stream, .closedByLocalReset)
        startQueuedRequestsLater()
    }

    /// Forgets a stream's queued output.
    mutating func dropOutput(of stream: StreamID) {
        guard var record = streams[stream] else { return }
        bufferedTotal -= record.outbound.removeAll()
        streams[stream] = record
    }

    // MARK: - Requests (client role)

    /// Sends a request and returns its stream. Beyond the peer's
    /// SETTINGS_MAX_CONCURRENT_STREAMS the request waits in a queue and starts as streams
    /// finish, the way browsers behave (`queuedRequestCount`, `.requestStarted`); data
    /// sent on it meanwhile is queued too.
    public mutating func sendRequest(_ headers: HeaderList, endStream: Bool, now: UInt64) throws(ConnectionUsageError) -> StreamID {
        guard role == .client else { throw ConnectionUsageError("only a client sends requests") }
        guard !isClosed, goAwayReceived == nil else { throw ConnectionUsageError("the connection is going away") }
        if configuration.validatesOutgoingFields {
            switch MessageValidator.validateRequest(headers, extendedConnectEnabled: peerSettings.enableConnectProtocol) {
            case .failure(let error):
                throw ConnectionUsageError("invalid request: \(error.reason)")
            case .success(let head):
                // RFC 9113 §8.3.1: a client conveys authority information in :authority,
                // not in Host alone; with none to convey it generates no :authority (an
                // empty one is generated authority).
                if head.authorityIndex == nil && head.hostIndex != nil {
                    throw ConnectionUsageError("invalid request: the authority is only in host; "
                                               + "send it as :authority (RFC 9113 §8.3.1)")
                }
                if let authority = head.authorityBytes, authority.isEmpty {
                    throw ConnectionUsageError("invalid request: empty :authority; "
                                               + "omit :authority when there is no authority (RFC 9113 §8.3.1)")
                }
            }
        }
        guard let id = streams.allocateLocalStreamID() else { throw ConnectionUsageError("stream ids exhausted") }
        var record = StreamRecord(state: .idle, sendWindow: peerSettings.initialWindowSize,
                                  receiveWindow: localSettings.acknowledged.initialWindowSize,
                                  maxReceiveWindow: configuration.maxReceiveWindow)
        let method = headers.first(where: { $0.name == ":method" })?.value
        record.isHeadRequest = method == "HEAD"
        if method == "CONNECT" { record.connect = .requested }  // §8.5, RFC 8441 §4
        streams.insert(id, record)
        pendingRequests.append(PendingRequest(streamID: id, headers: headers, endStream: endStream, queuedAt: now))
        startQueuedRequests(now: now) { _ in }
        return id
    }

    /// `sendRequest` with fields as strings.
    public mutating func sendRequest(_ headers: [HeaderField], endStream: Bool, now: UInt64) throws(ConnectionUsageError) -> StreamID {
        try sendRequest(HeaderList(headers), endStream: endStream, now: now)
    }

    /// Starts waiting requests while the peer's limit allows (§5.1.2), in order, so
    /// stream ids go out increasing (§5.1.1).
    mutating func startQueuedRequests(now: UInt64, _ handler: (ConnectionEvent) -> Void) {
        while pendingHead < pendingRequests.count {
            let limit = peerSettings.maxConcurrentStreams ?? Int.max
            guard streams.activeLocallyInitiated < limit, !isClosed else { return }
            let request = pendingRequests[pendingHead]
            pendingHead += 1
            if pendingHead == pendingRequests.count {
                pendingRequests.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            guard var record = streams[request.streamID], record.state == .idle else { continue }
            let next: StreamState = request.endStream ? .halfClosedLocal : .open
            record.sentHead = true
            streams[request.streamID] = record
            streams.setState(request.streamID, next)
            writeFieldBlock(request.headers, on: request.streamID, endStream: request.endStream)
            handler(.requestStarted(request.streamID, waited: now >= request.queuedAt ? now - request.queuedAt : 0))
            if record.outbound.hasData || record.outbound.endStreamPending { schedule(request.streamID) }
        }
    }

    private mutating func removePendingRequest(_ stream: StreamID) {
        guard let index = pendingRequests[pendingHead...].firstIndex(where: { $0.streamID == stream }) else { return }
        pendingRequests.remove(at: index)
    }
}

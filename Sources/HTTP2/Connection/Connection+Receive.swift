import HPACK

extension Connection {
    /// Processes bytes from the peer, calling `handler` for each event as it happens.
    /// A connection error is reported as `.connectionError` after GOAWAY was queued; the
    /// connection then reads nothing more.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64, _ handler: (ConnectionEvent) -> Void) {
        pollEvents(handler)
        // Once finished (a connection error, or GOAWAY with nothing left), read nothing more.
        guard !isClosed else { return }
        lastActivity = now
        var input = bytes
        if case .awaitingPreface(let matched) = phase {
            // RFC 9113 §3.4: the server expects the 24-octet preface first.
            let needed = Connection.preface.count - matched
            let count = min(needed, input.count)
            for offset in 0..<count where input[offset] != Connection.preface[matched + offset] {
                fail(.connection(.protocolError, "invalid connection preface"), handler)
                return
            }
            input = UnsafeRawBufferPointer(rebasing: input[count...])
            phase = count == needed ? .awaitingSettings : .awaitingPreface(matched: matched + count)
            if count < needed { return }
        }
        if case .awaitingSettings = phase, firstFrameOctetsSeen < 4 {
            // §3.4: the peer's first frame must be SETTINGS; its type octet (the 4th) says
            // so before the length is judged (an HTTP/1.1 reply would read as a huge frame).
            let needed = 4 - firstFrameOctetsSeen
            if input.count >= needed && input[needed - 1] != FrameType.settings.rawValue {
                fail(.connection(.protocolError, "the first frame is not SETTINGS"), handler)
                return
            }
            firstFrameOctetsSeen += min(needed, input.count)
        }
        do throws(HTTP2Error) {
            while let result = try reader.nextFrame(from: &input) {
                try process(result, now: now, handler)
                if isClosed { return }
            }
        } catch {
            fail(error, handler)
        }
    }

    /// Delivers events that happened outside `receive`, after our own actions: requests
    /// started, streams that became writable, streams our END_STREAM closed, and the end of
    /// a graceful shutdown when that was the last stream. Call it after sending and after
    /// `drainOutput`; `receive`, `handleTimeouts` and `close` deliver them first too.
    /// Order: the other events as they happened, then the closes, then the connection's end.
    public mutating func pollEvents(_ handler: (ConnectionEvent) -> Void) {
        // By index, capacity kept: one event per response must not cost an allocation.
        // (The handler cannot reach the connection: it is borrowed for this call.)
        if !deferredEvents.isEmpty {
            var index = 0
            while index < deferredEvents.count {
                handler(deferredEvents[index])
                index += 1
            }
            deferredEvents.removeAll(keepingCapacity: true)
        }
        if !locallyClosed.isEmpty {
            var index = 0
            while index < locallyClosed.count {
                handler(.streamClosed(locallyClosed[index]))
                index += 1
            }
            locallyClosed.removeAll(keepingCapacity: true)
        }
        if connectionClosedPending {
            connectionClosedPending = false
            handler(.connectionClosed)
        }
    }

    /// `receive` over an array.
    public mutating func receive(_ bytes: [UInt8], now: UInt64, _ handler: (ConnectionEvent) -> Void) {
        bytes.withUnsafeBytes { receive($0, now: now, handler) }
    }

    private mutating func process(_ result: FrameResult, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        switch result {
        case .streamError(let error, let headers):
            try checkFirstFrame(isSettings: false)
            if let headers {
                // The field block must still be decoded to keep HPACK in step (§4.3).
                try receiveHeaders(headers, streamError: error, now: now, handler)
            } else if let stream = error.streamID {
                try resetForPeerError(stream, error.code, now: now, handler)
            }
        case .frame(let frame):
            if case .settings(let settings) = frame, !settings.ack {
                try checkFirstFrame(isSettings: true)
            } else {
                try checkFirstFrame(isSettings: false)
            }
            try dispatch(frame, now: now, handler)
        }
    }

    /// RFC 9113 §3.4: the first frame from either peer is a SETTINGS frame.
    private mutating func checkFirstFrame(isSettings: Bool) throws(HTTP2Error) {
        guard case .awaitingSettings = phase else { return }
        guard isSettings else { throw .connection(.protocolError, "the first frame is not SETTINGS") }
        phase = .ready
    }

    private mutating func dispatch(_ frame: Frame, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        switch frame {
        case .data(let data):
            try receiveData(data, now: now, handler)
        case .headers(let headers):
            try receiveHeaders(headers, streamError: nil, now: now, handler)
        case .continuation(let continuation):
            try receiveContinuation(continuation, now: now, handler)
        case .priority:
            // RFC 9113 §5.3.2: priority signals may be ignored; they cost nothing and
            // create no state (CVE-2019-9513).
            break
        case .rstStream(let reset):
            try receiveReset(reset, now: now, handler)
        case .settings(let settings):
            try receiveSettings(settings, now: now, handler)
        case .pushPromise:
            // RFC 9113 §8.4: a server never receives PUSH_PROMISE; our client disables
            // push (SETTINGS_ENABLE_PUSH = 0), so receiving one is a PROTOCOL_ERROR (§6.6).
            throw .connection(.protocolError, "PUSH_PROMISE received, push is disabled")
        case .ping(let ping):
            try receivePing(ping, now: now, handler)
        case .goAway(let goAway):
            receiveGoAway(goAway, handler)
        case .windowUpdate(let update):
            try receiveWindowUpdate(update, handler)
        case .priorityUpdate(let update):
            // RFC 9218 §7.1: only clients send PRIORITY_UPDATE, never about a push stream;
            // the hints themselves are advisory and ignored here.
            if role == .client {
                throw .connection(.protocolError, "PRIORITY_UPDATE received by a client")
            }
            if update.prioritizedStreamID.isServerInitiated {
                throw .connection(.protocolError, "PRIORITY_UPDATE about a push stream")
            }
        case .unknown:
            // RFC 9113 §5.5: frames of unknown types are ignored.
            break
        }
    }

    // MARK: - DATA (§6.1, §5.2, §6.9)

    private mutating func receiveData(_ frame: DataFrame, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        let length = frame.flowControlledLength
        // §6.9: DATA counts against the connection window whatever the stream's state.
        guard receiveWindow.receive(length) else {
            throw .connection(.flowControlError, "DATA beyond the connection window")
        }
        if length == 0 && !frame.endStream && !limits.emptyFrames.take(now: now) {
            throw .connection(.enhanceYourCalm, "too many empty frames")
        }
        let id = frame.streamID
        let state = streams[id]?.state ?? streams.stateOfUnknown(id)
        let event: StreamEvent = frame.endStream ? .receiveDataEndStream : .receiveData
        switch StreamTransitions.apply(event, to: state) {
        case .next(let next):
            guard var record = streams[id] else {
                // A closed stream the table allows DATA on does not exist; be safe.
                returnConnectionCredit(length, now: now)
                try resetForPeerError(id, .streamClosed, now: now, handler)
                return
            }
            guard record.receivedBlocks > 0 else {
                // §8.1: content comes after the head (a client got DATA before the final
                // response): malformed, a stream error PROTOCOL_ERROR (§8.1.1).
                returnConnectionCredit(length, now: now)
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            guard record.receiveWindow.receive(length) else {
                // §6.9.1: a stream error FLOW_CONTROL_ERROR.
                returnConnectionCredit(length, now: now)
                try resetForPeerError(id, .flowControlError, now: now, handler)
                return
            }
            // §8.1.1: content-length must match the DATA octets.
            let withinLength = record.contentLength.receive(frame.data.count)
            if !withinLength || (frame.endStream && !record.contentLength.finish()) {
                streams[id] = record
                returnConnectionCredit(length, now: now)
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            streams[id] = record
            // Padding is never delivered: its credit goes back at once.
            let padding = length - frame.data.count
            if padding > 0 { consumeCredit(padding, on: id, now: now) }
            handler(.data(id, frame.data, endStream: frame.endStream))
            if configuration.returnsCreditAutomatically && frame.data.count > 0 {
                consumeCredit(frame.data.count, on: id, now: now)
            }
            if frame.endStream { setStreamState(id, next, handler) }
        case .discard:
            returnConnectionCredit(length, now: now)
        case .streamError(let code):
            returnConnectionCredit(length, now: now)
            try resetForPeerError(id, code, now: now, handler)
        case .connectionError(let code):
            throw .connection(code, "DATA on a stream in state \(state)")
        case .notAllowed:
            throw .connection(.internalError, "unexpected transition for received DATA")
        }
    }

    /// Gives back connection credit for DATA that nobody will consume.
    mutating func returnConnectionCredit(_ octets: Int, now: UInt64) {
        let increment = receiveWindow.consume(octets, now: now, roundTrip: roundTrip)
        if increment > 0 { writer.writeWindowUpdate(streamID: .connection, increment: UInt32(increment)) }
    }

    /// The application consumed `octets` of a stream's DATA: return flow-control credit
    /// to the peer, batched (see `ReceiveWindow`).
    public mutating func consume(_ octets: Int, on stream: StreamID, now: UInt64) {
        guard !isClosed else { return }
        consumeCredit(octets, on: stream, now: now)
    }

    mutating func consumeCredit(_ octets: Int, on stream: StreamID, now: UInt64) {
        guard octets > 0 else { return }
        returnConnectionCredit(octets, now: now)
        guard var record = streams[stream], record.state.peerCanSend else { return }
        let increment = record.receiveWindow.consume(octets, now: now, roundTrip: roundTrip)
        streams[stream] = record
        if increment > 0 { writer.writeWindowUpdate(streamID: stream, increment: UInt32(increment)) }
    }

    // MARK: - RST_STREAM (§6.4)

    private mutating func receiveReset(_ frame: RSTStreamFrame, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        let id = frame.streamID
        let state = streams[id]?.state ?? streams.stateOfUnknown(id)
        switch StreamTransitions.apply(.receiveReset, to: state) {
        case .next(let next):
            guard streams[id] != nil else { return }
            // CVE-2023-44487 "rapid reset": streams the peer opens and cancels cost us work.
            guard limits.peerResets.take(now: now) else {
                throw .connection(.enhanceYourCalm, "too many streams reset by the peer")
            }
            dropOutput(of: id)
            setStreamState(id, next, handler)
            handler(.streamReset(id, frame.errorCode, byPeer: true))
        case .discard:
            return
        case .streamError(let code):
            try resetForPeerError(id, code, now: now, handler)
        case .connectionError(let code):
            throw .connection(code, "RST_STREAM on a stream in state \(state)")
        case .notAllowed:
            throw .connection(.internalError, "unexpected transition for received RST_STREAM")
        }
    }

    // MARK: - WINDOW_UPDATE (§6.9)

    private mutating func receiveWindowUpdate(_ frame: WindowUpdateFrame, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        let increment = Int(frame.increment)
        if frame.streamID.isConnection {
            // §6.9.1: beyond 2^31-1 is a connection FLOW_CONTROL_ERROR.
            guard sendWindow.increase(by: increment) else {
                throw .connection(.flowControlError, "connection window above 2^31-1")
            }
            // Streams waiting on the connection window never left the round robin.
            return
        }
        let id = frame.streamID
        let state = streams[id]?.state ?? streams.stateOfUnknown(id)
        switch StreamTransitions.apply(.receiveWindowUpdate, to: state) {
        case .next:
            guard var record = streams[id] else { return }
            guard record.sendWindow.increase(by: increment) else {
                // §6.9.1: on a stream, a stream error FLOW_CONTROL_ERROR.
                try resetForPeerError(id, .flowControlError, now: lastActivity, handler)
                return
            }
            let wasBlocked = record.sendWindow.size - increment <= 0
            streams[id] = record
            if record.outbound.hasData || (record.outbound.endStreamPending || record.outbound.trailers != nil) {
                schedule(id)
            } else if wasBlocked && record.state.weCanSend {
                handler(.writable(id))
            }
        case .discard:
            return
        case .streamError(let code):
            try resetForPeerError(id, code, now: lastActivity, handler)
        case .connectionError(let code):
            throw .connection(code, "WINDOW_UPDATE on a stream in state \(state)")
        case .notAllowed:
            throw .connection(.internalError, "unexpected transition for received WINDOW_UPDATE")
        }
    }

    // MARK: - Stream errors we answer

    /// Resets a stream because of what the peer sent (§5.4.2), within the budget of
    /// resets a peer may provoke (CVE-2025-8671 "MadeYouReset", CVE-2019-9514).
    mutating func resetForPeerError(_ id: StreamID, _ code: HTTP2ErrorCode, now: UInt64,
                                    _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        // §6.4: RST_STREAM is never sent for an idle stream; a stream error there becomes
        // a connection error (§5.4.1 allows treating any stream error so).
        if streams[id] == nil && streams.stateOfUnknown(id) == .idle {
            throw .connection(code, "stream error on idle stream \(id.rawValue)")
        }
        guard limits.provokedResets.take(now: now) else {
            throw .connection(.enhanceYourCalm, "too many stream errors")
        }
        try checkControlBacklog()
        writer.writeRSTStream(streamID: id, errorCode: code)
        if streams[id] != nil {
            dropOutput(of: id)
            setStreamState(id, .closedByLocalReset, handler)
            handler(.streamReset(id, code, byPeer: false))
        } else if streams.isPeerInitiated(id) && id > streams.highestPeerStreamID {
            streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
        }
    }

    /// CVE-2019-9512, -9515: replies to control frames pile up when the peer does not read.
    func checkControlBacklog() throws(HTTP2Error) {
        if writer.bytes.count > configuration.outputHighWater + limits.maxPendingControlBytes {
            throw .connection(.enhanceYourCalm, "the peer does not read our replies")
        }
    }

    /// Moves a stream to a new state, reporting a normal close.
    mutating func setStreamState(_ id: StreamID, _ state: StreamState, _ handler: (ConnectionEvent) -> Void) {
        streams.setState(id, state)
        if state == .closed { handler(.streamClosed(id)) }
        if state.isClosed {
            startQueuedRequests(now: lastActivity, handler)
            checkShutdownComplete(handler)
        }
    }
}

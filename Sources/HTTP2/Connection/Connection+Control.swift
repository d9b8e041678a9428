import HPACK

extension Connection {
    // MARK: - SETTINGS (§6.5)

    mutating func receiveSettings(_ frame: SettingsFrame, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        if frame.ack {
            // §6.5.3: our oldest unacknowledged SETTINGS now binds the peer.
            let old = localSettings.acknowledged
            guard let acknowledged = localSettings.acknowledge() else { return }
            applyAcknowledged(old: old, new: acknowledged)
            handler(.settingsAcknowledged(acknowledged))
            return
        }
        // CVE-2019-9515: each SETTINGS costs an acknowledgement.
        guard limits.settingsFrames.take(now: now) else {
            throw .connection(.enhanceYourCalm, "too many SETTINGS frames")
        }
        var updated = peerSettings
        for setting in frame.settings {
            try setting.validate()
            switch setting.identifier {
            case .enablePush where role == .client && setting.value == 1:
                // §6.5.2: a client receiving ENABLE_PUSH = 1 is a PROTOCOL_ERROR.
                throw .connection(.protocolError, "SETTINGS_ENABLE_PUSH = 1 from a server")
            case .enableConnectProtocol where setting.value > 1:
                throw .connection(.protocolError, "SETTINGS_ENABLE_CONNECT_PROTOCOL is not 0 or 1")
            case .enableConnectProtocol where setting.value == 0 && updated.enableConnectProtocol:
                // RFC 8441 §3: once 1, it cannot go back to 0.
                throw .connection(.protocolError, "SETTINGS_ENABLE_CONNECT_PROTOCOL went back to 0")
            case .noRFC7540Priorities where setting.value > 1:
                throw .connection(.protocolError, "SETTINGS_NO_RFC7540_PRIORITIES is not 0 or 1")
            default:
                break
            }
            updated.apply(setting)
        }
        try applyPeerSettings(updated, handler)
        try checkControlBacklog()
        writer.writeSettingsAck()
        handler(.settingsReceived(updated))
    }

    /// The peer's new settings take effect now (§6.5.3).
    private mutating func applyPeerSettings(_ updated: HTTP2Settings, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        let old = peerSettings
        peerSettings = updated
        if updated.initialWindowSize != old.initialWindowSize {
            // §6.9.2: every stream send window moves by the difference, and may go
            // negative; beyond 2^31-1 is a connection FLOW_CONTROL_ERROR.
            let delta = updated.initialWindowSize - old.initialWindowSize
            for id in streams.liveIDs {
                guard var record = streams[id] else { continue }
                guard record.sendWindow.increase(by: delta) else {
                    throw .connection(.flowControlError, "SETTINGS_INITIAL_WINDOW_SIZE pushes a window above 2^31-1")
                }
                streams[id] = record
            }
            if delta > 0 { scheduleBlockedStreams() }
        }
        if updated.maxFrameSize != old.maxFrameSize { writer.peerMaxFrameSize = updated.maxFrameSize }
        if updated.headerTableSize != old.headerTableSize { encoder.setMaxTableSize(updated.headerTableSize) }
        if updated.maxConcurrentStreams != old.maxConcurrentStreams {
            startQueuedRequests(now: lastActivity, handler)
        }
    }

    /// Our acknowledged settings bind the peer: apply what they change on our side.
    private mutating func applyAcknowledged(old: HTTP2Settings, new: HTTP2Settings) {
        reader.maxFrameSize = new.maxFrameSize
        decoder.setMaxAllowedTableSize(new.headerTableSize)
        if let size = new.maxHeaderListSize { decoder.maxHeaderListSize = size }
        let delta = new.initialWindowSize - old.initialWindowSize
        if delta != 0 {
            // §6.9.2: the peer applies the change to all its stream windows; so do we.
            for id in streams.liveIDs {
                streams[id]?.receiveWindow.applyInitialWindowDelta(delta)
            }
        }
    }

    /// Sends new settings of ours; they bind the peer once acknowledged (§6.5.3).
    public mutating func updateSettings(_ settings: HTTP2Settings, now: UInt64) {
        guard !isClosed else { return }
        var settings = settings.sanitized(for: role, after: localSettings.latest)
        if role == .client { settings.enablePush = false }
        writer.writeSettings(localSettings.send(settings, now: now))
    }

    // MARK: - PING (§6.7)

    mutating func receivePing(_ frame: PingFrame, now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        if frame.ack {
            guard let index = pingsInFlight.firstIndex(where: { $0.payload == frame.opaqueData }) else { return }
            let sentAt = pingsInFlight.remove(at: index).sentAt
            roundTrip = now >= sentAt ? now - sentAt : 0
            handler(.pingAcknowledged(roundTrip: roundTrip))
            if shutdownPing == frame.opaqueData { finishGracefulShutdown(handler) }
            return
        }
        // CVE-2019-9512: each PING costs an acknowledgement.
        guard limits.pings.take(now: now) else {
            throw .connection(.enhanceYourCalm, "too many PING frames")
        }
        try checkControlBacklog()
        writer.writePing(frame.opaqueData, ack: true)
    }

    /// Sends a PING; its acknowledgement reports the round trip.
    public mutating func ping(now: UInt64) {
        guard !isClosed else { return }
        let payload = nextPingPayload
        nextPingPayload &+= 1
        if pingsInFlight.count >= 16 { pingsInFlight.removeFirst() }
        pingsInFlight.append((payload, now))
        writer.writePing(payload)
    }

    // MARK: - GOAWAY (§6.8)

    mutating func receiveGoAway(_ frame: GoAwayFrame, _ handler: (ConnectionEvent) -> Void) {
        // §6.8: the last stream id can only go down.
        let last = min(frame.lastStreamID, goAwayReceived ?? StreamID.max)
        goAwayReceived = last
        let debug = frame.debugData.withUnsafeBytes { Array($0.prefix(1024)) }
        handler(.goAwayReceived(lastStreamID: last, frame.errorCode, debugData: debug))
        // Streams we opened above `last` were not processed: they end here, retryable.
        for id in streams.liveIDs where !streams.isPeerInitiated(id) && id > last {
            dropOutput(of: id)
            streams.setState(id, .closedByRemoteReset)
            handler(.streamReset(id, .refusedStream, byPeer: true))
        }
        for index in pendingHead..<pendingRequests.count {
            handler(.streamReset(pendingRequests[index].streamID, .refusedStream, byPeer: true))
        }
        pendingRequests.removeAll()
        pendingHead = 0
        checkShutdownComplete(handler)
    }

    /// Starts a graceful shutdown (§6.8): GOAWAY with the largest stream id and a PING;
    /// once the PING returns, a second GOAWAY names the last stream we will process. The
    /// connection closes when every stream below it is done.
    public mutating func beginGracefulShutdown(now: UInt64) {
        guard goAwaySent == nil, !isClosed else { return }
        goAwaySent = StreamID.max
        writer.writeGoAway(lastStreamID: StreamID.max, errorCode: .noError)
        let payload = nextPingPayload
        nextPingPayload &+= 1
        pingsInFlight.append((payload, now))
        writer.writePing(payload)
        shutdownPing = payload
    }

    /// Closes at once: GOAWAY with `code` naming the last stream processed (§6.8).
    public mutating func close(code: HTTP2ErrorCode = .noError, reason: String = "", _ handler: (ConnectionEvent) -> Void) {
        guard !isClosed else { return }
        let last = min(goAwaySent ?? StreamID.max, streams.highestPeerStreamID)
        goAwaySent = last
        dropAllQueuedOutput()
        writer.writeGoAway(lastStreamID: last, errorCode: code, debugData: Array(reason.utf8.prefix(256)))
        phase = .failed
        closedReported = true
        pollEvents(handler)   // what happened before, in order
        handler(.connectionClosed)
    }

    private mutating func finishGracefulShutdown(_ handler: (ConnectionEvent) -> Void) {
        shutdownPing = nil
        let last = streams.highestPeerStreamID
        goAwaySent = last
        writer.writeGoAway(lastStreamID: last, errorCode: .noError)
        checkShutdownComplete(handler)
    }

    /// After GOAWAY in either direction, the connection is done once no stream is left.
    mutating func checkShutdownComplete(_ handler: (ConnectionEvent) -> Void) {
        guard !closedReported, shutdownPing == nil, goAwaySent != nil || goAwayReceived != nil,
              streams.liveCount == 0, queuedRequestCount == 0 else { return }
        closedReported = true
        handler(.connectionClosed)
    }

    // MARK: - Time

    /// Checks the timers against the caller's clock: the SETTINGS acknowledgement timeout
    /// (§6.5.3: SETTINGS_TIMEOUT) and the idle timeout. Call it when `nextDeadline` passes.
    public mutating func handleTimeouts(now: UInt64, _ handler: (ConnectionEvent) -> Void) {
        pollEvents(handler)
        guard !isClosed else { return }
        if localSettings.timedOut(now: now, timeout: configuration.settingsTimeout) {
            fail(.connection(.settingsTimeout, "SETTINGS not acknowledged in time"), handler)
            return
        }
        if let idle = configuration.idleTimeout, now >= lastActivity, now - lastActivity >= idle,
           streams.liveCount == 0 {
            close(code: .noError, reason: "idle", handler)
        }
    }

    /// The next time `handleTimeouts` has something to check, if any. The idle deadline
    /// counts only while no stream is open (the idle timeout never ends a busy connection),
    /// so ask again when streams close.
    public var nextDeadline: UInt64? {
        let settings = localSettings.deadline(timeout: configuration.settingsTimeout)
        let idle = streams.liveCount == 0 ? configuration.idleTimeout.map { lastActivity &+ $0 } : nil
        switch (settings, idle) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        default: return nil
        }
    }
}

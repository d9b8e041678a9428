import HPACK

extension Connection {
    // MARK: - Assembly (§4.3, §6.2, §6.10)

    mutating func receiveHeaders(_ frame: HeadersFrame, streamError: HTTP2Error?, now: UInt64,
                                 _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        if frame.fieldBlockFragment.isEmpty && !frame.endStream && frame.endHeaders
            && !limits.emptyFrames.take(now: now) {
            throw .connection(.enhanceYourCalm, "too many empty frames")
        }
        var block = FieldBlock(streamID: frame.streamID, endStream: frame.endStream, streamError: streamError)
        if frame.endHeaders {
            // The whole block is in this frame: decode it in place, no copy.
            fieldBlock = nil
            try frame.fieldBlockFragment.withUnsafeBytes { (bytes) throws(HTTP2Error) in
                try completeFieldBlock(block, bytes, now: now, handler)
            }
            return
        }
        try checkFieldBlockSize(frame.fieldBlockFragment.count)
        frame.fieldBlockFragment.withUnsafeBytes { block.bytes.append(contentsOf: $0) }
        fieldBlock = block
    }

    mutating func receiveContinuation(_ frame: ContinuationFrame, now: UInt64,
                                      _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        // The frame reader guarantees a CONTINUATION follows HEADERS on the same stream.
        guard var block = fieldBlock else {
            throw .connection(.protocolError, "CONTINUATION without a field block")
        }
        block.continuations += 1
        // CVE-2024-27316 family: a cap on frames and octets, even for refused streams.
        // §4.3: a field block we will not decompress ends the connection with
        // COMPRESSION_ERROR (the HPACK state could not stay in step).
        guard block.continuations <= limits.maxContinuationFrames else {
            throw .connection(.compressionError, "too many CONTINUATION frames")
        }
        if frame.fieldBlockFragment.isEmpty && !frame.endHeaders && !limits.emptyFrames.take(now: now) {
            throw .connection(.enhanceYourCalm, "too many empty frames")
        }
        try checkFieldBlockSize(block.bytes.count + frame.fieldBlockFragment.count)
        frame.fieldBlockFragment.withUnsafeBytes { block.bytes.append(contentsOf: $0) }
        guard frame.endHeaders else {
            fieldBlock = block
            return
        }
        fieldBlock = nil
        var failure: HTTP2Error?
        block.bytes.withUnsafeBytes { bytes in
            do throws(HTTP2Error) { try completeFieldBlock(block, bytes, now: now, handler) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func checkFieldBlockSize(_ size: Int) throws(HTTP2Error) {
        guard size <= limits.maxFieldBlockSize else {
            throw .connection(.compressionError, "field block too large")
        }
    }

    // MARK: - A complete field block

    /// Decodes the block (always: the HPACK state must stay in step with the peer's even
    /// for streams we refuse or reset, §4.3), then applies it to its stream.
    private mutating func completeFieldBlock(_ block: FieldBlock, _ bytes: UnsafeRawBufferPointer, now: UInt64,
                                             _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        fieldList.removeAll(keepingCapacity: true)
        var tooLarge = false
        do throws(HPACKError) {
            try decoder.decode(bytes, into: &fieldList)
        } catch {
            guard case .headerListTooLarge = error else {
                // RFC 9113 §4.3: a decoding error is a connection error COMPRESSION_ERROR.
                throw .connection(.compressionError, error.description)
            }
            tooLarge = true  // the table is still in step; only this message is lost
        }
        let id = block.streamID
        if let existing = streams[id] {
            try continueStream(id, existing, block, tooLarge: tooLarge, now: now, handler)
            return
        }
        let state = streams.stateOfUnknown(id)
        if state == .idle {
            try openPeerStream(id, block, tooLarge: tooLarge, now: now, handler)
            return
        }
        if !streams.isRemembered(id) {
            // §5.1.1: a new stream id must exceed every id the peer used before.
            throw .connection(.protocolError, "HEADERS on stream \(id.rawValue), below a stream id already used")
        }
        switch StreamTransitions.apply(block.endStream ? .receiveHeadersEndStream : .receiveHeaders, to: state) {
        case .discard, .next:
            return
        case .streamError(let code):
            try resetForPeerError(id, code, now: now, handler)
        case .connectionError(let code):
            throw .connection(code, "HEADERS on a stream in state \(state)")
        case .notAllowed:
            throw .connection(.internalError, "unexpected transition for received HEADERS")
        }
    }

    /// HEADERS that open a stream (server role; §5.1 "idle", §5.1.1, §5.1.2).
    private mutating func openPeerStream(_ id: StreamID, _ block: FieldBlock, tooLarge: Bool, now: UInt64,
                                         _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        // §5.1 idle: HEADERS on a stream the receiver would open, or from a server, is a
        // connection PROTOCOL_ERROR (a server opens streams only by PUSH_PROMISE).
        guard role == .server, streams.isNewPeerStream(id) else {
            throw .connection(.protocolError, "HEADERS on idle stream \(id.rawValue) the peer may not open")
        }
        // §6.8: after our GOAWAY, streams above its last id are ignored.
        if let last = goAwaySent, id > last {
            streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
            return
        }
        if let error = block.streamError {
            streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
            try resetForPeerError(id, error.code, now: now, handler)
            return
        }
        // §5.1.2: beyond our MAX_CONCURRENT_STREAMS, refuse so the client can retry.
        // The newest advertised value is enforced, acknowledged or not (REFUSED_STREAM
        // is always safe to retry).
        let limit = min(localSettings.latest.maxConcurrentStreams ?? Int.max,
                        localSettings.acknowledged.maxConcurrentStreams ?? Int.max)
        if streams.activePeerInitiated >= limit {
            streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
            try resetForPeerError(id, .refusedStream, now: now, handler)
            return
        }
        var record = StreamRecord(state: block.endStream ? .halfClosedRemote : .open,
                                  sendWindow: peerSettings.initialWindowSize,
                                  receiveWindow: localSettings.acknowledged.initialWindowSize,
                                  maxReceiveWindow: configuration.maxReceiveWindow)
        if tooLarge {
            // RFC 9113 §10.5.1: answer 431 (Request Header Fields Too Large), keep going.
            streams.insert(id, record)
            try rejectRequest(id, status: "431", now: now, handler)
            return
        }
        switch MessageValidator.validateRequest(fieldList, extendedConnectEnabled: localSettings.acknowledged.enableConnectProtocol) {
        case .failure:
            // §8.1.1: a malformed request is a stream error PROTOCOL_ERROR.
            streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
            try resetForPeerError(id, .protocolError, now: now, handler)
        case .success(let head):
            // Every field passed the §8.2.1 syntax checks: the table entries they copy
            // need not be checked again (see `FieldProvenance`).
            decoder.markChecked(fieldList)
            record.receivedBlocks = 1
            if head.isConnect { record.connect = .requested }
            record.contentLength = head.contentLengthCheck
            if block.endStream && !record.contentLength.finish() {
                streams.markPeerStreamUsed(id, closedAs: .closedByLocalReset)
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            streams.insert(id, record)
            handler(.request(id, head, endStream: block.endStream))
        }
    }

    /// A field block on a stream we hold: a response (client role), or trailers.
    private mutating func continueStream(_ id: StreamID, _ record: StreamRecord, _ block: FieldBlock, tooLarge: Bool,
                                         now: UInt64, _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        let event: StreamEvent = block.endStream ? .receiveHeadersEndStream : .receiveHeaders
        switch StreamTransitions.apply(event, to: record.state) {
        case .discard:
            return
        case .streamError(let code):
            try resetForPeerError(id, code, now: now, handler)
            return
        case .connectionError(let code):
            throw .connection(code, "HEADERS on a stream in state \(record.state)")
        case .notAllowed:
            throw .connection(.internalError, "unexpected transition for received HEADERS")
        case .next(let next):
            if let error = block.streamError {
                try resetForPeerError(id, error.code, now: now, handler)
                return
            }
            if record.connect == .tunnel {
                // §8.5: on a connected stream only DATA and stream management frames may
                // arrive; HEADERS is a stream error (PROTOCOL_ERROR: §8.1.1 malformed).
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            if tooLarge {
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            var record = record
            if role == .client && record.receivedBlocks == 0 {
                try receiveResponse(id, &record, next, endStream: block.endStream, now: now, handler)
                return
            }
            // Trailers (§8.1): the last block, so it must end the stream, and carries no
            // pseudo-header fields.
            guard block.endStream, record.receivedBlocks == 1,
                  case .success = MessageValidator.validateTrailers(fieldList) else {
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            decoder.markChecked(fieldList)
            guard record.contentLength.finish() else {
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            record.receivedBlocks = 2
            streams[id] = record
            handler(.trailers(id, fieldList))
            setStreamState(id, next, handler)
        }
    }

    /// Client role: an informational or final response (§8.1, §8.3.2).
    private mutating func receiveResponse(_ id: StreamID, _ record: inout StreamRecord, _ next: StreamState,
                                          endStream: Bool, now: UInt64,
                                          _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        switch MessageValidator.validateResponse(fieldList, isHeadRequest: record.isHeadRequest,
                                                 isConnectRequest: record.connect != .none) {
        case .failure:
            try resetForPeerError(id, .protocolError, now: now, handler)
        case .success(let head):
            decoder.markChecked(fieldList)
            if head.isInformational {
                // §8.1: an informational response cannot end the stream.
                guard !endStream else {
                    try resetForPeerError(id, .protocolError, now: now, handler)
                    return
                }
                streams[id] = record
                handler(.response(id, head, endStream: false))
                return
            }
            record.receivedBlocks = 1
            if head.isTunnel { record.connect = .tunnel }  // §8.5: a 2xx to CONNECT
            record.contentLength = head.contentLengthCheck
            if endStream && !record.contentLength.finish() {
                try resetForPeerError(id, .protocolError, now: now, handler)
                return
            }
            streams[id] = record
            handler(.response(id, head, endStream: endStream))
            if endStream { setStreamState(id, next, handler) }
        }
    }

    /// Server role: answers a request with a bodiless error response and ends the stream.
    private mutating func rejectRequest(_ id: StreamID, status: String, now: UInt64,
                                        _ handler: (ConnectionEvent) -> Void) throws(HTTP2Error) {
        guard limits.provokedResets.take(now: now) else {
            throw .connection(.enhanceYourCalm, "too many rejected requests")
        }
        encodeBuffer.removeAll(keepingCapacity: true)
        encoder.encode([HeaderField(":status", status)], into: &encodeBuffer)
        writer.writeHeaders(encodeBuffer, streamID: id, endStream: true)
        if streams[id]?.state == .open {
            // The request is still arriving: stop it (§8.1: a complete response may come
            // first, then RST_STREAM NO_ERROR).
            writer.writeRSTStream(streamID: id, errorCode: .noError)
            setStreamState(id, .closedByLocalReset, handler)
        } else {
            setStreamState(id, .closed, handler)
        }
    }
}

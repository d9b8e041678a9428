extension Connection {
    /// Whether there are bytes to hand to the transport.
    public var hasPendingOutput: Bool {
        !clientPreface.isEmpty || !writer.isEmpty || (readyHead < ready.count && sendWindow.size > 0)
    }

    /// Hands every byte ready to go to `body` (one call, possibly empty), after filling
    /// the output with queued DATA round robin up to `outputHighWater`. Write them to the
    /// transport in order.
    public mutating func drainOutput(_ body: (UnsafeRawBufferPointer) -> Void) {
        if case .failed = phase {} else { serviceQueues() }
        if !clientPreface.isEmpty {
            var bytes = clientPreface
            bytes.append(contentsOf: writer.bytes)
            clientPreface = []
            writer.clear()
            bytes.withUnsafeBytes(body)
            return
        }
        writer.drain { (bytes: UnsafeRawBufferPointer) in body(bytes) }
    }

    /// The output as an array, for tests and simple callers.
    public mutating func takeOutput() -> [UInt8] {
        var out: [UInt8] = []
        drainOutput { out.append(contentsOf: $0) }
        return out
    }

    /// Puts a stream with queued output in the round-robin list (once).
    mutating func schedule(_ stream: StreamID) {
        guard var record = streams[stream], !record.scheduled else { return }
        record.scheduled = true
        streams[stream] = record
        ready.append(stream)
    }

    /// Stream windows grew at once (a larger SETTINGS_INITIAL_WINDOW_SIZE, §6.9.2): every
    /// stream with queued output and window again goes back in the round robin. A rare
    /// event, so a sweep is fine.
    mutating func scheduleBlockedStreams() {
        for id in streams.liveIDs {
            guard let record = streams[id], !record.scheduled, record.sendWindow.size > 0,
                  !record.outbound.isEmpty else { continue }
            schedule(id)
        }
    }

    /// Moves queued DATA into the output, one frame per stream per turn, round robin,
    /// so one bulk stream cannot starve many small ones (§5.2).
    mutating func serviceQueues() {
        var rotations = 0
        while readyHead < ready.count, writer.bytes.count < configuration.outputHighWater {
            let id = ready[readyHead]
            readyHead += 1
            guard var record = streams[id] else { continue }
            record.scheduled = false
            let chunk = min(record.outbound.count, record.sendWindow.size, sendWindow.size, peerSettings.maxFrameSize)
            if record.state == .idle {
                // A request waiting to start: its data waits too.
                streams[id] = record
                rotations += 1
                if rotations > ready.count - readyHead + 1 { break }
                continue
            }
            if chunk > 0 {
                let isLast = chunk == record.outbound.count && record.outbound.endStreamPending
                record.outbound.take(upTo: chunk) { bytes in
                    writer.writeData(bytes, streamID: id, endStream: isLast)
                }
                record.sendWindow.consume(chunk)
                sendWindow.consume(chunk)
                bufferedTotal -= chunk
                if isLast { record.outbound.endStreamPending = false }
                streams[id] = record
                if isLast {
                    if case .next(let next) = StreamTransitions.apply(.sendDataEndStream, to: record.state) {
                        finishSending(id, next)
                    }
                    continue
                }
            } else if !record.outbound.hasData {
                // Only the end of the stream or trailers left.
                if let trailers = record.outbound.trailers {
                    record.outbound.trailers = nil
                    streams[id] = record
                    writeFieldBlock(trailers, on: id, endStream: true)
                    if case .next(let next) = StreamTransitions.apply(.sendHeadersEndStream, to: record.state) {
                        finishSending(id, next)
                    }
                    continue
                }
                if record.outbound.endStreamPending {
                    record.outbound.endStreamPending = false
                    streams[id] = record
                    writer.writeData([], streamID: id, endStream: true)
                    if case .next(let next) = StreamTransitions.apply(.sendDataEndStream, to: record.state) {
                        finishSending(id, next)
                    }
                    continue
                }
                streams[id] = record
                if record.state.weCanSend { deferredEvents.append(.writable(id)) }
                continue
            } else {
                // Blocked on a window: it stays listed only if the connection window is
                // the limit; a stream window reopens it through WINDOW_UPDATE.
                streams[id] = record
                if record.sendWindow.size > 0 && sendWindow.size <= 0 {
                    schedule(id)
                    break
                }
                continue
            }
            streams[id] = record
            if record.outbound.hasData || record.outbound.trailers != nil || record.outbound.endStreamPending {
                schedule(id)
            } else if record.state.weCanSend {
                deferredEvents.append(.writable(id))
            }
        }
        if readyHead > 0 && readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        } else if readyHead > 1024 && readyHead * 2 > ready.count {
            ready.removeSubrange(0..<readyHead)
            readyHead = 0
        }
    }
}

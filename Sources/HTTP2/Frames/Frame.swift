/// One parsed frame of any type (RFC 9113 §6; RFC 9218 §7.1 for PRIORITY_UPDATE).
///
/// Variable parts are `BorrowedBytes` views, valid as long as the bytes they were
/// parsed from (see `FrameReader`).
public enum Frame: Equatable {
    case data(DataFrame)
    case headers(HeadersFrame)
    case priority(PriorityFrame)
    case rstStream(RSTStreamFrame)
    case settings(SettingsFrame)
    case pushPromise(PushPromiseFrame)
    case ping(PingFrame)
    case goAway(GoAwayFrame)
    case windowUpdate(WindowUpdateFrame)
    case continuation(ContinuationFrame)
    case priorityUpdate(PriorityUpdateFrame)
    /// A type this engine does not implement (RFC 9113 §4.1, §5.5).
    case unknown(UnknownFrame)

    /// The frame's type.
    public var type: FrameType {
        switch self {
        case .data: return .data
        case .headers: return .headers
        case .priority: return .priority
        case .rstStream: return .rstStream
        case .settings: return .settings
        case .pushPromise: return .pushPromise
        case .ping: return .ping
        case .goAway: return .goAway
        case .windowUpdate: return .windowUpdate
        case .continuation: return .continuation
        case .priorityUpdate: return .priorityUpdate
        case .unknown(let frame): return frame.type
        }
    }

    /// The stream in the frame header (0 for connection-level frames).
    public var streamID: StreamID {
        switch self {
        case .data(let frame): return frame.streamID
        case .headers(let frame): return frame.streamID
        case .priority(let frame): return frame.streamID
        case .rstStream(let frame): return frame.streamID
        case .settings, .ping, .goAway, .priorityUpdate: return .connection
        case .pushPromise(let frame): return frame.streamID
        case .windowUpdate(let frame): return frame.streamID
        case .continuation(let frame): return frame.streamID
        case .unknown(let frame): return frame.streamID
        }
    }

    /// Parses one frame whose payload is exactly `header.length` bytes; the caller
    /// (normally `FrameReader`) has already checked the length against
    /// SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2).
    ///
    /// Connection errors are thrown. Stream errors are returned as
    /// `FrameResult.streamError`: the frame is consumed and the connection goes on.
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> FrameResult {
        do {
            switch header.type {
            case .data:
                return .frame(.data(try DataFrame.parse(header, payload)))
            case .headers:
                let frame = try HeadersFrame.parse(header, payload)
                // RFC 7540 §5.3.1: depending on itself is a stream error PROTOCOL_ERROR;
                // the frame goes along because its field block must still be decoded (§4.3).
                if frame.dependsOnItself {
                    return .streamError(
                        .stream(frame.streamID, .protocolError, "HEADERS: stream depends on itself"),
                        headers: frame)
                }
                return .frame(.headers(frame))
            case .priority:
                return .frame(.priority(try PriorityFrame.parse(header, payload)))
            case .rstStream:
                return .frame(.rstStream(try RSTStreamFrame.parse(header, payload)))
            case .settings:
                return .frame(.settings(try SettingsFrame.parse(header, payload)))
            case .pushPromise:
                return .frame(.pushPromise(try PushPromiseFrame.parse(header, payload)))
            case .ping:
                return .frame(.ping(try PingFrame.parse(header, payload)))
            case .goAway:
                return .frame(.goAway(try GoAwayFrame.parse(header, payload)))
            case .windowUpdate:
                return .frame(.windowUpdate(try WindowUpdateFrame.parse(header, payload)))
            case .continuation:
                return .frame(.continuation(try ContinuationFrame.parse(header, payload)))
            case .priorityUpdate:
                return .frame(.priorityUpdate(try PriorityUpdateFrame.parse(header, payload)))
            default:
                // RFC 9113 §4.1, §5.5: unknown types are surfaced, then ignored.
                return .frame(.unknown(UnknownFrame.parse(header, payload)))
            }
        } catch {
            if error.isConnectionError { throw error }
            return .streamError(error, headers: nil)
        }
    }

    /// Appends the frame exactly as described, one frame, no splitting; flags the type
    /// does not define are not written and the reserved bit is zero (RFC 9113 §4.1).
    func serialize(into buffer: inout [UInt8]) {
        switch self {
        case .data(let frame): frame.serialize(into: &buffer)
        case .headers(let frame): frame.serialize(into: &buffer)
        case .priority(let frame): frame.serialize(into: &buffer)
        case .rstStream(let frame): frame.serialize(into: &buffer)
        case .settings(let frame): frame.serialize(into: &buffer)
        case .pushPromise(let frame): frame.serialize(into: &buffer)
        case .ping(let frame): frame.serialize(into: &buffer)
        case .goAway(let frame): frame.serialize(into: &buffer)
        case .windowUpdate(let frame): frame.serialize(into: &buffer)
        case .continuation(let frame): frame.serialize(into: &buffer)
        case .priorityUpdate(let frame): frame.serialize(into: &buffer)
        case .unknown(let frame): frame.serialize(into: &buffer)
        }
    }
}

/// What parsing one complete frame gives.
public enum FrameResult: Equatable {
    /// A valid frame.
    case frame(Frame)
    /// The frame is a stream error (RFC 9113 §5.4.2): reset `error.streamID` with
    /// `error.code` and keep reading. `headers` is the parsed frame when it was a
    /// HEADERS frame, whose field block must still be decoded to keep the HPACK state
    /// in step (RFC 9113 §4.3); nil otherwise.
    case streamError(HTTP2Error, headers: HeadersFrame?)
}

// Readable one-line descriptions of frames, for logs and test failure messages.

extension Frame: CustomStringConvertible {
    public var description: String {
        switch self {
        case .data(let f):
            return "DATA stream=\(f.streamID) endStream=\(f.endStream) pad=\(f.padLength.map(String.init) ?? "-") data=\(f.data.hex)"
        case .headers(let f):
            return "HEADERS stream=\(f.streamID) endStream=\(f.endStream) endHeaders=\(f.endHeaders) "
                + "priority=\(f.priority.map(describe) ?? "-") pad=\(f.padLength.map(String.init) ?? "-") "
                + "block=\(f.fieldBlockFragment.hex)"
        case .priority(let f):
            return "PRIORITY stream=\(f.streamID) \(describe(f.priority))"
        case .rstStream(let f):
            return "RST_STREAM stream=\(f.streamID) code=\(f.errorCode)"
        case .settings(let f):
            return "SETTINGS ack=\(f.ack) [" + f.settings.map(\.description).joined(separator: ", ") + "]"
        case .pushPromise(let f):
            return "PUSH_PROMISE stream=\(f.streamID) promised=\(f.promisedStreamID) endHeaders=\(f.endHeaders) "
                + "pad=\(f.padLength.map(String.init) ?? "-") block=\(f.fieldBlockFragment.hex)"
        case .ping(let f):
            return "PING ack=\(f.ack) data=0x" + String(f.opaqueData, radix: 16)
        case .goAway(let f):
            return "GOAWAY last=\(f.lastStreamID) code=\(f.errorCode) debug=\(f.debugData.hex)"
        case .windowUpdate(let f):
            return "WINDOW_UPDATE stream=\(f.streamID) increment=\(f.increment)"
        case .continuation(let f):
            return "CONTINUATION stream=\(f.streamID) endHeaders=\(f.endHeaders) block=\(f.fieldBlockFragment.hex)"
        case .priorityUpdate(let f):
            return "PRIORITY_UPDATE prioritized=\(f.prioritizedStreamID) value=\(f.fieldValue.hex)"
        case .unknown(let f):
            return "UNKNOWN type=0x\(String(f.type.rawValue, radix: 16)) flags=0x\(String(f.flags.rawValue, radix: 16)) "
                + "stream=\(f.streamID) payload=\(f.payload.hex)"
        }
    }
}

extension FrameResult: CustomStringConvertible {
    public var description: String {
        switch self {
        case .frame(let frame):
            return frame.description
        case .streamError(let error, let headers):
            return "\(error)" + (headers.map { " with " + Frame.headers($0).description } ?? "")
        }
    }
}

private func describe(_ p: PriorityParameters) -> String {
    "exclusive=\(p.exclusive) dependency=\(p.dependency) weight=\(p.weight)"
}

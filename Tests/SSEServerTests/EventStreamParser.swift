/// An independent reader of `text/event-stream`, written from the WHATWG HTML standard
/// (§9.2.5 and §9.2.6) for the tests: it checks that what the server writes is what a
/// browser's EventSource would dispatch.
struct ParsedEvent: Equatable, CustomStringConvertible {
    var type: String
    var data: String
    var lastEventID: String

    var description: String { "[\(type) id=\(lastEventID) data=\(data.debugDescription)]" }
}

struct EventStreamParser {
    var events: [ParsedEvent] = []
    var comments: [String] = []
    var retry: Int?
    private var dataBuffer = ""
    private var eventType = ""
    private var lastEventIDBuffer = ""
    private var lastEventID = ""
    private var pending: [UInt8] = []
    private var sawCR = false
    private var first = true

    /// Feeds octets; complete lines are interpreted at once.
    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if first {
                first = false
                // A leading U+FEFF BOM is skipped (§9.2.5).
                if byte == 0xEF { pending.append(byte); continue }
            }
            if sawCR {
                sawCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if byte == UInt8(ascii: "\r") {
                sawCR = true
                line()
            } else if byte == UInt8(ascii: "\n") {
                line()
            } else {
                pending.append(byte)
            }
        }
    }

    private mutating func line() {
        var bytes = pending
        pending.removeAll()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.isEmpty { dispatch(); return }
        if text.hasPrefix(":") {
            var comment = text.dropFirst()
            if comment.hasPrefix(" ") { comment = comment.dropFirst() }
            comments.append(String(comment))
            return
        }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "event": eventType = String(value)
        case "data": dataBuffer += value + "\n"
        case "id": if !value.contains("\0") { lastEventIDBuffer = String(value) }
        case "retry": if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) { retry = Int(value) }
        default: break
        }
    }

    private mutating func dispatch() {
        lastEventID = lastEventIDBuffer
        if dataBuffer.isEmpty {
            eventType = ""
            return
        }
        if dataBuffer.hasSuffix("\n") { dataBuffer.removeLast() }
        events.append(ParsedEvent(type: eventType.isEmpty ? "message" : eventType, data: dataBuffer, lastEventID: lastEventID))
        dataBuffer = ""
        eventType = ""
    }
}

/// Writes Server-Sent Events in the `text/event-stream` format of the WHATWG HTML
/// standard (§9.2.5 "Parsing an event stream", §9.2.6 "Interpreting an event stream").
///
/// An event is a block of `field: value` lines ended by an empty line. A parser splits
/// lines on CRLF, LF or CR, removes one space after the colon, joins `data` lines with
/// LF, and ignores lines that start with a colon (comments). So:
/// - data that spans lines becomes one `data:` line per line;
/// - `id` and `event` values cannot hold a line break (they are refused here), and an
///   `id` holding NUL is ignored by browsers (refused too);
/// - a block without any `data` line is not dispatched (so `event:` alone does nothing);
///   one `data:` line with nothing after it dispatches an event whose data is "".
public enum SSEFormat {
    /// Why a field value cannot be written.
    public enum Failure: Error, Equatable, Sendable {
        case lineBreakInField(String)
        case nulInID
    }

    /// One event: `id`, `event`, `data` (one line per line of `data`), and `retry`.
    public static func event(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) throws(Failure) -> String {
        var text = ""
        try appendEvent(to: &text, id: id, event: event, data: data, retry: retry)
        return text
    }

    /// Appends one event block to `text` (the "dispatch the event" empty line included).
    public static func appendEvent(to text: inout String, id: String? = nil, event: String? = nil, data: String,
                                   retry: Int? = nil) throws(Failure) {
        if let retry { appendRetry(to: &text, milliseconds: retry, endBlock: false) }
        if let id {
            guard !containsLineBreak(id) else { throw .lineBreakInField("id") }
            // §9.2.6: "If the field value does not contain U+0000 NULL, then set the last
            // event ID buffer" -- an id with NUL would be dropped by the client.
            guard !id.utf8.contains(0) else { throw .nulInID }
            text += "id: "
            text += id
            text += "\n"
        }
        if let event {
            guard !containsLineBreak(event) else { throw .lineBreakInField("event") }
            text += "event: "
            text += event
            text += "\n"
        }
        appendDataLines(to: &text, data)
        text += "\n"
    }

    /// `retry: N`: the reconnection time the client should use, in milliseconds.
    public static func appendRetry(to text: inout String, milliseconds: Int, endBlock: Bool) {
        text += "retry: "
        text += String(max(0, milliseconds))
        text += "\n"
        if endBlock { text += "\n" }
    }

    /// A comment block (`: text`), which clients ignore: a heartbeat that keeps idle
    /// connections and proxies from timing out. Multi-line text gives one comment line each.
    public static func comment(_ comment: String) -> String {
        var text = ""
        forEachLine(of: comment) { line in
            text += ":"
            if !line.isEmpty { text += " " }
            text += line
            text += "\n"
        }
        text += "\n"
        return text
    }

    /// One `data: line` per line of `data` (CRLF, LF and CR all end a line, §9.2.5). The
    /// space after the colon is always written, so data starting with a space keeps it
    /// (the parser removes exactly one).
    static func appendDataLines(to text: inout String, _ data: String) {
        forEachLine(of: data) { line in
            text += "data: "
            text += line
            text += "\n"
        }
    }

    /// Calls `body` with each line of `text`, split on CRLF, LF or CR; an empty text is one
    /// empty line, and a trailing line break gives a final empty line.
    static func forEachLine(of text: String, _ body: (Substring) -> Void) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                body(Substring(text[start..<index]))
                var next = utf8.index(after: index)
                if byte == UInt8(ascii: "\r"), next != utf8.endIndex, utf8[next] == UInt8(ascii: "\n") {
                    next = utf8.index(after: next)
                }
                start = next
                index = next
            } else {
                index = utf8.index(after: index)
            }
        }
        body(Substring(text[start..<utf8.endIndex]))
    }

    static func containsLineBreak(_ value: String) -> Bool {
        value.utf8.contains(UInt8(ascii: "\n")) || value.utf8.contains(UInt8(ascii: "\r"))
    }
}

/// An event id of this server: `<session>.<sequence>`, both decimal. The session names one
/// generated answer (and its history); the sequence counts its events from 1.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    public var session: UInt64
    public var sequence: UInt64

    public init(session: UInt64, sequence: UInt64) {
        self.session = session
        self.sequence = sequence
    }

    /// Parses a `Last-Event-ID` value; nil unless it is exactly `digits.digits` (at most
    /// 19 digits each), with optional surrounding spaces.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.utf8.drop(while: { $0 == UInt8(ascii: " ") })
        var parts: [UInt64] = []
        var value: UInt64 = 0
        var digits = 0
        var trailingSpace = false
        for byte in trimmed {
            if trailingSpace {
                guard byte == UInt8(ascii: " ") else { return nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 19 else { return nil }
                value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, parts.isEmpty else { return nil }
                parts.append(value)
                value = 0
                digits = 0
            case UInt8(ascii: " "):
                trailingSpace = true
            default:
                return nil
            }
        }
        guard parts.count == 1, digits > 0 else { return nil }
        self.session = parts[0]
        self.sequence = value
    }

    public var description: String { "\(session).\(sequence)" }
}

import Testing
@testable import SSEServer

@Suite("SSE format (WHATWG HTML §9.2)")
struct FormatTests {
    func parse(_ text: String) -> EventStreamParser {
        var parser = EventStreamParser()
        parser.feed(Array(text.utf8))
        return parser
    }

    @Test("an event: id, event and data lines, ended by an empty line")
    func simpleEvent() throws {
        let text = try SSEFormat.event(id: "7.1", event: "token", data: "hello")
        #expect(text == "id: 7.1\nevent: token\ndata: hello\n\n")
        #expect(parse(text).events == [ParsedEvent(type: "token", data: "hello", lastEventID: "7.1")])
    }

    @Test("multi-line data: one data line per line, whatever the line break (CRLF, LF, CR)",
          arguments: ["a\nb", "a\r\nb", "a\rb", "\n\n", "line\n", "", " leading space", "x\r\n\r\ny"])
    func multiLineData(_ data: String) throws {
        let text = try SSEFormat.event(data: data)
        #expect(!text.dropLast(2).contains("\n\n"), "no empty line inside the block: \(text.debugDescription)")
        let parsed = parse(text)
        // §9.2.6: an empty data buffer dispatches nothing.
        let expected = data.isEmpty ? "" : data.replacingLineBreaks()
        #expect(parsed.events.map(\.data) == (data.isEmpty ? [""] : [expected]))
    }

    @Test("retry hint and comments")
    func retryAndComments() throws {
        var text = ""
        SSEFormat.appendRetry(to: &text, milliseconds: 2500, endBlock: true)
        text += SSEFormat.comment("ping")
        text += SSEFormat.comment("two\nlines")
        #expect(text == "retry: 2500\n\n: ping\n\n: two\n: lines\n\n")
        let parsed = parse(text)
        #expect(parsed.retry == 2500)
        #expect(parsed.comments == ["ping", "two", "lines"])
        #expect(parsed.events.isEmpty)
    }

    @Test("id and event cannot hold line breaks; an id cannot hold NUL")
    func refusedFields() {
        #expect(throws: SSEFormat.Failure.lineBreakInField("id")) { try SSEFormat.event(id: "1\n2", data: "x") }
        #expect(throws: SSEFormat.Failure.lineBreakInField("event")) { try SSEFormat.event(event: "a\rb", data: "x") }
        #expect(throws: SSEFormat.Failure.nulInID) { try SSEFormat.event(id: "a\u{0}b", data: "x") }
    }

    @Test("the server's token events parse back to the tokens, with their ids")
    func tokenEvents() {
        var text = ""
        for (sequence, token) in [(UInt64(1), Vocabulary.paragraphBreak), (2, 1), (3, 3)] {
            SSEStream.appendToken(to: &text, session: 42, sequence: sequence, token: token)
        }
        SSEStream.appendDone(to: &text)
        let parsed = parse(text)
        #expect(parsed.events.map(\.data) == ["\n\n", Vocabulary.token(1), Vocabulary.token(3), "[DONE]"])
        #expect(parsed.events.map(\.lastEventID) == ["42.1", "42.2", "42.3", "42.3"])
        #expect(parsed.events.last?.type == "done")
    }

    @Test("Last-Event-ID values", arguments: [
        ("12.34", EventID(session: 12, sequence: 34)), (" 1.2 ", EventID(session: 1, sequence: 2)),
        ("1.", nil), (".1", nil), ("1.2.3", nil), ("a.1", nil), ("", nil), ("1", nil), ("1 .2", nil),
        ("99999999999999999999.1", nil), ("1.-2", nil),
    ] as [(String, EventID?)])
    func lastEventID(_ text: String, _ expected: EventID?) {
        #expect(EventID(text) == expected)
    }

    @Test("EventID prints what it parses")
    func eventIDRoundTrip() {
        let id = EventID(session: 1 << 40, sequence: 99)
        #expect(EventID(id.description) == id)
    }
}

extension String {
    /// CRLF and CR as LF (what an EventSource makes of data lines).
    func replacingLineBreaks() -> String {
        var out = ""
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" { out += "\n"; previousCR = true; continue }
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

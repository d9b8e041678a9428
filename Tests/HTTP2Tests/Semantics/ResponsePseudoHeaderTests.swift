// RFC 9113 §8.3.2 (response pseudo-header fields), §8.1 (interim responses, trailers,
// framing), §8.6 (no 101), and the FieldBlockKind sequence.
import HPACK
import Testing
@testable import HTTP2

@Suite("Semantics §8.3.2 response pseudo-header fields")
struct SemanticsResponsePseudoHeaderTests {
    @Test(arguments: ["100", "103", "200", "204", "301", "304", "404", "500", "599", "600", "999"])
    func validStatus(_ status: String) throws {
        let head = try MessageValidator.validateResponse(semFields([(":status", status), ("server", "x")]),
                                                         requestMethod: "GET").get()
        #expect(head.status == Int(status))
        #expect(head.isInformational == status.hasPrefix("1"))
        #expect(head.firstRegularFieldIndex == 1)
    }

    static let malformed: [SemCase] = [
        // §8.3.2: :status in every response (h2spec 8.1.2.4/1).
        SemCase("missing :status", [("server", "x")], .missingPseudoHeader),
        SemCase("empty response", [], .missingPseudoHeader),
        SemCase("duplicate :status", [(":status", "200"), (":status", "200")], .duplicatePseudoHeader),
        // RFC 9110 §15: three digits.
        SemCase("two digits", [(":status", "20")], .invalidPseudoHeaderValue),
        SemCase("four digits", [(":status", "2000")], .invalidPseudoHeaderValue),
        SemCase("empty status", [(":status", "")], .invalidPseudoHeaderValue),
        SemCase("letters", [(":status", "abc")], .invalidPseudoHeaderValue),
        SemCase("sign", [(":status", "+20")], .invalidPseudoHeaderValue),
        SemCase("reason phrase", [(":status", "200 OK")], .invalidPseudoHeaderValue),
        SemCase("below 100", [(":status", "099")], .invalidPseudoHeaderValue),
        SemCase("zero", [(":status", "000")], .invalidPseudoHeaderValue),
        // §8.6: HTTP/2 has no 101 Switching Protocols.
        SemCase("101", [(":status", "101")], .invalidPseudoHeaderValue),
        // §8.3: request pseudo-header fields MUST NOT appear in responses.
        SemCase(":method in response", [(":status", "200"), (":method", "GET")], .invalidPseudoHeader),
        SemCase(":path in response", [(":status", "200"), (":path", "/")], .invalidPseudoHeader),
        SemCase(":scheme in response", [(":status", "200"), (":scheme", "https")], .invalidPseudoHeader),
        SemCase(":authority in response", [(":status", "200"), (":authority", "a")], .invalidPseudoHeader),
        SemCase(":protocol in response", [(":status", "200"), (":protocol", "websocket")], .invalidPseudoHeader),
        SemCase("undefined pseudo-header", [(":status", "200"), (":foo", "x")], .invalidPseudoHeader),
        // §8.3: pseudo-header fields first.
        SemCase(":status after regular", [("server", "x"), (":status", "200")], .pseudoHeaderAfterRegularField),
        // §8.2.1, §8.2.2 apply to responses too.
        SemCase("uppercase name", [(":status", "200"), ("Server", "x")], .invalidFieldName),
        SemCase("connection", [(":status", "200"), ("connection", "close")], .connectionSpecificField),
        SemCase("transfer-encoding", [(":status", "200"), ("transfer-encoding", "chunked")], .connectionSpecificField),
        // §8.1.1: content-length syntax.
        SemCase("negative content-length", [(":status", "200"), ("content-length", "-1")], .invalidContentLength),
        SemCase("conflicting content-length", [(":status", "200"), ("content-length", "1"), ("content-length", "2")],
                .invalidContentLength),
    ]

    @Test(arguments: malformed)
    func malformedResponse(_ testCase: SemCase) {
        #expect(semKind(MessageValidator.validateResponse(testCase.list, requestMethod: "GET")) == testCase.expected)
    }

    // MARK: §8.1 interim responses and END_STREAM

    @Test func informationalWithEndStreamIsMalformed() {
        let list = semFields([(":status", "103"), ("link", "</a.css>; rel=preload")])
        #expect(semKind(MessageValidator.validateResponse(list, requestMethod: "GET", informationalAllowed: false))
                    == .invalidFraming)
        #expect(semKind(MessageValidator.validateResponse(list, requestMethod: "GET", informationalAllowed: true)) == nil)
        let final = semFields([(":status", "200")])
        #expect(semKind(MessageValidator.validateResponse(final, requestMethod: "GET", informationalAllowed: false))
                    == nil)
    }

    @Test func fieldBlockKindSequence() {
        // Server: the request, then trailers that must end the stream.
        #expect(FieldBlockKind.next(receivedBy: .server, headReceived: false, endStream: false) == .success(.request))
        #expect(FieldBlockKind.next(receivedBy: .server, headReceived: false, endStream: true) == .success(.request))
        #expect(FieldBlockKind.next(receivedBy: .server, headReceived: true, endStream: true) == .success(.trailers))
        // Client: responses (1xx only without END_STREAM), then trailers.
        #expect(FieldBlockKind.next(receivedBy: .client, headReceived: false, endStream: false)
                    == .success(.response(informationalAllowed: true)))
        #expect(FieldBlockKind.next(receivedBy: .client, headReceived: false, endStream: true)
                    == .success(.response(informationalAllowed: false)))
        #expect(FieldBlockKind.next(receivedBy: .client, headReceived: true, endStream: true) == .success(.trailers))
        // §8.1: HEADERS without END_STREAM after the head is malformed.
        for role in [Role.client, .server] {
            #expect(semKind(FieldBlockKind.next(receivedBy: role, headReceived: true, endStream: false))
                        == .invalidFraming)
        }
        #expect(Role.client.peer == .server && Role.server.peer == .client)
    }

    @Test func validateDispatchesOnKind() {
        let request = semFields(semGET)
        let response = semFields(semOK)
        let trailers = semFields([("grpc-status", "0")])
        #expect(semKind(MessageValidator.validate(request, as: .request)) == nil)
        #expect(semKind(MessageValidator.validate(response, as: .request)) == .invalidPseudoHeader)
        #expect(semKind(MessageValidator.validate(response, as: .response(informationalAllowed: true))) == nil)
        #expect(semKind(MessageValidator.validate(request, as: .response(informationalAllowed: true)))
                    == .invalidPseudoHeader)
        #expect(semKind(MessageValidator.validate(semFields([(":status", "100")]),
                                                  as: .response(informationalAllowed: false))) == .invalidFraming)
        #expect(MessageValidator.validate(trailers, as: .trailers) == .success(.trailers))
        #expect(semKind(MessageValidator.validate(response, as: .trailers)) == .invalidPseudoHeader)
        let websocket = semFields(SemanticsRequestPseudoHeaderTests.websocket)
        #expect(semKind(MessageValidator.validate(websocket, as: .request)) == .invalidPseudoHeader)
        #expect(semKind(MessageValidator.validate(websocket, as: .request, extendedConnectEnabled: true)) == nil)
        let tunnel = semFields([(":status", "200"), ("content-length", "x")])
        #expect(semKind(MessageValidator.validate(tunnel, as: .response(informationalAllowed: true),
                                                  requestMethod: "CONNECT")) == nil)
    }

    // MARK: §8.1 trailers

    @Test func validTrailers() {
        #expect(semTrailersKind([]) == nil)
        #expect(semTrailersKind([("grpc-status", "0"), ("grpc-message", "ok"), ("x-checksum", "abc")]) == nil)
        #expect(semTrailersKind([("content-length", "12"), ("host", "a"), ("host", "b")]) == nil)
    }

    @Test(arguments: [":status", ":path", ":method", ":authority", ":scheme", ":protocol", ":foo"])
    func pseudoHeaderInTrailersIsMalformed(_ name: String) {
        // §8.1 (h2spec 8.1.2.1/4): trailers MUST NOT include pseudo-header fields.
        #expect(semTrailersKind([(name, "x")]) == .invalidPseudoHeader)
        #expect(semTrailersKind([("grpc-status", "0"), (name, "x")]) == .invalidPseudoHeader)
    }

    // MARK: content of responses (§8.1.1)

    @Test(arguments: [
        ("HEAD", "200", true), ("GET", "204", true), ("GET", "304", true), ("GET", "100", true),
        ("GET", "200", false), ("POST", "404", false), ("HEAD", "404", true), ("CONNECT", "404", false),
    ])
    func responsesWithoutContent(_ method: String, _ status: String, _ noContent: Bool) throws {
        let list = semFields([(":status", status), ("content-length", "100")])
        let head = try MessageValidator.validateResponse(list, requestMethod: method).get()
        #expect(head.hasNoContent == noContent)
        #expect(head.contentLength == 100)  // reported as sent, §8.1.1 allows it
        #expect(head.contentLengthCheck.expected == (noContent ? 0 : 100))
        #expect(!head.isTunnel)
    }

    @Test func flagOverloadMatchesMethodOverload() throws {
        let list = semFields([(":status", "200"), ("content-length", "7")])
        let byFlag = try MessageValidator.validateResponse(list, isHeadRequest: true).get()
        let byMethod = try MessageValidator.validateResponse(list, requestMethod: "HEAD").get()
        #expect(byFlag == byMethod)
        #expect(byFlag.hasNoContent)
        // Methods are case-sensitive (RFC 9110 §9.1): "head" is not HEAD.
        #expect(try MessageValidator.validateResponse(list, requestMethod: "head").get().hasNoContent == false)
    }

    @Test(arguments: ["200", "299"])
    func successfulConnectResponseIsATunnel(_ status: String) throws {
        // RFC 9110 §9.3.6: a client MUST ignore content-length in a 2xx response to CONNECT.
        let list = semFields([(":status", status), ("content-length", "not a number")])
        let head = try MessageValidator.validateResponse(list, requestMethod: "CONNECT").get()
        #expect(head.isTunnel)
        #expect(head.contentLength == nil)
        #expect(head.contentLengthCheck.expected == nil)
    }

    @Test func responseHeadKeepsTheList() throws {
        let list = semFields([(":status", "200"), ("content-type", "text/event-stream"), ("cache-control", "no-cache")])
        let head = try MessageValidator.validateResponse(list, requestMethod: "GET").get()
        #expect(head.headers == list)
        #expect(head.contentLength == nil)
        #expect(head.contentLengthCheck.expected == nil)
        #expect(!head.hasNoContent && !head.isInformational && !head.isTunnel)
    }
}

// RFC 9113 §8.3 and §8.3.1 (request pseudo-header fields), §8.5 (CONNECT), RFC 8441
// (extended CONNECT), §8.4 (promised requests).
import HPACK
import Testing
@testable import HTTP2

@Suite("Semantics §8.3.1 request pseudo-header fields")
struct SemanticsRequestPseudoHeaderTests {
    static let valid: [SemCase] = [
        SemCase("GET", semGET, nil),
        SemCase("any pseudo order", [(":path", "/"), (":authority", "a"), (":scheme", "https"), (":method", "GET")], nil),
        SemCase("no :authority", [(":method", "GET"), (":scheme", "http"), (":path", "/x")], nil),
        SemCase("path with query", [(":method", "GET"), (":scheme", "https"), (":path", "/a/b?c=d&e")], nil),
        SemCase("path //", [(":method", "GET"), (":scheme", "https"), (":path", "//a")], nil),
        SemCase("OPTIONS *", [(":method", "OPTIONS"), (":scheme", "https"), (":authority", "a"), (":path", "*")], nil),
        SemCase("OPTIONS /", [(":method", "OPTIONS"), (":scheme", "https"), (":path", "/")], nil),
        SemCase("POST with body headers", semGET.map { $0.0 == ":method" ? (":method", "POST") : $0 }
                    + [("content-length", "5"), ("content-type", "text/plain")], nil),
        SemCase("extension method", [(":method", "PROPFIND"), (":scheme", "https"), (":path", "/")], nil),
        SemCase("lowercase method is another method", [(":method", "get"), (":scheme", "https"), (":path", "/")], nil),
        SemCase("uppercase scheme", [(":method", "GET"), (":scheme", "HTTPS"), (":path", "/")], nil),
        SemCase("other scheme, any path", [(":method", "GET"), (":scheme", "ftp"), (":path", "")], nil),
        SemCase("other scheme, path without /", [(":method", "GET"), (":scheme", "urn+x.y-z"), (":path", "a:b")], nil),
        SemCase("CONNECT", [(":method", "CONNECT"), (":authority", "example.com:443")], nil),
        SemCase("host equal to :authority", semGET + [("host", "example.com")], nil),
        SemCase("host only", [(":method", "GET"), (":scheme", "https"), (":path", "/"), ("host", "example.com")], nil),
        SemCase("te trailers", semGET + [("te", "trailers")], nil),
        SemCase("no regular fields", semGET, nil),
        SemCase("IPv6 authority", [(":method", "GET"), (":scheme", "https"), (":authority", "[::1]:8443"),
                                   (":path", "/")], nil),
    ]

    @Test(arguments: valid)
    func validRequest(_ testCase: SemCase) {
        #expect(semKind(MessageValidator.validateRequest(testCase.list, extendedConnectEnabled: false)) == nil)
        #expect(semKind(MessageValidator.validateRequest(testCase.list, extendedConnectEnabled: true)) == nil)
    }

    static func replacing(_ name: String, with value: String?, in pairs: [(String, String)] = semGET) -> [(String, String)] {
        var result: [(String, String)] = []
        for (n, v) in pairs {
            if n == name {
                if let value { result.append((n, value)) }
            } else {
                result.append((n, v))
            }
        }
        return result
    }

    static let malformed: [SemCase] = [
        // §8.3.1: exactly one :method, :scheme and :path (h2spec 8.1.2.3/1-7).
        SemCase("missing :method", replacing(":method", with: nil), .missingPseudoHeader),
        SemCase("missing :scheme", replacing(":scheme", with: nil), .missingPseudoHeader),
        SemCase("missing :path", replacing(":path", with: nil), .missingPseudoHeader),
        SemCase("no pseudo-header at all", [("accept", "*/*")], .missingPseudoHeader),
        SemCase("empty list", [], .missingPseudoHeader),
        SemCase("duplicate :method", semGET + [(":method", "GET")], .duplicatePseudoHeader),
        SemCase("duplicate :scheme", semGET + [(":scheme", "https")], .duplicatePseudoHeader),
        SemCase("duplicate :path", semGET + [(":path", "/")], .duplicatePseudoHeader),
        SemCase("duplicate :authority", semGET + [(":authority", "example.com")], .duplicatePseudoHeader),
        // §8.3.1: :path not empty for http(s); '/' first, or '*' for OPTIONS.
        SemCase("empty :path https", replacing(":path", with: ""), .invalidPseudoHeaderValue),
        SemCase("empty :path http", replacing(":path", with: "", in: replacing(":scheme", with: "http")),
                .invalidPseudoHeaderValue),
        SemCase("empty :path HTTP", replacing(":path", with: "", in: replacing(":scheme", with: "HTTP")),
                .invalidPseudoHeaderValue),
        SemCase(":path without /", replacing(":path", with: "index.html"), .invalidPseudoHeaderValue),
        SemCase(":path absolute URI", replacing(":path", with: "https://example.com/"), .invalidPseudoHeaderValue),
        SemCase(":path * for GET", replacing(":path", with: "*"), .invalidPseudoHeaderValue),
        SemCase(":path */", replacing(":path", with: "*/"), .invalidPseudoHeaderValue),
        SemCase(":path with space", replacing(":path", with: "/a b"), .invalidPseudoHeaderValue),
        SemCase(":path with HTAB", replacing(":path", with: "/a\tb"), .invalidPseudoHeaderValue),
        // §8.3: undefined pseudo-headers, response pseudo-headers in requests.
        SemCase("undefined pseudo-header", semGET + [(":foo", "bar")], .invalidPseudoHeader),
        SemCase(":status in request", semGET + [(":status", "200")], .invalidPseudoHeader),
        SemCase("uppercase pseudo name", replacing(":method", with: nil) + [(":Method", "GET")], .invalidPseudoHeader),
        SemCase("bare colon", semGET + [(":", "x")], .invalidPseudoHeader),
        SemCase("double colon", semGET + [("::path", "/")], .invalidPseudoHeader),
        // §8.3: pseudo-header fields before regular fields (h2spec 8.1.2.1/3).
        SemCase("pseudo after regular", [(":method", "GET"), (":scheme", "https"), ("accept", "*/*"), (":path", "/")],
                .pseudoHeaderAfterRegularField),
        SemCase("all pseudo after regular", [("accept", "*/*")] + semGET, .pseudoHeaderAfterRegularField),
        // Value syntax.
        SemCase("empty :method", replacing(":method", with: ""), .invalidPseudoHeaderValue),
        SemCase(":method with space", replacing(":method", with: "GE T"), .invalidPseudoHeaderValue),
        SemCase(":method with slash", replacing(":method", with: "GET/"), .invalidPseudoHeaderValue),
        SemCase("empty :scheme", replacing(":scheme", with: ""), .invalidPseudoHeaderValue),
        SemCase(":scheme starting with digit", replacing(":scheme", with: "1http"), .invalidPseudoHeaderValue),
        SemCase(":scheme with colon", replacing(":scheme", with: "https:"), .invalidPseudoHeaderValue),
        // §8.3.1: no userinfo, RFC 9110 §4.2.1: no empty host, for http(s).
        SemCase("userinfo in :authority", replacing(":authority", with: "user:pw@example.com"),
                .invalidPseudoHeaderValue),
        SemCase("empty :authority", replacing(":authority", with: ""), .invalidPseudoHeaderValue),
        SemCase("space in :authority", replacing(":authority", with: "exa mple.com"), .invalidPseudoHeaderValue),
        // §8.3.1: Host must agree with :authority; RFC 9110 §7.2: one Host.
        SemCase("host differs", semGET + [("host", "example.org")], .hostMismatch),
        SemCase("host with another port", semGET + [("host", "example.com:8443")], .hostMismatch),
        SemCase("host empty", semGET + [("host", "")], .hostMismatch),
        SemCase("two hosts", semGET + [("host", "example.com"), ("host", "example.com")], .hostMismatch),
        SemCase("two hosts without :authority", replacing(":authority", with: nil)
                    + [("host", "a"), ("host", "b")], .hostMismatch),
        // §8.5: CONNECT has :authority only (h2spec-style).
        SemCase("CONNECT with :path", [(":method", "CONNECT"), (":authority", "a:443"), (":path", "/")],
                .unexpectedPseudoHeader),
        SemCase("CONNECT with :scheme", [(":method", "CONNECT"), (":authority", "a:443"), (":scheme", "https")],
                .unexpectedPseudoHeader),
        SemCase("CONNECT without :authority", [(":method", "CONNECT")], .missingPseudoHeader),
        SemCase("CONNECT with empty :authority", [(":method", "CONNECT"), (":authority", "")],
                .invalidPseudoHeaderValue),
        SemCase("CONNECT with userinfo", [(":method", "CONNECT"), (":authority", "u@a:443")],
                .invalidPseudoHeaderValue),
        // §8.1.1: content-length syntax.
        SemCase("bad content-length", semGET + [("content-length", "abc")], .invalidContentLength),
    ]

    @Test(arguments: malformed)
    func malformedRequest(_ testCase: SemCase) {
        #expect(semKind(MessageValidator.validateRequest(testCase.list, extendedConnectEnabled: false))
                    == testCase.expected)
    }

    // MARK: Host and :authority (§8.3.1)

    @Test(arguments: [
        ("https", "example.com", "EXAMPLE.com"),
        ("https", "example.com", "example.com:443"),
        ("https", "example.com:443", "example.com"),
        ("https", "example.com", "example.com:"),
        ("http", "example.com", "example.com:80"),
        ("http", "example.com:8080", "Example.Com:8080"),
        ("https", "[::1]", "[::1]:443"),
        ("https", "[::1]:8443", "[::1]:8443"),
        ("ftp", "example.com", "example.com:"),
    ])
    func hostMatchesAfterNormalization(_ scheme: String, _ authority: String, _ host: String) {
        let pairs = [(":method", "GET"), (":scheme", scheme), (":authority", authority), (":path", "/"), ("host", host)]
        #expect(semRequestKind(pairs) == nil)
    }

    @Test(arguments: [
        ("https", "example.com", "example.com:80"),
        ("http", "example.com", "example.com:443"),
        ("ftp", "example.com", "example.com:443"),
        ("https", "example.com", "example.com."),
        ("https", "[::1]", "[::2]"),
        ("https", "a.example.com", "example.com"),
    ])
    func hostMismatchIsMalformed(_ scheme: String, _ authority: String, _ host: String) {
        let pairs = [(":method", "GET"), (":scheme", scheme), (":authority", authority), (":path", "/"), ("host", host)]
        #expect(semRequestKind(pairs) == .hostMismatch)
    }

    // MARK: RFC 8441 extended CONNECT

    static let websocket: [(String, String)] = [
        (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", "/chat"),
        (":authority", "example.com"), ("sec-websocket-version", "13"),
    ]

    @Test func extendedConnectWithTheSetting() throws {
        let head = try MessageValidator.validateRequest(semFields(Self.websocket), extendedConnectEnabled: true).get()
        #expect(head.method == "CONNECT")
        #expect(head.protocol == "websocket")
        #expect(head.scheme == "https")
        #expect(head.path == "/chat")
        #expect(head.authority == "example.com")
        #expect(head.isConnect)
        #expect(head.isExtendedConnect)
        #expect(!head.isTunnel)
        #expect(head.firstRegularFieldIndex == 5)
        #expect(head.contentLengthCheck.expected == nil)
    }

    @Test func protocolWithoutTheSettingIsMalformed() {
        // RFC 8441 §3: without SETTINGS_ENABLE_CONNECT_PROTOCOL, :protocol is undefined (§8.3).
        #expect(semRequestKind(Self.websocket, extended: false) == .invalidPseudoHeader)
    }

    static let extendedMalformed: [SemCase] = [
        SemCase(":protocol with GET", replacing(":method", with: "GET", in: websocket), .unexpectedPseudoHeader),
        SemCase(":protocol with POST", replacing(":method", with: "POST", in: websocket), .unexpectedPseudoHeader),
        SemCase("extended CONNECT without :scheme", replacing(":scheme", with: nil, in: websocket),
                .missingPseudoHeader),
        SemCase("extended CONNECT without :path", replacing(":path", with: nil, in: websocket), .missingPseudoHeader),
        SemCase("extended CONNECT without :authority", replacing(":authority", with: nil, in: websocket),
                .missingPseudoHeader),
        SemCase("extended CONNECT with empty :path", replacing(":path", with: "", in: websocket),
                .invalidPseudoHeaderValue),
        SemCase("duplicate :protocol", Array(websocket.prefix(2)) + [(":protocol", "websocket")] + Array(websocket.dropFirst(2)),
                .duplicatePseudoHeader),
        SemCase("empty :protocol", replacing(":protocol", with: "", in: websocket), .invalidPseudoHeaderValue),
        SemCase(":protocol not a token", replacing(":protocol", with: "web socket", in: websocket),
                .invalidPseudoHeaderValue),
        SemCase(":protocol after regular", replacing(":protocol", with: nil, in: websocket)
                    + [(":protocol", "websocket")], .pseudoHeaderAfterRegularField),
    ]

    @Test(arguments: extendedMalformed)
    func malformedExtendedConnect(_ testCase: SemCase) {
        #expect(semKind(MessageValidator.validateRequest(testCase.list, extendedConnectEnabled: true))
                    == testCase.expected)
    }

    // MARK: RequestHead

    @Test func requestHeadCarriesTheControlData() throws {
        let list = semFields([(":method", "POST"), (":scheme", "https"), (":authority", "example.com:8443"),
                              (":path", "/upload?x=1"), ("content-length", "42"), ("cookie", "a=b"),
                              ("cookie", "c=d")])
        let head = try MessageValidator.validateRequest(list, extendedConnectEnabled: false).get()
        #expect(head.method == "POST")
        #expect(head.scheme == "https")
        #expect(head.authority == "example.com:8443")
        #expect(head.path == "/upload?x=1")
        #expect(head.protocol == nil)
        #expect(head.contentLength == 42)
        #expect(!head.isConnect && !head.isExtendedConnect && !head.isTunnel)
        #expect(head.headers == list)
        #expect(head.firstRegularFieldIndex == 4)
        #expect(head.pathBytes.map(Array.init) == Array("/upload?x=1".utf8))
        #expect(head.authorityBytes.map(Array.init) == Array("example.com:8443".utf8))
        #expect(head.targetAuthority == "example.com:8443")
        #expect(head.host == nil)
        #expect(head.contentLengthCheck == ContentLengthCheck(expected: 42))
        #expect(head.headers.joinedCookieValue() == "a=b; c=d")
    }

    @Test func targetAuthorityFallsBackToHost() throws {
        let list = semFields([(":method", "GET"), (":scheme", "http"), (":path", "/"), ("host", "example.com")])
        let head = try MessageValidator.validateRequest(list, extendedConnectEnabled: false).get()
        #expect(head.authority == nil)
        #expect(head.host == "example.com")
        #expect(head.targetAuthority == "example.com")
    }

    @Test func pathBytesKeepNonUTF8Octets() throws {
        let path: [UInt8] = [0x2F, 0xFF, 0x61]
        let list = semRawFields([(Array(":method".utf8), Array("GET".utf8)), (Array(":scheme".utf8), Array("https".utf8)),
                                 (Array(":path".utf8), path)])
        let head = try MessageValidator.validateRequest(list, extendedConnectEnabled: false).get()
        #expect(head.pathBytes.map(Array.init) == path)
        #expect(head.path == "/\u{FFFD}a")
    }

    @Test func connectHead() throws {
        let list = semFields([(":method", "CONNECT"), (":authority", "proxy.example:443"), ("content-length", "10")])
        let head = try MessageValidator.validateRequest(list, extendedConnectEnabled: false).get()
        #expect(head.isConnect && head.isTunnel && !head.isExtendedConnect)
        #expect(head.scheme == nil && head.path == nil)
        #expect(head.authority == "proxy.example:443")
        // §8.5: DATA on a CONNECT stream is tunnel bytes, not content.
        #expect(head.contentLengthCheck.expected == nil)
    }

    // MARK: §8.4 promised requests

    @Test(arguments: ["GET", "HEAD"])
    func promisedSafeRequest(_ method: String) {
        let list = semFields(Self.replacing(":method", with: method) + [("content-length", "0")])
        #expect(semKind(MessageValidator.validatePushPromise(list)) == nil)
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "get"])
    func promisedUnsafeOrUncacheableRequest(_ method: String) {
        var pairs = Self.replacing(":method", with: method)
        if method == "CONNECT" { pairs = [(":method", "CONNECT"), (":authority", "a:1")] }
        #expect(semKind(MessageValidator.validatePushPromise(semFields(pairs))) == .invalidPushPromise)
    }

    @Test func promisedRequestWithContentOrMalformed() {
        #expect(semKind(MessageValidator.validatePushPromise(semFields(semGET + [("content-length", "1")])))
                    == .invalidPushPromise)
        #expect(semKind(MessageValidator.validatePushPromise(semFields(Self.replacing(":path", with: nil))))
                    == .missingPseudoHeader)
        // No extended CONNECT in promises: :protocol is undefined there.
        #expect(semKind(MessageValidator.validatePushPromise(semFields(semGET + [(":protocol", "websocket")])))
                    == .invalidPseudoHeader)
    }
}

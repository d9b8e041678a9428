// RFC 9113 §8.2 (field names and values), §8.2.2 (connection-specific fields), §8.2.3 (cookies).
import HPACK
import Testing
@testable import HTTP2

@Suite("Semantics §8.2 field validity")
struct SemanticsFieldValidationTests {
    // MARK: §8.2, §8.2.1 names

    static let validNames = ["x-custom", "accept", "a", "0", "a!#$%&'*+-.^_`|~09z", "x_y", "www-authenticate"]

    @Test(arguments: validNames)
    func validNameIsAcceptedEverywhere(_ name: String) {
        #expect(semRequestKind(semGET + [(name, "v")]) == nil)
        #expect(semResponseKind(semOK + [(name, "v")]) == nil)
        #expect(semTrailersKind([(name, "v")]) == nil)
    }

    static let invalidNames = [
        "Content-Type",  // §8.2: uppercase (h2spec 8.1.2/1)
        "X", "accepT",
        "",  // RFC 9110 §5.1: a token has at least one character
        "a b", "a\tb", " a", "a\u{0}", "a\r", "a\n", "a\u{7F}",  // §8.2.1: 0x00-0x20, 0x7f
        "é",  // §8.2.1: 0x80-0xff
        "a:b", "a:",  // §8.2.1: colon only at the start of a pseudo-header
        "a(b)", "a/b", "a\"", "a,b", "a;b", "a=b", "{a}", "a@b", "a?", "[a]", "a\\b",  // RFC 9110 §5.6.2 tchar
    ]

    @Test(arguments: invalidNames)
    func invalidNameIsMalformedEverywhere(_ name: String) {
        #expect(semRequestKind(semGET + [(name, "v")]) == .invalidFieldName)
        #expect(semResponseKind(semOK + [(name, "v")]) == .invalidFieldName)
        #expect(semTrailersKind([(name, "v")]) == .invalidFieldName)
    }

    @Test func errorNamesTheFieldWithoutEchoingIt() throws {
        let result = MessageValidator.validateRequest(semFields(semGET + [("ok", "1"), ("Bad", "2")]),
                                                      extendedConnectEnabled: false)
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.fieldIndex == 5)
        #expect(error.reason == "uppercase character in field name")
        #expect(!error.reason.contains("Bad"))
        #expect(error.code == .protocolError)
        let streamError = error.streamError(on: 3)
        #expect(streamError.code == .protocolError)
        #expect(streamError.streamID == 3)
    }

    /// Every single byte in a name, checked against the grammar written out plainly:
    /// RFC 9110 §5.6.2 tchar, minus uppercase (RFC 9113 §8.2.1).
    @Test func everyNameByteFollowsTheGrammar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        for byte in 0...255 {
            let name: [UInt8] = [0x61, UInt8(byte), 0x61]
            let list = semRawFields([(Array(":method".utf8), Array("GET".utf8)),
                                     (Array(":scheme".utf8), Array("http".utf8)),
                                     (Array(":path".utf8), Array("/".utf8)),
                                     (name, Array("v".utf8))])
            let kind = semKind(MessageValidator.validateRequest(list, extendedConnectEnabled: false))
            #expect((kind == nil) == tchar.contains(UInt8(byte)), "byte \(byte)")
            if kind != nil { #expect(kind == .invalidFieldName, "byte \(byte)") }
        }
    }

    /// The byte-class table against the grammars it encodes, byte by byte.
    @Test func byteClassTableMatchesTheGrammars() {
        #expect(FieldSyntax.byteClasses.utf8CodeUnitCount == 256)
        let digits = "0123456789", lower = "abcdefghijklmnopqrstuvwxyz", upper = lower.uppercased()
        let tchar = Set(("!#$%&'*+-.^_`|~" + digits + lower + upper).utf8)  // RFC 9110 §5.6.2
        let scheme = Set((lower + upper + digits + "+-.").utf8)  // RFC 3986 §3.1
        for value in 0...255 {
            let byte = UInt8(value)
            let isUpper = byte >= 0x41 && byte <= 0x5A
            #expect(FieldSyntax.isIn(byte, .lowercaseToken) == (tchar.contains(byte) && !isUpper), "byte \(byte)")
            #expect(FieldSyntax.isIn(byte, .token) == tchar.contains(byte), "byte \(byte)")
            #expect(FieldSyntax.isIn(byte, .scheme) == scheme.contains(byte), "byte \(byte)")
            // RFC 9110 §5.5: VCHAR (0x21-0x7e), obs-text (0x80-0xff), SP, HTAB.
            let valueByte = (byte >= 0x21 && byte <= 0x7E) || byte >= 0x80 || byte == 0x20 || byte == 0x09
            #expect(FieldSyntax.isIn(byte, .value) == valueByte, "byte \(byte)")
        }
    }

    /// The eight-at-a-time control byte scan, at every position and length.
    @Test func controlByteScanFindsEveryPosition() {
        for length in 0...40 {
            var bytes = [UInt8](repeating: 0x61, count: length)
            bytes.withUnsafeBytes { #expect(FieldSyntax.hasNoControlBytes($0)) }
            for position in 0..<length {
                for bad: UInt8 in [0x00, 0x09, 0x0A, 0x1F, 0x7F] {
                    bytes[position] = bad
                    bytes.withUnsafeBytes { #expect(!FieldSyntax.hasNoControlBytes($0), "\(length) \(position)") }
                }
                for good: UInt8 in [0x20, 0x7E, 0x80, 0xFF, 0x9F, 0xA0] {
                    bytes[position] = good
                    bytes.withUnsafeBytes { #expect(FieldSyntax.hasNoControlBytes($0), "\(length) \(position)") }
                }
                bytes[position] = 0x61
            }
        }
    }

    // MARK: §8.2.1 values

    static let validValues = ["", "v", "a b", "a\tb", "!~", "\"quoted, list\"", "x=y; z", "é ü"]

    @Test(arguments: validValues)
    func validValueIsAcceptedEverywhere(_ value: String) {
        #expect(semRequestKind(semGET + [("x-v", value)]) == nil)
        #expect(semResponseKind(semOK + [("x-v", value)]) == nil)
        #expect(semTrailersKind([("x-v", value)]) == nil)
    }

    static let invalidValues = [
        "a\u{0}b", "\u{0}", "a\rb", "a\nb", "a\r\nb", "\r\n",  // §8.2.1: NUL, CR, LF anywhere
        " lead", "trail ", "\tlead", "trail\t", " ", "\t", "  both  ",  // §8.2.1: SP/HTAB at the ends
        "a\u{1}b", "a\u{1F}b", "a\u{7F}b", "a\u{0B}b", "a\u{0C}b",  // RFC 9110 §5.5: other CTLs, DEL
    ]

    @Test(arguments: invalidValues)
    func invalidValueIsMalformedEverywhere(_ value: String) {
        #expect(semRequestKind(semGET + [("x-v", value)]) == .invalidFieldValue)
        #expect(semResponseKind(semOK + [("x-v", value)]) == .invalidFieldValue)
        #expect(semTrailersKind([("x-v", value)]) == .invalidFieldValue)
    }

    @Test(arguments: [
        (":method", "GE\u{0}T"), (":path", "/\r\n"), (":authority", " example.com"), (":scheme", "https "),
    ])
    func pseudoHeaderValuesFollowTheValueRules(_ name: String, _ value: String) {
        let pairs = semGET.map { $0.0 == name ? (name, value) : $0 }
        #expect(semRequestKind(pairs) == .invalidFieldValue)
        #expect(semResponseKind([(":status", "200 ")]) == .invalidFieldValue)
    }

    /// Every single byte inside a value: VCHAR, obs-text, SP and HTAB pass (RFC 9110 §5.5).
    @Test func everyValueByteFollowsTheGrammar() {
        for byte in 0...255 {
            let list = semRawFields([(Array(":status".utf8), Array("200".utf8)),
                                     (Array("x".utf8), [0x61, UInt8(byte), 0x61])])
            let kind = semKind(MessageValidator.validateResponse(list, requestMethod: "GET"))
            let allowed = byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
            #expect((kind == nil) == allowed, "byte \(byte)")
        }
    }

    @Test func nonUTF8ValueIsAccepted() {
        // obs-text (RFC 9110 §5.5) need not be UTF-8.
        let list = semRawFields([(Array(":status".utf8), Array("200".utf8)), (Array("x".utf8), [0xFF, 0x80, 0xC3])])
        #expect(semKind(MessageValidator.validateResponse(list, requestMethod: "GET")) == nil)
    }

    // MARK: §8.2.2 connection-specific fields

    static let connectionSpecific = ["connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade"]

    @Test(arguments: connectionSpecific)
    func connectionSpecificFieldIsMalformedEverywhere(_ name: String) {
        #expect(semRequestKind(semGET + [(name, "close")]) == .connectionSpecificField)
        #expect(semResponseKind(semOK + [(name, "keep-alive")]) == .connectionSpecificField)
        #expect(semTrailersKind([(name, "chunked")]) == .connectionSpecificField)
    }

    @Test(arguments: ["trailers", "Trailers", "TRAILERS"])
    func teTrailersIsAccepted(_ value: String) {
        // §8.2.2: TE MAY be present with "trailers"; transfer-codings ignore case.
        #expect(semRequestKind(semGET + [("te", value)]) == nil)
        #expect(semRequestKind(semGET + [("te", value), ("te", "trailers")]) == nil)
    }

    @Test(arguments: ["gzip", "trailers, gzip", "gzip, trailers", "trailers;q=0.5", "", "trailer", "chunked"])
    func teOtherThanTrailersIsMalformed(_ value: String) {
        // §8.2.2 (h2spec 8.1.2.2/2): "MUST NOT contain any value other than trailers".
        #expect(semRequestKind(semGET + [("te", value)]) == .connectionSpecificField)
        #expect(semResponseKind(semOK + [("te", value)]) == .connectionSpecificField)
        #expect(semTrailersKind([("te", value)]) == .connectionSpecificField)
    }

    @Test func namesThatOnlyLookConnectionSpecificAreFine() {
        for name in ["connections", "x-connection", "keep-alive2", "upgrade-insecure-requests", "tee", "t",
                     "transfer-encodings", "proxy-connectio"] {
            #expect(semRequestKind(semGET + [(name, "1")]) == nil, "\(name)")
        }
    }

    // MARK: §8.2.3 cookies

    @Test func cookieCrumbsAreValid() {
        let pairs = semGET + [("cookie", "a=b"), ("accept", "*/*"), ("cookie", "c=d"), ("cookie", "e=f")]
        #expect(semRequestKind(pairs) == nil)
        #expect(semFields(pairs).joinedCookieValue() == "a=b; c=d; e=f")
    }

    @Test func joinedCookieValueWithoutCookies() {
        #expect(semFields(semGET).joinedCookieValue() == nil)
        #expect(semFields(semGET + [("cookie", "a=b")]).joinedCookieValue() == "a=b")
    }

    @Test func mergingCookiesKeepsOrderAndPlacesTheJoinedFieldFirst() {
        var list = semFields([(":method", "GET"), ("cookie", "a=b"), ("accept", "*/*")])
        list.append(name: "cookie", value: "secret=1", indexing: .neverIndexed)
        list.append(name: "x", value: "y")
        let merged = list.mergingCookies()
        #expect(Array(merged) == [
            HeaderField(":method", "GET"),
            HeaderField("cookie", "a=b; secret=1", indexing: .neverIndexed),
            HeaderField("accept", "*/*"),
            HeaderField("x", "y"),
        ])
        let single = semFields(semGET + [("cookie", "a=b")])
        #expect(single.mergingCookies() == single)
    }
}

// RFC 9113 §8.1.1 content-length (value syntax per RFC 9110 §8.6) and DATA accounting.
import HPACK
import Testing
@testable import HTTP2

@Suite("Semantics §8.1.1 content-length")
struct SemanticsContentLengthTests {
    static func requestLength(_ values: [String]) -> Result<Int?, MessageError> {
        let pairs = semGET.map { $0.0 == ":method" ? (":method", "POST") : $0 } + values.map { ("content-length", $0) }
        return MessageValidator.validateRequest(semFields(pairs), extendedConnectEnabled: false).map(\.contentLength)
    }

    @Test(arguments: [
        (["0"], 0), (["42"], 42), (["007"], 7), (["9223372036854775807"], Int.max),
        (["42, 42"], 42), (["42,42"], 42), (["42 ,\t42 , 42"], 42), (["5", "5"], 5), (["5, 5", "5"], 5),
        (["00000000000000000000000000000001"], 1),
    ])
    func validContentLength(_ values: [String], _ expected: Int) {
        #expect(Self.requestLength(values) == .success(expected))
    }

    @Test func absentContentLength() {
        #expect(Self.requestLength([]) == .success(nil))
    }

    @Test(arguments: [
        [""], ["-1"], ["+1"], ["1.0"], ["0x10"], ["1e3"], ["4 2"], ["abc"], ["42a"],
        ["9223372036854775808"], ["99999999999999999999999"],  // beyond Int64
        ["42, 43"], ["42", "43"], ["0", "1"], ["1, 1", "2"],  // RFC 9110 §8.6: only identical values
        ["42,"], [",42"], ["42,,42"], [","], ["42, "],  // empty list elements
    ])
    func invalidContentLength(_ values: [String]) {
        let kind = semKind(Self.requestLength(values))
        // "42, " ends in whitespace, which the generic value rule catches first.
        #expect(kind == .invalidContentLength || (values == ["42, "] && kind == .invalidFieldValue))
    }

    @Test func invalidContentLengthInResponse() {
        #expect(semResponseKind([(":status", "200"), ("content-length", "1,2")]) == .invalidContentLength)
        #expect(semResponseKind([(":status", "304"), ("content-length", "x")]) == .invalidContentLength)
        #expect(semResponseKind([(":status", "200"), ("content-length", "12")]) == nil)
    }

    // MARK: ContentLengthCheck

    @Test func exactLengthInOneOrManyFrames() {
        var check = ContentLengthCheck(expected: 10)
        #expect(!check.isComplete)
        let r1 = check.receive(4)
        #expect(r1)
        let r2 = check.receive(0)
        #expect(r2)
        let r3 = check.receive(6)
        #expect(r3)
        #expect(check.isComplete)
        #expect(check.finish())
        #expect(check.received == 10)
    }

    @Test func moreThanExpectedFailsAtOnce() {
        // §8.1.1 (h2spec 8.1.2.6/2): more DATA than content-length is malformed.
        var check = ContentLengthCheck(expected: 5)
        let r4 = check.receive(5)
        #expect(r4)
        let r5 = check.receive(1)
        #expect(!r5)
        #expect(!check.finish())
        var big = ContentLengthCheck(expected: 5)
        let r6 = big.receive(6)
        #expect(!r6)
        #expect(big.mismatchError.kind == .contentLengthMismatch)
    }

    @Test func fewerThanExpectedFailsAtEndStream() {
        // §8.1.1 (h2spec 8.1.2.6/1): less DATA than content-length is malformed.
        var check = ContentLengthCheck(expected: 5)
        let r7 = check.receive(4)
        #expect(r7)
        #expect(!check.finish())
        #expect(!ContentLengthCheck(expected: 1).finish())
        #expect(ContentLengthCheck(expected: 0).finish())
    }

    @Test func withoutExpectedLengthAnythingGoes() {
        var check = ContentLengthCheck(expected: nil)
        #expect(check.finish())
        let r8 = check.receive(Int.max)
        #expect(r8)
        let r9 = check.receive(Int.max)
        #expect(r9)  // saturates, never traps
        #expect(check.received == Int.max)
        #expect(check.finish())
    }

    @Test func hostileNumbersNeverTrap() {
        var check = ContentLengthCheck(expected: Int.max)
        let r10 = check.receive(Int.max)
        #expect(r10)
        #expect(check.finish())
        let r11 = check.receive(1)
        #expect(!r11)  // past Int.max: more than any expected length
        let r12 = check.receive(-1)
        #expect(!r12)  // negative octets are refused
        let negative = ContentLengthCheck(expected: -5)
        #expect(negative.expected == 0)
    }

    @Test func noContentResponseHoldsDataToZero() throws {
        // §8.1.1: a HEAD response MAY have a non-zero content-length and no DATA.
        let head = try MessageValidator.validateResponse(semFields([(":status", "200"), ("content-length", "500")]),
                                                         requestMethod: "HEAD").get()
        var check = head.contentLengthCheck
        #expect(check.finish())
        let r13 = check.receive(1)
        #expect(!r13)
    }

    @Test func requestContentLengthDrivesTheCheck() throws {
        let pairs = semGET.map { $0.0 == ":method" ? (":method", "PUT") : $0 } + [("content-length", "3")]
        let head = try MessageValidator.validateRequest(semFields(pairs), extendedConnectEnabled: false).get()
        var check = head.contentLengthCheck
        let r14 = check.receive(3)
        #expect(r14)
        #expect(check.finish())
    }
}

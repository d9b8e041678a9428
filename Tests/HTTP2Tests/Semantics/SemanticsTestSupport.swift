// Helpers for the RFC 9113 §8 validation tests. Names are prefixed so they never clash
// with other helpers of the HTTP2Tests target.
import HPACK
import Testing
@testable import HTTP2

/// A field list from (name, value) string pairs.
func semFields(_ pairs: [(String, String)]) -> HeaderList {
    HeaderList(pairs.map { HeaderField($0.0, $0.1) })
}

/// A field list from raw octets, for bytes that are not UTF-8.
func semRawFields(_ pairs: [([UInt8], [UInt8])]) -> HeaderList {
    var list = HeaderList()
    for (name, value) in pairs {
        name.withUnsafeBytes { n in
            value.withUnsafeBytes { v in list.append(name: n, value: v) }
        }
    }
    return list
}

/// A minimal valid request head, GET https://example.com/.
let semGET: [(String, String)] = [(":method", "GET"), (":scheme", "https"), (":authority", "example.com"), (":path", "/")]

/// A minimal valid response head.
let semOK: [(String, String)] = [(":status", "200")]

/// The error kind of a failed validation, nil on success.
func semKind<T>(_ result: Result<T, MessageError>) -> MessageError.Kind? {
    if case .failure(let error) = result { return error.kind }
    return nil
}

func semRequestKind(_ pairs: [(String, String)], extended: Bool = false) -> MessageError.Kind? {
    semKind(MessageValidator.validateRequest(semFields(pairs), extendedConnectEnabled: extended))
}

func semResponseKind(_ pairs: [(String, String)], method: String = "GET") -> MessageError.Kind? {
    semKind(MessageValidator.validateResponse(semFields(pairs), requestMethod: method))
}

func semTrailersKind(_ pairs: [(String, String)]) -> MessageError.Kind? {
    semKind(MessageValidator.validateTrailers(semFields(pairs)))
}

/// One parameterized case: a field list and the error it must give (nil: valid).
struct SemCase: Sendable, CustomTestStringConvertible {
    var label: String
    var fields: [HeaderField]
    var expected: MessageError.Kind?

    init(_ label: String, _ pairs: [(String, String)], _ expected: MessageError.Kind?) {
        self.label = label
        self.fields = pairs.map { HeaderField($0.0, $0.1) }
        self.expected = expected
    }

    var list: HeaderList { HeaderList(fields) }
    var testDescription: String { label }
}

/// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
struct SemRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

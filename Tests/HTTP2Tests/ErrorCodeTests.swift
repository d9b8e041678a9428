// RFC 9113 §7: error codes; §5.4 error scope.
import Testing
@testable import HTTP2

@Suite("§7 Error codes")
struct ErrorCodeTests {
    @Test func allRFCCodes() {
        let codes: [(HTTP2ErrorCode, UInt32, String)] = [
            (.noError, 0x0, "NO_ERROR"), (.protocolError, 0x1, "PROTOCOL_ERROR"),
            (.internalError, 0x2, "INTERNAL_ERROR"), (.flowControlError, 0x3, "FLOW_CONTROL_ERROR"),
            (.settingsTimeout, 0x4, "SETTINGS_TIMEOUT"), (.streamClosed, 0x5, "STREAM_CLOSED"),
            (.frameSizeError, 0x6, "FRAME_SIZE_ERROR"), (.refusedStream, 0x7, "REFUSED_STREAM"),
            (.cancel, 0x8, "CANCEL"), (.compressionError, 0x9, "COMPRESSION_ERROR"),
            (.connectError, 0xa, "CONNECT_ERROR"), (.enhanceYourCalm, 0xb, "ENHANCE_YOUR_CALM"),
            (.inadequateSecurity, 0xc, "INADEQUATE_SECURITY"), (.http11Required, 0xd, "HTTP_1_1_REQUIRED"),
        ]
        for (code, raw, name) in codes {
            #expect(code.rawValue == raw)
            #expect(code.name == name)
            #expect(code.description == name)
        }
    }

    @Test func unknownCodesPreserved() {
        // RFC 9113 §7: unknown codes MUST NOT trigger special behavior: kept as they are.
        let code = HTTP2ErrorCode(rawValue: 0xDEAD_BEEF)
        #expect(code.rawValue == 0xDEAD_BEEF)
        #expect(code.name == nil)
        #expect(code.description == "UNKNOWN(0xdeadbeef)")
    }

    @Test func scopes() {
        let connection = HTTP2Error.connection(.protocolError, "x")
        #expect(connection.isConnectionError)
        #expect(connection.streamID == nil)
        let stream = HTTP2Error.stream(5, .frameSizeError, "y")
        #expect(!stream.isConnectionError)
        #expect(stream.streamID == 5)
        #expect(stream.description.contains("FRAME_SIZE_ERROR"))
    }
}

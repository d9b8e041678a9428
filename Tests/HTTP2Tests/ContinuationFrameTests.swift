// RFC 9113 §6.10: CONTINUATION, and §4.3 field blocks as contiguous frame runs.
import Testing
@testable import HTTP2

@Suite("§6.10 CONTINUATION, §4.3 field blocks")
struct ContinuationFrameTests {
    let headers = rawFrame(type: 0x1, flags: 0x1, stream: 1, payload: [0x82])  // END_STREAM, no END_HEADERS

    @Test func headersThenContinuations() throws {
        let wire = headers + rawFrame(type: 0x9, stream: 1, payload: [0x86])
            + rawFrame(type: 0x9, flags: 0x4, stream: 1, payload: [0x84])
            + rawFrame(type: 0x0, flags: 0x1, stream: 1, payload: [1])
        var reader = FrameReader()
        let decoded = decode(wire, with: &reader)
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 4)
        #expect(reader.openFieldBlockStream == nil)
        #expect(try reencode(wire) == wire)
    }

    @Test func openFieldBlockTracked() {
        var reader = FrameReader()
        _ = decode(headers, with: &reader)
        #expect(reader.openFieldBlockStream == 1)
    }

    @Test func emptyContinuation() {
        let decoded = decode(headers + rawFrame(type: 0x9, flags: 0x4, stream: 1, payload: []))
        #expect(decoded.error == nil)
        #expect(decoded.results.count == 2)
    }

    @Test func onStreamZeroIsConnectionProtocolError() {
        // RFC 9113 §6.10: CONTINUATION with stream 0 is a connection error PROTOCOL_ERROR.
        let decoded = decode(headers + rawFrame(type: 0x9, flags: 0x4, stream: 0, payload: []))
        #expect(decoded.error?.code == .protocolError)
        #expect(decoded.error?.scope == .connection)
    }

    @Test func parseAloneOnStreamZero() {
        // The per-type parse function checks the stream itself.
        let header = FrameHeader(length: 0, type: .continuation, flags: .endHeaders, streamID: 0)
        #expect(throws: HTTP2Error.self) { try ContinuationFrame.parse(header, BorrowedBytes()) }
    }

    @Test func withoutPrecedingFieldBlockIsConnectionProtocolError() {
        // RFC 9113 §6.10: CONTINUATION must follow HEADERS, PUSH_PROMISE or CONTINUATION
        // without END_HEADERS.
        let lone = rawFrame(type: 0x9, flags: 0x4, stream: 1, payload: [])
        let complete = rawFrame(type: 0x1, flags: 0x4, stream: 1, payload: [0x82])
        let data = rawFrame(type: 0x0, stream: 1, payload: [1])
        let ended = headers + rawFrame(type: 0x9, flags: 0x4, stream: 1, payload: [])
        for prefix in [[], complete, data, ended] {
            let decoded = decode(prefix + lone)
            #expect(decoded.error?.code == .protocolError)
            #expect(decoded.error?.scope == .connection)
        }
    }

    @Test(arguments: [
        rawFrame(type: 0x0, stream: 1, payload: [1]),
        rawFrame(type: 0x9, stream: 3, payload: [1]),
        rawFrame(type: 0x1, flags: 0x4, stream: 1, payload: [1]),
        rawFrame(type: 0x2, stream: 1, payload: [0, 0, 0, 0, 1]),
        rawFrame(type: 0x3, stream: 1, payload: [0, 0, 0, 8]),
        rawFrame(type: 0x4, stream: 0, payload: []),
        rawFrame(type: 0x6, stream: 0, payload: [UInt8](repeating: 0, count: 8)),
        rawFrame(type: 0x8, stream: 0, payload: [0, 0, 0, 1]),
        rawFrame(type: 0x10, stream: 0, payload: [0, 0, 0, 1]),
        rawFrame(type: 0xFA, stream: 1, payload: []),
    ])
    func otherFrameInsideFieldBlockIsConnectionProtocolError(intruder: [UInt8]) {
        // RFC 9113 §4.3, §6.2: a field block is a contiguous run of frames; any other frame
        // or a frame on another stream is a connection error PROTOCOL_ERROR.
        let decoded = decode(headers + intruder)
        #expect(decoded.results.count == 1)
        #expect(decoded.error?.code == .protocolError)
        #expect(decoded.error?.scope == .connection)
    }

    @Test func pushPromiseOpensFieldBlock() {
        let promise = rawFrame(type: 0x5, stream: 1, payload: be32(2) + [0x82])
        let bad = decode(promise + rawFrame(type: 0x0, stream: 1, payload: []))
        #expect(bad.error?.code == .protocolError)
        let good = decode(promise + rawFrame(type: 0x9, flags: 0x4, stream: 1, payload: []))
        #expect(good.error == nil)
    }

    @Test func intruderRejectedFromHeaderAlone() {
        // The reader rejects an interleaved frame as soon as its header arrives.
        var reader = FrameReader()
        let intruder = rawFrame(type: 0x0, stream: 1, payload: [UInt8](repeating: 0, count: 1000))
        let decoded = decode(headers + Array(intruder.prefix(9)), with: &reader)
        #expect(decoded.error?.code == .protocolError)
    }
}

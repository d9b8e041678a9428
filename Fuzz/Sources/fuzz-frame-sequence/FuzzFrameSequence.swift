// fuzz-frame-sequence: a server Connection fed mostly valid client frames that the input
// describes (a small language below), so deep engine states (open streams, queued DATA,
// flow-control edges, CONTINUATION runs, resets, GOAWAY) come within reach; driven and
// checked by EngineHarness between flushes.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0   the harness options (EngineHarness.swift)
//   byte 1   the harness flags (EngineHarness.swift; bit 0 ignored: the harness always
//            sends the preface, the client's SETTINGS below and, unless bit 1, the ACK)
//   byte 2   the client's SETTINGS: bits 0-1 INITIAL_WINDOW_SIZE (none, 0, 100, 2^20);
//            bit 2 MAX_FRAME_SIZE 2^24-1; bit 3 HEADER_TABLE_SIZE 0; bit 4
//            MAX_CONCURRENT_STREAMS 0; bit 5 ENABLE_PUSH 0; bits 6-7 our HPACK encoder's
//            Huffman policy (whenShorter, never, always, whenShorter)
//   then ops, each [op] [argument octets...]: op bits 0-3 the kind, bits 4-6 a parameter
//   p, bit 7 flush after the op (hand what was generated to the connection, one step,
//   1 ms later). Streams are chosen by a 3-bit selector (streamFor): 0 the next new
//   stream for a request, the newest opened for other frames; 1 the other way round;
//   2 the one opened before the newest, 3 the oldest, 4 stream 0, 5 stream 2, 6 a new
//   stream two ids ahead (skipping one), 7 stream 2^31-1.
//    0 HEADERS, a request: [a] bits 0-2 stream, 3 END_STREAM, 4 PADDED, 5 PRIORITY,
//      6 split into CONTINUATIONs, 7 never-indexed fields; p the field recipe (fields);
//      then [m] the recipe's variation, [pad length] if PADDED, [dependency] [weight] if
//      PRIORITY (dependency bits 0-2 stream, 3 itself, 7 exclusive), [split] if split
//      (bits 0-1: 2-5 fragments, bit 2 a PING inside the block, bit 3 no END_HEADERS)
//    1 DATA: [a] bits 0-2 stream, 3 END_STREAM, 4 PADDED, 5-7 length (dataLengths);
//      [pad length] if PADDED
//    2 HEADERS, trailers: [a] bits 0-2 stream, 3 no END_STREAM, 4-5 fields (valid, with
//      :status, uppercase name, empty)
//    3 RST_STREAM: [a] bits 0-2 stream, 3-7 error code; p bit 0: 5 octets long
//    4 WINDOW_UPDATE: [a] bits 0-2 stream, 3-6 increment (increments; 15: 4 more octets);
//      p bit 0: 3 octets long
//    5 SETTINGS: p 0-1 ACK, 2 ACK with a payload, 7 a payload of 5 octets, else p-2
//      settings of [identifier (settingIDs)] [value (settingValues; 15: 4 more octets)]
//    6 PING: p bit 0 ACK, bit 1 7 octets long; [opaque]
//    7 GOAWAY: [a] bits 0-2 last stream; [code]; debug data of 10 * p octets
//    8 PRIORITY: [a] bits 0-2 stream, 3 on itself, 4 exclusive, 5-7 dependency stream;
//      p bit 0: 4 octets long
//    9 CONTINUATION outside a block: [a] bits 0-2 stream, 3 END_HEADERS; 2 * p octets
//   10 a frame of another type: [type] [flags] [a] bits 0-2 stream; 3 * p octets
//      (type 0x10 with p 7: a valid PRIORITY_UPDATE)
//   11 PUSH_PROMISE (a server never accepts one): [a] bits 0-2 stream
//   12 raw octets: [n] then n octets of the input as they are
//   13 flush with an action: [a] bits 0-2 clock advance (advances), 3 reset the oldest
//      stream, 4 reset the newest, 5 hold responses, 6-7 cut into chunks (all, 1, 7, 100
//      octets)
//   14 HPACK dynamic table size update before the next block: p picks the size
//      (tableSizes; above 4096 is a COMPRESSION_ERROR for the server)
//   15 a DATA burst: [a] bits 0-2 stream, 3-4 frame size (16384, 8192, 1000, 16385),
//      5 END_STREAM on the last; p + 1 frames
// At the end of the input whatever was generated is flushed, then the harness finishes.
import EngineHarness
import FuzzDriver
import HPACK
import HTTP2

private let dataLengths = [0, 1, 10, 100, 1000, 4096, 16_384, 16_385]
private let increments: [UInt32] = [0, 1, 100, 1000, 16_384, 65_535, 65_536, 1 << 20, 0x7FFF_FFFF,
                                    0x7FFF_FFFF - 65_535, 0x7FFF_FFFE, 0x8000_0001, 1 << 30, 0x7FFF_0000, 10_000_000]
private let settingIDs: [UInt16] = [1, 2, 3, 4, 5, 6, 8, 9, 0, 7, 0xa, 0xff, 4, 4, 5, 1]
private let settingValues: [UInt32] = [0, 1, 100, 4096, 16_383, 16_384, 16_385, 65_535, 65_536, 1 << 20,
                                       16_777_215, 16_777_216, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
private let advances: [UInt64] = [0, 1_000_000, 10_000_000, 300_000_000, 2_000_000_000, 6_000_000_000,
                                  11_000_000_000, 40_000_000_000]
private let tableSizes = [0, 100, 256, 1024, 4096, 4097, 8192, 65_536]
private let filler = [UInt8](repeating: 0x61, count: 70_000)

private struct Input {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var atEnd: Bool { position >= bytes.count }
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }
    mutating func uint32() -> UInt32 {
        (0..<4).reduce(0) { value, _ in value << 8 | UInt32(byte()) }
    }
    mutating func raw(_ count: Int) -> [UInt8] {
        let length = min(count, bytes.count - position)
        defer { position += length }
        return Array(bytes[position..<(position + length)])
    }
}

/// The client: generates frames into `writer`, remembers the streams it opened.
private struct Client {
    var writer = FrameWriter(peerMaxFrameSize: FrameReader.largestMaxFrameSize)
    /// Generated octets not yet handed to the connection.
    var out: [UInt8] = []
    var encoder = HPACKEncoder()
    var nextStream: UInt32 = 1
    var opened: [UInt32] = []
    let trace: Bool

    init(huffman: HPACKEncoder.HuffmanPolicy, trace: Bool) {
        encoder.huffman = huffman
        self.trace = trace
    }

    /// A stream for a 3-bit selector; `opening` when HEADERS will use it (a new stream is
    /// then taken).
    mutating func streamFor(_ selector: UInt8, opening: Bool) -> UInt32 {
        switch selector & 7 {
        case 0 where opening, 1 where !opening:
            let id = nextStream
            if opening { open(id) }
            return id
        case 0, 1: return opened.last ?? 1
        case 2: return opened.count >= 2 ? opened[opened.count - 2] : 3
        case 3: return opened.first ?? 1
        case 4: return 0
        case 5: return 2
        case 6:
            let id = nextStream + 2
            if opening { open(id) }
            return id
        default: return 0x7FFF_FFFF
        }
    }

    private mutating func open(_ id: UInt32) {
        opened.append(id)
        if opened.count > 64 { opened.removeFirst() }
        nextStream = max(nextStream, id + 2)
    }

    mutating func emit(_ frame: Frame) {
        if trace { print("  gen: \(String(describing: frame).prefix(160))") }
        writer.write(frame)
        out += writer.bytes
        writer.clear()
    }

    /// A frame header and payload as given (for lengths the frame types refuse).
    mutating func emitRaw(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        if trace { print("  gen: raw type 0x\(String(type, radix: 16)) flags 0x\(String(flags, radix: 16)) stream \(stream) length \(payload.count)") }
        payload.withUnsafeBytes { bytes in
            writer.write(.unknown(UnknownFrame(type: FrameType(type), flags: FrameFlags(rawValue: flags),
                                               streamID: StreamID(stream), payload: BorrowedBytes(bytes))))
        }
        out += writer.bytes
        writer.clear()
    }
}

private let extras: [(String, String)] = [
    ("user-agent", "fuzz"), ("accept", "*/*"), ("cookie", "a=b"), ("cookie", "c=d"),
    ("te", "trailers"), ("host", "example.com"), ("x-empty", ""), ("accept-encoding", "gzip, br"),
]
private let invalidFields: [(String, String)] = [
    ("Accept", "*/*"), ("a b", "1"), ("", "empty name"), (":", "colon"), ("x-crlf", "a\r\nb"), ("x-nul", "a\u{0}b"),
    ("x-space", " x"), ("x-tab", "x\t"), ("connection", "close"), ("keep-alive", "timeout=5"),
    ("proxy-connection", "keep-alive"), ("transfer-encoding", "chunked"), ("upgrade", "h2c"), ("te", "gzip"),
    ("caf\u{e9}", "1"), ("x-del", "a\u{7f}"),
]

/// Recipe `recipe` (the op's p) with variation `m`: a request field list.
private func fields(_ recipe: UInt8, _ m: UInt8) -> [(String, String)] {
    var base = [(":method", "GET"), (":scheme", "https"), (":path", "/"), (":authority", "example.com")]
    switch recipe & 7 {
    case 0:
        base[0].1 = ["GET", "HEAD", "OPTIONS", "DELETE"][Int(m & 3)]
        base[2].1 = ["/", "/index.html?q=1", "*", "/a/b"][Int(m >> 2 & 3)]
        return base
    case 1:
        base[0].1 = "POST"
        let lengths = ["0", "5", "10", "100", "abc", "-1", "5, 5", "18446744073709551616"]
        base.append(("content-length", lengths[Int(m & 7)]))
        base.append(("content-type", "text/plain"))
        if m & 8 != 0 { base.append(("content-length", m & 16 != 0 ? "7" : lengths[Int(m & 7)])) }
        return base
    case 2:
        for bit in 0..<8 where m & (1 << bit) != 0 { base.append(extras[bit]) }
        return base
    case 3:
        switch m & 3 {
        case 0: return [(":method", "CONNECT"), (":authority", "example.com:443")]
        case 1: return [(":method", "CONNECT"), (":authority", "example.com:443"), (":path", "/")]
        case 2: return [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", "/chat"),
                        (":authority", "example.com")]
        default: return [(":method", "CONNECT")]
        }
    case 4:
        base.remove(at: Int(m & 3))
        if m & 4 != 0 { base.append((":status", "200")) }
        if m & 8 != 0 { base.append((":foo", "bar")) }
        if m & 16 != 0 { base.append((":path", "/again")) }
        if m & 32 != 0 { base += [("accept", "*/*"), (":path", "/late")] }
        return base
    case 5:
        base.append(invalidFields[Int(m & 15)])
        return base
    case 6:
        if m & 0x80 != 0 {
            for index in 0..<Int(m & 0x7f) { base.append(("x-n\(index)", "v")) }
        } else {
            base.append(("x-big", String(repeating: "v", count: Int(m) * 64)))
        }
        return base
    default:
        switch m & 7 {
        case 0: base.append(("host", "other.org"))
        case 1: base.remove(at: 3); base.append(("host", "example.com"))
        case 2: base[3].1 = "user@example.com"
        case 3: base[3].1 = ""
        case 4: base[2].1 = "index"
        case 5: base[1].1 = "HTTP"
        case 6: base[1].1 = "ftp"
        default: base[2].1 = "/a b"
        }
        return base
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Input(bytes: UnsafeBufferPointer(start: data, count: size))
    let trace = fuzz_trace_enabled() != 0
    let options = input.byte()
    let flags = input.byte() & 0xfe
    let settingsByte = input.byte()
    let harness = EngineHarness(options: options, flags: flags, trace: trace)
    var settings: [Setting] = []
    if settingsByte & 3 != 0 { settings.append(Setting(.initialWindowSize, [0, 0, 100, 1 << 20][Int(settingsByte & 3)])) }
    if settingsByte & 4 != 0 { settings.append(Setting(.maxFrameSize, 16_777_215)) }
    if settingsByte & 8 != 0 { settings.append(Setting(.headerTableSize, 0)) }
    if settingsByte & 16 != 0 { settings.append(Setting(.maxConcurrentStreams, 0)) }
    if settingsByte & 32 != 0 { settings.append(Setting(.enablePush, 0)) }
    harness.start(clientSettings: settings)
    var client = Client(huffman: [.whenShorter, .never, .always, .whenShorter][Int(settingsByte >> 6)], trace: trace)

    func flush(advance: UInt64 = 1_000_000, action: StepAction = [], chunk: Int = Int.max) {
        let bytes = client.out
        client.out.removeAll(keepingCapacity: true)
        var offset = 0
        repeat {
            let end = min(offset + chunk, bytes.count)
            let last = end == bytes.count
            bytes.withUnsafeBytes { all in
                harness.step(UnsafeRawBufferPointer(rebasing: all[offset..<end]), advance: last ? advance : 0,
                             action: last ? action : [])
            }
            offset = end
        } while offset < bytes.count
    }

    while !input.atEnd {
        let op = input.byte()
        let p = op >> 4 & 7
        switch op & 15 {
        case 0:
            let a = input.byte()
            let stream = StreamID(client.streamFor(a, opening: true))
            let m = input.byte()
            let indexing: HeaderIndexing = a & 0x80 != 0 ? .neverIndexed : .indexable
            var block: [UInt8] = []
            client.encoder.encode(fields(p, m).map { HeaderField($0.0, $0.1, indexing: indexing) }, into: &block)
            let padLength: UInt8? = a & 0x10 != 0 ? input.byte() : nil
            var priority: PriorityParameters?
            if a & 0x20 != 0 {
                let dependency = input.byte()
                let on = dependency & 8 != 0 ? stream : StreamID(client.streamFor(dependency, opening: false))
                priority = PriorityParameters(exclusive: dependency & 0x80 != 0, dependency: on, weight: input.byte())
            }
            let split = a & 0x40 != 0 ? input.byte() : nil
            let endStream = a & 8 != 0
            block.withUnsafeBytes { bytes in
                guard let split else {
                    client.emit(.headers(HeadersFrame(streamID: stream, fieldBlockFragment: BorrowedBytes(bytes),
                                                      endStream: endStream, endHeaders: true, priority: priority,
                                                      padLength: padLength)))
                    return
                }
                let pieces = 2 + Int(split & 3)
                let step = (bytes.count + pieces - 1) / pieces
                for index in 0..<pieces {
                    let lower = min(index * step, bytes.count)
                    let upper = index == pieces - 1 ? bytes.count : min(lower + step, bytes.count)
                    let fragment = BorrowedBytes(UnsafeRawBufferPointer(rebasing: bytes[lower..<upper]))
                    let last = index == pieces - 1 && split & 8 == 0
                    if index == 0 {
                        client.emit(.headers(HeadersFrame(streamID: stream, fieldBlockFragment: fragment, endStream: endStream,
                                                          endHeaders: false, priority: priority, padLength: padLength)))
                        if split & 4 != 0 { client.emit(.ping(PingFrame(opaqueData: 7))) }
                    } else {
                        client.emit(.continuation(ContinuationFrame(streamID: stream, fieldBlockFragment: fragment,
                                                                    endHeaders: last)))
                    }
                }
            }
        case 1:
            let a = input.byte()
            let stream = StreamID(client.streamFor(a, opening: false))
            let padLength: UInt8? = a & 0x10 != 0 ? input.byte() : nil
            filler.withUnsafeBytes { bytes in
                let data = BorrowedBytes(UnsafeRawBufferPointer(rebasing: bytes[..<dataLengths[Int(a >> 5)]]))
                client.emit(.data(DataFrame(streamID: stream, data: data, endStream: a & 8 != 0, padLength: padLength)))
            }
        case 2:
            let a = input.byte()
            let stream = StreamID(client.streamFor(a, opening: false))
            let trailers: [HeaderField] = [
                [HeaderField("x-trailer", "1")], [HeaderField(":status", "200")], [HeaderField("X-Trailer", "1")], [],
            ][Int(a >> 4 & 3)]
            var block: [UInt8] = []
            client.encoder.encode(trailers, into: &block)
            block.withUnsafeBytes { bytes in
                client.emit(.headers(HeadersFrame(streamID: stream, fieldBlockFragment: BorrowedBytes(bytes),
                                                  endStream: a & 8 == 0, endHeaders: true)))
            }
        case 3:
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            let code = UInt32(a >> 3)
            if p & 1 != 0 {
                client.emitRaw(type: 0x3, flags: 0, stream: stream, payload: [0, 0, 0, UInt8(code), 0])
            } else {
                client.emit(.rstStream(RSTStreamFrame(streamID: StreamID(stream), errorCode: HTTP2ErrorCode(code))))
            }
        case 4:
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            let choice = Int(a >> 3 & 15)
            let increment = choice < increments.count ? increments[choice] : input.uint32()
            if p & 1 != 0 {
                client.emitRaw(type: 0x8, flags: 0, stream: stream, payload: [0, 0, 1])
            } else {
                // Written by hand: WindowUpdateFrame drops the reserved bit, this keeps it.
                client.emitRaw(type: 0x8, flags: 0, stream: stream,
                               payload: [UInt8(increment >> 24), UInt8(increment >> 16 & 0xff),
                                         UInt8(increment >> 8 & 0xff), UInt8(increment & 0xff)])
            }
        case 5:
            switch p {
            case 0, 1: client.emitRaw(type: 0x4, flags: 1, stream: 0, payload: [])
            case 2: client.emitRaw(type: 0x4, flags: 1, stream: 0, payload: [0, 4, 0, 0, 0, 1])
            case 7: client.emitRaw(type: 0x4, flags: 0, stream: 0, payload: [0, 4, 0, 0, 1])
            default:
                var payload: [UInt8] = []
                for _ in 0..<(p - 2) {
                    let identifier = settingIDs[Int(input.byte() & 15)]
                    let choice = Int(input.byte() & 15)
                    let value = choice < settingValues.count ? settingValues[choice] : input.uint32()
                    payload += [UInt8(identifier >> 8), UInt8(identifier & 0xff),
                                UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
                }
                client.emitRaw(type: 0x4, flags: 0, stream: 0, payload: payload)
            }
        case 6:
            let opaque = UInt64(input.byte())
            if p & 2 != 0 {
                client.emitRaw(type: 0x6, flags: p & 1, stream: 0, payload: [0, 0, 0, 0, 0, 0, UInt8(opaque)])
            } else {
                client.emit(.ping(PingFrame(ack: p & 1 != 0, opaqueData: opaque)))
            }
        case 7:
            let a = input.byte()
            let last = StreamID(client.streamFor(a, opening: false))
            let code = HTTP2ErrorCode(UInt32(input.byte()))
            filler.withUnsafeBytes { bytes in
                client.emit(.goAway(GoAwayFrame(lastStreamID: last, errorCode: code,
                                                debugData: BorrowedBytes(UnsafeRawBufferPointer(rebasing: bytes[..<(10 * Int(p))])))))
            }
        case 8:
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            let dependency = a & 8 != 0 ? stream : client.streamFor(a >> 5, opening: false)
            let word = dependency | (a & 0x10 != 0 ? 0x8000_0000 : 0)
            var payload = [UInt8(word >> 24), UInt8(word >> 16 & 0xff), UInt8(word >> 8 & 0xff), UInt8(word & 0xff), 15]
            if p & 1 != 0 { payload.removeLast() }
            client.emitRaw(type: 0x2, flags: 0, stream: stream, payload: payload)
        case 9:
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            client.emitRaw(type: 0x9, flags: a & 8 != 0 ? 4 : 0, stream: stream, payload: input.raw(2 * Int(p)))
        case 10:
            let type = input.byte()
            let flagsOctet = input.byte()
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            if type == 0x10 && p == 7 {
                let target = client.streamFor(flagsOctet, opening: false)
                client.emitRaw(type: 0x10, flags: 0, stream: 0,
                               payload: [UInt8(target >> 24), UInt8(target >> 16 & 0xff), UInt8(target >> 8 & 0xff),
                                         UInt8(target & 0xff)] + Array("u=3, i".utf8))
            } else {
                client.emitRaw(type: type, flags: flagsOctet, stream: stream, payload: input.raw(3 * Int(p)))
            }
        case 11:
            let a = input.byte()
            let stream = client.streamFor(a, opening: false)
            var block: [UInt8] = []
            client.encoder.encode(fields(0, 0).map { HeaderField($0.0, $0.1) }, into: &block)
            client.emitRaw(type: 0x5, flags: 4, stream: stream, payload: [0, 0, 0, 2] + block)
        case 12:
            let count = Int(input.byte())
            let bytes = input.raw(count)
            if trace { print("  gen: \(bytes.count) raw octets") }
            client.out += bytes
        case 13:
            let a = input.byte()
            var action: StepAction = []
            if a & 8 != 0 { action.insert(.resetOldest) }
            if a & 16 != 0 { action.insert(.resetNewest) }
            if a & 32 != 0 { action.insert(.holdResponses) }
            flush(advance: advances[Int(a & 7)], action: action, chunk: [Int.max, 1, 7, 100][Int(a >> 6)])
        case 14:
            client.encoder.setMaxTableSize(tableSizes[Int(p)])
            if trace { print("  gen: table size \(tableSizes[Int(p)]) for the next block") }
        default:
            let a = input.byte()
            let stream = StreamID(client.streamFor(a, opening: false))
            let length = [16_384, 8192, 1000, 16_385][Int(a >> 3 & 3)]
            filler.withUnsafeBytes { bytes in
                let data = BorrowedBytes(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
                for index in 0...Int(p) {
                    client.emit(.data(DataFrame(streamID: stream, data: data, endStream: index == Int(p) && a & 0x20 != 0)))
                }
            }
        }
        if op & 0x80 != 0 { flush() }
    }
    flush()
    harness.finish()
    return 0
}

/// The `main` that `swift build -Xswiftc -sanitize=fuzzer` links (see FuzzDriver.h).
@_cdecl("fuzz_frame_sequence_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

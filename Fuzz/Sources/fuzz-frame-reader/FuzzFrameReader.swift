// fuzz-frame-reader: FrameReader (RFC 9113 §4) on arbitrary bytes in arbitrary chunks.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0        bits 0-2: the reader's SETTINGS_MAX_FRAME_SIZE (maxFrameSizes)
//                 bits 3-5: copy the chunked reader (the struct) right after its result
//                   number 1...7 and let the copy read the rest too; 0: no copy
//                 bit 6: complete a trailing partial frame with zero octets (up to 256 KiB),
//                   so large frames need no large input
//                 bit 7: an extra call with an empty chunk after every chunk
//   bytes 1-7     chunk sizes, used in turn (chunkSize); after 2048 chunks the rest is one
//   the rest      the byte stream
//
// The stream goes to two readers: `whole`, which gets it in one call, and `chunked`, which
// gets it cut into chunks, each copied into an allocation of exactly its size (ASan sees a
// read past a chunk). Errors are fine; a trap is a finding, and so is a broken invariant:
//   - both readers give the same frames and stream errors in the same order, end with the
//     same connection error (or none), and then hold the same partial frame and field
//     block state;
//   - every frame re-serialized with FrameWriter.write is the octets it was parsed from,
//     except what the writer must drop (undefined flags, reserved bits, padding contents),
//     and parses back (Frame.parse) to an equal frame;
//   - a stream error names the frame's stream; thrown errors are connection errors; after
//     one, every later call throws the same error;
//   - nextFrame returns nil only with the chunk used up, holding less than one frame;
//   - a copy of the chunked reader made right after it handed out a frame (the fork)
//     continues exactly like the original, and calls on the copy leave that frame (whose
//     views are valid until the next call on the original) intact.
import FuzzDriver
import HTTP2

private let maxFrameSizes = [16_384, 16_384, 16_385, 20_000, 65_535, 1 << 20, 16_777_215, 16_384]
/// Padding added by bit 6 at most.
private let paddingLimit = 256 << 10
/// Chunks at most; the rest of the stream is then one chunk (keeps large inputs fast).
private let chunkLimit = 2048

/// A chunk size code: 0 is an empty call then one octet; 1...0xef that many octets;
/// 0xf0...0xff 4 KiB to 64 KiB.
private func chunkSize(_ code: UInt8) -> Int {
    switch code {
    case 0: return 0
    case 0xf0...0xff: return (Int(code) - 0xef) * 4096
    default: return Int(code)
    }
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: " + message()) }
}

private func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// What one call gave, kept as octets (views die at the next call).
private enum Record: Equatable, CustomStringConvertible {
    /// A frame, re-serialized.
    case frame([UInt8])
    /// A stream error, and the re-serialized HEADERS frame that came with it, if any.
    case streamError(HTTP2Error, [UInt8]?)

    var description: String {
        switch self {
        case .frame(let bytes): return "frame " + hex(bytes.prefix(64)) + (bytes.count > 64 ? "... (\(bytes.count))" : "")
        case .streamError(let error, let headers):
            return "\(error)" + (headers.map { " with HEADERS " + hex($0.prefix(64)) } ?? "")
        }
    }
}

private func serialize(_ frame: Frame) -> [UInt8] {
    var writer = FrameWriter(peerMaxFrameSize: FrameReader.largestMaxFrameSize, capacity: 0)
    writer.write(frame)
    return writer.bytes
}

private func record(_ result: FrameResult) -> Record {
    switch result {
    case .frame(let frame): return .frame(serialize(frame))
    case .streamError(let error, let headers): return .streamError(error, headers.map { serialize(.headers($0)) })
    }
}

/// Flags each known type defines (RFC 9113 §6, RFC 9218 §7.1); unknown types keep all.
private func definedFlags(_ type: UInt8) -> UInt8 {
    switch type {
    case 0x0: return 0x01 | 0x08              // DATA: END_STREAM, PADDED
    case 0x1: return 0x01 | 0x04 | 0x08 | 0x20 // HEADERS: END_STREAM, END_HEADERS, PADDED, PRIORITY
    case 0x4, 0x6: return 0x01               // SETTINGS, PING: ACK
    case 0x5: return 0x04 | 0x08              // PUSH_PROMISE: END_HEADERS, PADDED
    case 0x9: return 0x04                     // CONTINUATION: END_HEADERS
    case 0x2, 0x3, 0x7, 0x8, 0x10: return 0
    default: return 0xff
    }
}

/// The octets the writer must produce for a frame parsed from `original`: undefined flags
/// and reserved bits cleared, padding zeroed (RFC 9113 §4.1, §6.1).
private func normalized(_ original: UnsafeRawBufferPointer) -> [UInt8] {
    var bytes = Array(original)
    let type = bytes[3]
    bytes[4] &= definedFlags(type)
    bytes[5] &= 0x7f
    let payload = 9
    let padded = bytes[4] & 0x08 != 0
    switch type {
    case 0x0, 0x1, 0x5:
        if padded {
            let padLength = Int(bytes[payload])
            for index in (bytes.count - padLength)..<bytes.count { bytes[index] = 0 }
        }
        if type == 0x5 { bytes[payload + (padded ? 1 : 0)] &= 0x7f }  // Promised Stream ID
    case 0x7, 0x8, 0x10:
        bytes[payload] &= 0x7f  // Last-Stream-ID, Window Size Increment, Prioritized Stream ID
    default:
        break
    }
    return bytes
}

/// Re-serializes a result of the whole-input reader and compares it with the octets it
/// came from; parses the re-serialized frame back.
private func checkRoundTrip(_ result: FrameResult, _ original: UnsafeRawBufferPointer, number: Int) {
    let streamID = StreamID(original.loadUnaligned(fromByteOffset: 5, as: UInt32.self).bigEndian)
    let frame: Frame
    switch result {
    case .frame(let parsed):
        frame = parsed
    case .streamError(let error, let headers):
        check(error.streamID == streamID && streamID != .connection,
              "frame \(number): stream error \(error) for a frame on stream \(streamID)")
        guard let headers else { return }
        check(original[3] == 0x1, "frame \(number): HEADERS attached to a stream error of type \(original[3])")
        frame = .headers(headers)
    }
    check(frame.streamID == streamID, "frame \(number): parsed stream \(frame.streamID), header says \(streamID)")
    check(frame.type.rawValue == original[3], "frame \(number): parsed type \(frame.type), header says \(original[3])")
    let bytes = serialize(frame)
    let expected = normalized(original)
    check(bytes == expected, "frame \(number) (\(frame)): re-serialized as\n  \(hex(bytes))\nfrom\n  \(hex(original))\nexpected\n  \(hex(expected))")
    bytes.withUnsafeBytes { raw in
        guard let header = FrameHeader(parsing: raw) else { fatalError("invariant broken: frame \(number): short output") }
        let again: FrameResult
        do throws(HTTP2Error) {
            again = try Frame.parse(header, BorrowedBytes(UnsafeRawBufferPointer(rebasing: raw[9...])))
        } catch {
            fatalError("invariant broken: frame \(number) (\(frame)) re-serialized does not parse: \(error)")
        }
        check(again == result, "frame \(number): parsed back as \(again), was \(result)")
    }
}

/// A chunk in an allocation of exactly its size.
private func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { copy.deallocate() }
    if bytes.count > 0 { copy.copyMemory(from: bytes) }
    return body(UnsafeRawBufferPointer(copy))
}

/// After a connection error every call throws it again, whatever the input.
private func checkFinished(_ reader: inout FrameReader, _ error: HTTP2Error, rest: UnsafeRawBufferPointer) {
    var empty = UnsafeRawBufferPointer(start: nil, count: 0)
    var input = rest
    for attempt in 0..<2 {
        do throws(HTTP2Error) {
            let result = attempt == 0 ? try reader.nextFrame(from: &input) : try reader.nextFrame(from: &empty)
            fatalError("invariant broken: after \(error), nextFrame gave \(String(describing: result))")
        } catch let again {
            check(again == error, "after \(error), nextFrame threw \(again)")
        }
    }
    check(reader.connectionError == error, "connectionError changed after \(error)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    func byte(_ index: Int) -> UInt8 { index < size ? input[index] : 0 }
    let setup = byte(0)
    let maxFrameSize = maxFrameSizes[Int(setup & 7)]
    let forkAfter = Int(setup >> 3 & 7)
    let completeLastFrame = setup & 0x40 != 0
    let emptyCalls = setup & 0x80 != 0
    let sizes = (1...7).map { chunkSize(byte($0)) }
    let trace = fuzz_trace_enabled() != 0

    var stream = size > 8 ? Array(input[8...]) : []
    if completeLastFrame {
        // Walk the frame headers; give a frame cut by the end its missing payload as zeros.
        var offset = 0
        while offset + 9 <= stream.count {
            let length = Int(stream[offset]) << 16 | Int(stream[offset + 1]) << 8 | Int(stream[offset + 2])
            offset += 9 + length
        }
        if offset > stream.count && offset - stream.count <= paddingLimit {
            stream.append(contentsOf: repeatElement(0, count: offset - stream.count))
        }
    }
    if trace { print("max frame size \(maxFrameSize), chunks \(sizes), fork after \(forkAfter), stream \(stream.count) octets") }

    stream.withUnsafeBytes { all in
        // 1. The whole stream in one call, in an exact-size copy.
        var whole = FrameReader(maxFrameSize: maxFrameSize)
        var wholeRecords: [Record] = []
        var wholeError: HTTP2Error?
        withExactCopy(all) { bytes in
            var rest = bytes
            var number = 0
            while true {
                let start = bytes.count - rest.count
                let result: FrameResult?
                do throws(HTTP2Error) {
                    result = try whole.nextFrame(from: &rest)
                } catch {
                    check(error.isConnectionError, "a stream error was thrown: \(error)")
                    wholeError = error
                    if trace { print("whole: \(error)") }
                    checkFinished(&whole, error, rest: rest)
                    return
                }
                guard let result else {
                    check(rest.isEmpty, "nextFrame returned nil with \(rest.count) octets left")
                    check(whole.bufferedByteCount == bytes.count - start,
                          "\(whole.bufferedByteCount) octets buffered, \(bytes.count - start) left over")
                    return
                }
                // Everything is in this call's input, so every frame is parsed in place.
                let end = bytes.count - rest.count
                let frameBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                check(frameBytes.count >= 9, "a frame of \(frameBytes.count) octets")
                let length = Int(frameBytes[0]) << 16 | Int(frameBytes[1]) << 8 | Int(frameBytes[2])
                check(length == frameBytes.count - 9, "frame \(number): length \(length), consumed \(frameBytes.count)")
                check(length <= maxFrameSize, "frame \(number): length \(length) above \(maxFrameSize)")
                if trace { print("whole: \(record(result))") }
                checkRoundTrip(result, frameBytes, number: number)
                wholeRecords.append(record(result))
                number += 1
            }
        }

        // 2. The same stream in chunks, with a fork of the reader.
        func compare(_ records: [Record], _ error: HTTP2Error?, _ reader: FrameReader, _ who: String) {
            for index in 0..<min(records.count, wholeRecords.count) where records[index] != wholeRecords[index] {
                fatalError("invariant broken: \(who) result \(index) is \(records[index]), whole gave \(wholeRecords[index])")
            }
            check(records.count == wholeRecords.count,
                  "\(who) gave \(records.count) results, whole \(wholeRecords.count)"
                      + " (next: \(records.count > wholeRecords.count ? records[wholeRecords.count].description : wholeRecords[records.count].description))")
            check(error == wholeError, "\(who) ended with \(String(describing: error)), whole with \(String(describing: wholeError))")
            if error == nil {
                check(reader.bufferedByteCount == whole.bufferedByteCount,
                      "\(who) holds \(reader.bufferedByteCount) octets, whole \(whole.bufferedByteCount)")
                check(reader.openFieldBlockStream == whole.openFieldBlockStream,
                      "\(who) field block \(String(describing: reader.openFieldBlockStream)), whole \(String(describing: whole.openFieldBlockStream))")
            }
        }

        var chunks: [Range<Int>] = []
        var offset = 0
        var turn = 0
        while offset < all.count {
            var length = chunks.count < chunkLimit ? sizes[turn % sizes.count] : all.count
            if length == 0 {
                chunks.append(offset..<offset)
                length = 1
            }
            let end = min(offset + length, all.count)
            chunks.append(offset..<end)
            offset = end
            turn += 1
        }

        /// Feeds `chunks` (ranges of the stream), each in an exact-size copy, recording every
        /// result; calls `onResult` after each, with the range still unread in the chunk.
        /// Returns the connection error that ended the reader, if any.
        func drive(_ reader: inout FrameReader, _ chunks: [Range<Int>], _ records: inout [Record],
                   _ onResult: (FrameReader, FrameResult, [Record], [Range<Int>]) -> Void) -> HTTP2Error? {
            for (index, chunk) in chunks.enumerated() {
                let resultsBefore = records.count
                let failure = withExactCopy(UnsafeRawBufferPointer(rebasing: all[chunk])) { bytes -> HTTP2Error? in
                    var input = bytes
                    while true {
                        let result: FrameResult?
                        do throws(HTTP2Error) {
                            result = try reader.nextFrame(from: &input)
                        } catch {
                            check(error.isConnectionError, "a stream error was thrown: \(error)")
                            checkFinished(&reader, error, rest: input)
                            return error
                        }
                        guard let result else { break }
                        records.append(record(result))
                        let unread = (chunk.upperBound - input.count)..<chunk.upperBound
                        onResult(reader, result, records, [unread] + chunks[(index + 1)...])
                    }
                    check(input.isEmpty, "nextFrame returned nil with \(input.count) octets left in the chunk")
                    check(reader.bufferedByteCount < 9 + reader.maxFrameSize,
                          "\(reader.bufferedByteCount) octets buffered, more than a frame of \(reader.maxFrameSize)")
                    if emptyCalls {
                        var empty = UnsafeRawBufferPointer(start: nil, count: 0)
                        do throws(HTTP2Error) {
                            let result = try reader.nextFrame(from: &empty)
                            check(result == nil, "an empty chunk gave \(String(describing: result))")
                        } catch {
                            fatalError("invariant broken: an empty chunk threw \(error)")
                        }
                    }
                    return nil
                }
                if trace && (records.count != resultsBefore || failure != nil) {
                    print("chunk \(index) \(chunk): \(records.count) results\(failure.map { ", \($0)" } ?? "")")
                }
                if let failure { return failure }
            }
            return nil
        }

        var chunked = FrameReader(maxFrameSize: maxFrameSize)
        var records: [Record] = []
        var fork: (reader: FrameReader, records: [Record], error: HTTP2Error?)?
        let error = drive(&chunked, chunks, &records) { reader, result, recordsSoFar, rest in
            guard recordsSoFar.count == forkAfter, fork == nil else { return }
            // A copy of the reader right after it handed out a frame. The frame's views are
            // valid until the next call on *this* reader: the copy reads everything that
            // is left, then the frame must still be what it was.
            let before = record(result)
            var copy = reader
            var copyRecords = recordsSoFar
            let copyError = drive(&copy, rest, &copyRecords) { _, _, _, _ in }
            // (Fuzz/Regressions/README.md: calls on a copy once freed this frame's memory.)
            check(record(result) == before,
                  "the reader's last frame changed while a copy of the reader read on: \(before) -> \(record(result))")
            fork = (copy, copyRecords, copyError)
        }
        compare(records, error, chunked, "chunked")
        if let fork { compare(fork.records, fork.error, fork.reader, "fork") }
    }
    return 0
}

/// The `main` that `swift build -Xswiftc -sanitize=fuzzer` links (see FuzzDriver.h).
@_cdecl("fuzz_frame_reader_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

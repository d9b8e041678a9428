// fuzz-hpack-roundtrip: bytes -> header lists -> HPACKEncoder -> HPACKDecoder -> the same
// lists, over several header blocks with one encoder and one decoder (one connection), with
// table size changes (SETTINGS_HEADER_TABLE_SIZE) between blocks.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0     bits 0-3 the table size both sides start with (tableSizes); bit 4 Huffman
//              .never (else .whenShorter); bit 5 policy .indexEverything (else .default);
//              bits 6-7 the encoder's tableSizeCap (caps)
//   blocks     [h] then (h & 3) size-change bytes (tableSizes[b & 15] each: the encoder's
//              setMaxTableSize and the decoder's setMaxAllowedTableSize, as when SETTINGS
//              are acknowledged), then h >> 2 fields
//   a field    [f] then name, then value, then repeat counts:
//              f bits 0-1 indexing (1 .notIndexed, 2 .neverIndexed, else .indexable)
//              f bits 2-3 name source, bits 4-5 value source: 0 [len] bytes; 1 [i] a
//                well-known name or value; 2 [i] one used earlier; 3 [len hi][len lo] bytes
//              f bits 6-7: 2 [r] the value repeated r + 2 times; 3 [r] the name likewise
//              (a field that would take the block's list past 128 KiB is left out)
//
// Traps (findings): a block that fails to decode; a decoded list that differs from the
// encoded one in count, names, values (raw bytes) or never-indexed flags (a never-indexed
// field must stay never-indexed, RFC 7541 §6.2.3; a field the encoder must not index,
// per its policy, comes back never-indexed too; no other field does); encoder and decoder
// tables out of sync after a block.
import FuzzDriver
import HPACK

private let tableSizes = [0, 1, 31, 32, 33, 64, 100, 128, 256, 300, 512, 1024, 2048, 4096, 8192, 65536]
private let caps = [65536, 4096, 256, 0]

private let knownNames: [[UInt8]] = [
    ":authority", ":method", ":path", ":scheme", ":status", ":protocol", "accept", "accept-encoding",
    "accept-language", "age", "authorization", "cache-control", "content-encoding", "content-length",
    "content-range", "content-type", "cookie", "date", "etag", "host", "if-modified-since",
    "if-none-match", "last-modified", "location", "proxy-authorization", "referer", "server",
    "set-cookie", "user-agent", "vary", "www-authenticate", "x-request-id", "x-forwarded-for",
    "grpc-timeout", "te", "", "a", "Authorization", "cookie ", "x-\u{00e9}",
].map { Array($0.utf8) }

private let knownValues: [[UInt8]] = [
    "", "GET", "POST", "/", "/index.html", "http", "https", "200", "204", "404", "500",
    "gzip, deflate", "gzip, deflate, br", "text/html", "application/json", "0", "1", "trailers",
    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "session=0123456789", "session=0123456789abcdefghij",
    "Mon, 21 Oct 2013 20:13:21 GMT", "*/*", "no-cache", "\"33a64df5\"", "en-US,en;q=0.9",
    "\u{00ff}\u{0000}\u{007f}", "  padded  ",
].map { Array($0.utf8) }

private struct Input {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var atEnd: Bool { position >= bytes.count }
    mutating func byte() -> Int {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return Int(bytes[position])
    }
    mutating func take(_ count: Int) -> [UInt8] {
        let length = min(count, bytes.count - position)
        defer { position += length }
        return Array(bytes[position..<(position + length)])
    }
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("roundtrip broken: " + message()) }
}

/// Names or values used so far in this input (the last 64), to refer back to.
private struct History {
    var items: [[UInt8]] = []
    var next = 0
    mutating func add(_ item: [UInt8]) {
        if items.count < 64 { items.append(item) } else { items[next] = item }
        next = (next + 1) % 64
    }
    func pick(_ choice: Int) -> [UInt8] { items.isEmpty ? [] : items[choice % items.count] }
}

private func string(_ source: Int, _ input: inout Input, known: [[UInt8]], history: History) -> [UInt8] {
    switch source {
    case 0: return input.take(input.byte())
    case 1: return known[input.byte() % known.count]
    case 2: return history.pick(input.byte())
    default: return input.take(input.byte() << 8 | input.byte())
    }
}

private func repeated(_ bytes: [UInt8], _ input: inout Input) -> [UInt8] {
    let times = input.byte() + 2
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * times)
    for _ in 0..<times where out.count < 1 << 17 { out.append(contentsOf: bytes) }
    return out
}

private func text(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription + (bytes.count > 40 ? "..." : "")
}

private let authorization = Array("authorization".utf8)
private let proxyAuthorization = Array("proxy-authorization".utf8)
private let cookie = Array("cookie".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Input(bytes: UnsafeBufferPointer(start: data, count: size))
    let setup = input.byte()
    let initialTableSize = tableSizes[setup & 0x0f]
    let indexEverything = setup & 0x20 != 0
    var encoder = HPACKEncoder(maxTableSize: initialTableSize, tableSizeCap: caps[setup >> 6],
                               huffman: setup & 0x10 != 0 ? .never : .whenShorter,
                               indexingPolicy: indexEverything ? .indexEverything : .default)
    var decoder = HPACKDecoder(maxTableSize: initialTableSize, maxHeaderListSize: Int.max)
    var names = History()
    var values = History()
    var headers = HeaderList()
    var decoded = HeaderList()
    var wire: [UInt8] = []
    var resized = false
    var blockNumber = 0
    let trace = fuzz_trace_enabled() != 0
    if trace {
        print("start: table \(initialTableSize), cap \(caps[setup >> 6]), huffman \(encoder.huffman), "
              + (indexEverything ? "indexEverything" : "default policy"))
    }

    while !input.atEnd {
        let head = input.byte()
        for _ in 0..<(head & 3) {
            let newSize = tableSizes[input.byte() & 0x0f]
            encoder.setMaxTableSize(newSize)
            decoder.setMaxAllowedTableSize(newSize)
            resized = true
        }
        headers.removeAll(keepingCapacity: true)
        for _ in 0..<(head >> 2) {
            let flags = input.byte()
            let indexing: HeaderIndexing = switch flags & 3 {
            case 1: .notIndexed
            case 2: .neverIndexed
            default: .indexable
            }
            var name = string((flags >> 2) & 3, &input, known: knownNames, history: names)
            var value = string((flags >> 4) & 3, &input, known: knownValues, history: values)
            if flags & 0xc0 == 0x80 { value = repeated(value, &input) }
            if flags & 0xc0 == 0xc0 { name = repeated(name, &input) }
            names.add(name)
            values.add(value)
            if headers.listSize + name.count + value.count > 1 << 17 { continue }  // keep a run cheap
            name.withUnsafeBytes { n in
                value.withUnsafeBytes { v in headers.append(name: n, value: v, indexing: indexing) }
            }
        }

        wire.removeAll(keepingCapacity: true)
        encoder.encode(headers, into: &wire)
        // An exact-size copy, so that AddressSanitizer sees any read past the block.
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: wire.count, alignment: 1)
        defer { block.deallocate() }
        wire.withUnsafeBytes { block.copyMemory(from: $0) }
        if trace {
            print("block \(blockNumber): \(headers.count) fields, \(headers.listSize) bytes -> \(wire.count) bytes "
                  + "\(wire.prefix(24).map { String(Int($0) | 0x100, radix: 16).dropFirst() }.joined())"
                  + (wire.count > 24 ? "..." : ""))
            for field in headers.prefix(8) { print("  \(field)") }
        }
        decoded.removeAll(keepingCapacity: true)
        do {
            try decoder.decode(UnsafeRawBufferPointer(block), into: &decoded)
        } catch {
            fatalError("roundtrip broken: block \(blockNumber) (\(headers.count) fields, \(wire.count) bytes) "
                       + "does not decode: \(error.code): \(error)")
        }

        check(decoded.count == headers.count,
              "block \(blockNumber): \(headers.count) fields encoded, \(decoded.count) decoded")
        for index in 0..<headers.count {
            let name = headers.nameBytes(at: index)
            let value = headers.valueBytes(at: index)
            check(decoded.nameBytes(at: index) == name && decoded.valueBytes(at: index) == value,
                  "block \(blockNumber) field \(index): \(text(name)): \(text(value)) came back as "
                      + "\(text(decoded.nameBytes(at: index))): \(text(decoded.valueBytes(at: index)))")
            let sensitive = headers.indexing(at: index) == .neverIndexed
                || (!indexEverything && (name.elementsEqual(authorization) || name.elementsEqual(proxyAuthorization)
                                         || (name.elementsEqual(cookie) && value.count < 20)))
            check((decoded.indexing(at: index) == .neverIndexed) == sensitive,
                  "block \(blockNumber) field \(index) \(text(name)): sent \(headers.indexing(at: index)), "
                      + "decoded \(decoded.indexing(at: index))")
        }

        if trace {
            print("  tables: encoder \(encoder.tableCount) entries, \(encoder.tableSize)/\(encoder.tableMaxSize) "
                  + "bytes; decoder \(decoder.tableCount), \(decoder.tableSize)/\(decoder.tableMaxSize)")
        }
        check(decoder.tableSize <= decoder.tableMaxSize && encoder.tableSize <= encoder.tableMaxSize,
              "table over its maximum")
        if resized {
            // Once a size change was signalled both sides agree on the maximum.
            check(encoder.tableMaxSize == decoder.tableMaxSize,
                  "table maximum: encoder \(encoder.tableMaxSize), decoder \(decoder.tableMaxSize)")
        }
        if encoder.tableMaxSize == decoder.tableMaxSize {
            check(encoder.tableSize == decoder.tableSize && encoder.tableCount == decoder.tableCount,
                  "after block \(blockNumber) the encoder's table has \(encoder.tableCount) entries, "
                      + "\(encoder.tableSize) bytes, the decoder's \(decoder.tableCount), \(decoder.tableSize)")
        } else {
            // An encoder may use less than the maximum (tableSizeCap): its entries are then
            // the newest of the decoder's.
            check(encoder.tableMaxSize < decoder.tableMaxSize && encoder.tableCount <= decoder.tableCount
                      && encoder.tableSize <= decoder.tableSize,
                  "the capped encoder's table is not within the decoder's")
        }
        blockNumber += 1
    }
    return 0
}

/// The `main` that `swift build -Xswiftc -sanitize=fuzzer` links (see FuzzDriver.h).
@_cdecl("fuzz_hpack_roundtrip_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

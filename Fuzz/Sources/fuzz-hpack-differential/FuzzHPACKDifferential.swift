// fuzz-hpack-differential: our HPACKDecoder against an independent reference decoder
// (below: RFC 7541 read naively, no code shared with Sources/HPACK), against the header
// lists that other implementations' encoders produced (Vectors/hpack: RFC 7541 Appendix C,
// the Python hpack corpus, generated edge and negative stories, each with the expected
// list or error), and against our HPACKEncoder (what was decoded is encoded again and
// decoded by both decoders on a second connection). Any disagreement is a finding.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0   bit 7: 0 raw blocks, 1 a vector story
//            bits 0-3: raw: the table size both sides start with (tableSizes)
//            bits 4-6: raw: the decoders' header-list budget (budgets)
//   byte 1   the re-encoding connection: bit 7 on/off; bits 0-1 Huffman (.whenShorter,
//            .never, .always, .whenShorter); bit 2 policy .default/.indexEverything;
//            bits 3-6 the encoder's tableSizeCap (tableSizes)
//   raw blocks: [control] [length hi] [length lo] [block] ... (a length past the end
//            takes the rest); control bits 0-1: 0 nothing; 1 SETTINGS_HEADER_TABLE_SIZE
//            = tableSizes[bits 2-5] for both decoders (setMaxAllowedTableSize) and for the
//            re-encoding connection (setMaxTableSize on the encoder, the same limit on its
//            decoders); 2 new connection (fresh decoders; the re-encoding one goes on);
//            3 budget = budgets[bits 2-5]
//   a vector story: bytes 2-3 pick the story ((b2 << 8 | b3) mod the number of stories);
//            then two bytes per case: [split] [raise]. split s > 0: the block is cut into
//            separate blocks at its representation boundaries i (from 1) where
//            i mod s == 0 (positive cases without a budget only; the lists concatenate to
//            the expected one); raise >= 128: before the case the limit rises to
//            tableSizes[raise & 15] if that is above the story's (stories without an
//            error case only: a higher limit changes no valid decoding)
//
// Traps (findings):
//   - the two decoders disagree: one decodes a block, the other fails; both decode but
//     the lists differ (name and value octets, representation: indexable, not indexed,
//     never indexed); the list exceeds the budget and ours does not throw
//     header-list-too-large, or copied other fields than the longest prefix within the
//     budget; after a block both decoded (or both found too large), the tables differ in
//     size, count, maximum, or contents (listed by a block of indexed fields 62...);
//   - a vector story: ours decodes a case to another list than the expected one, or
//     fails on a positive case, or succeeds or fails with another error on a negative one;
//   - re-encoding: HPACKEncoder's block for a decoded list does not decode (in both
//     decoders) to the same octets, a never-indexed field comes back otherwise, or the
//     encoder's table differs from its decoders' in size, count or maximum.
//
// Where RFC 7541 leaves a choice, the reference makes ours (these are limits, §7.4, not
// behaviour to compare): integers above 2^32-1 and integers with more than 5
// continuation octets are errors. A block that is malformed after the budget ran out is
// a decoding error for both, not header-list-too-large.
import Foundation
import FuzzDriver
import HPACK

private let tableSizes = [0, 1, 31, 32, 33, 64, 100, 128, 256, 300, 512, 1024, 2048, 4096, 8192, 65536]
private let budgets = [1 << 20, 0, 32, 40, 64, 100, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536, 300]
private let trace = fuzz_trace_enabled() != 0

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: " + message()) }
}

private func hex(_ bytes: some Collection<UInt8>) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

// MARK: - The reference decoder

/// A decoded field: octets and the representation it came in.
private struct Field: Equatable, CustomStringConvertible {
    var name: [UInt8]
    var value: [UInt8]
    var indexing: HeaderIndexing
    var size: Int { name.count + value.count + 32 }  // §4.1
    var description: String {
        "\(String(decoding: name, as: UTF8.self)): \(String(decoding: value, as: UTF8.self)) [\(indexing)]"
    }
}

/// RFC 7541 Appendix A, as printed there.
private let referenceStaticTable: [(String, String)] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
].map { ($0.0, $0.1) }

/// RFC 7541 Appendix B: (code, length in bits) of symbols 0...256 (256 is EOS), as printed.
private let huffmanCodes: [(UInt32, Int)] = [
    (0x1ff8, 13), (0x7fffd8, 23), (0xfffffe2, 28), (0xfffffe3, 28), (0xfffffe4, 28), (0xfffffe5, 28),
    (0xfffffe6, 28), (0xfffffe7, 28), (0xfffffe8, 28), (0xffffea, 24), (0x3ffffffc, 30), (0xfffffe9, 28),
    (0xfffffea, 28), (0x3ffffffd, 30), (0xfffffeb, 28), (0xfffffec, 28), (0xfffffed, 28), (0xfffffee, 28),
    (0xfffffef, 28), (0xffffff0, 28), (0xffffff1, 28), (0xffffff2, 28), (0x3ffffffe, 30), (0xffffff3, 28),
    (0xffffff4, 28), (0xffffff5, 28), (0xffffff6, 28), (0xffffff7, 28), (0xffffff8, 28), (0xffffff9, 28),
    (0xffffffa, 28), (0xffffffb, 28), (0x14, 6), (0x3f8, 10), (0x3f9, 10), (0xffa, 12),
    (0x1ff9, 13), (0x15, 6), (0xf8, 8), (0x7fa, 11), (0x3fa, 10), (0x3fb, 10),
    (0xf9, 8), (0x7fb, 11), (0xfa, 8), (0x16, 6), (0x17, 6), (0x18, 6),
    (0x0, 5), (0x1, 5), (0x2, 5), (0x19, 6), (0x1a, 6), (0x1b, 6),
    (0x1c, 6), (0x1d, 6), (0x1e, 6), (0x1f, 6), (0x5c, 7), (0xfb, 8),
    (0x7ffc, 15), (0x20, 6), (0xffb, 12), (0x3fc, 10), (0x1ffa, 13), (0x21, 6),
    (0x5d, 7), (0x5e, 7), (0x5f, 7), (0x60, 7), (0x61, 7), (0x62, 7),
    (0x63, 7), (0x64, 7), (0x65, 7), (0x66, 7), (0x67, 7), (0x68, 7),
    (0x69, 7), (0x6a, 7), (0x6b, 7), (0x6c, 7), (0x6d, 7), (0x6e, 7),
    (0x6f, 7), (0x70, 7), (0x71, 7), (0x72, 7), (0xfc, 8), (0x73, 7),
    (0xfd, 8), (0x1ffb, 13), (0x7fff0, 19), (0x1ffc, 13), (0x3ffc, 14), (0x22, 6),
    (0x7ffd, 15), (0x3, 5), (0x23, 6), (0x4, 5), (0x24, 6), (0x5, 5),
    (0x25, 6), (0x26, 6), (0x27, 6), (0x6, 5), (0x74, 7), (0x75, 7),
    (0x28, 6), (0x29, 6), (0x2a, 6), (0x7, 5), (0x2b, 6), (0x76, 7),
    (0x2c, 6), (0x8, 5), (0x9, 5), (0x2d, 6), (0x77, 7), (0x78, 7),
    (0x79, 7), (0x7a, 7), (0x7b, 7), (0x7ffe, 15), (0x7fc, 11), (0x3ffd, 14),
    (0x1ffd, 13), (0xffffffc, 28), (0xfffe6, 20), (0x3fffd2, 22), (0xfffe7, 20), (0xfffe8, 20),
    (0x3fffd3, 22), (0x3fffd4, 22), (0x3fffd5, 22), (0x7fffd9, 23), (0x3fffd6, 22), (0x7fffda, 23),
    (0x7fffdb, 23), (0x7fffdc, 23), (0x7fffdd, 23), (0x7fffde, 23), (0xffffeb, 24), (0x7fffdf, 23),
    (0xffffec, 24), (0xffffed, 24), (0x3fffd7, 22), (0x7fffe0, 23), (0xffffee, 24), (0x7fffe1, 23),
    (0x7fffe2, 23), (0x7fffe3, 23), (0x7fffe4, 23), (0x1fffdc, 21), (0x3fffd8, 22), (0x7fffe5, 23),
    (0x3fffd9, 22), (0x7fffe6, 23), (0x7fffe7, 23), (0xffffef, 24), (0x3fffda, 22), (0x1fffdd, 21),
    (0xfffe9, 20), (0x3fffdb, 22), (0x3fffdc, 22), (0x7fffe8, 23), (0x7fffe9, 23), (0x1fffde, 21),
    (0x7fffea, 23), (0x3fffdd, 22), (0x3fffde, 22), (0xfffff0, 24), (0x1fffdf, 21), (0x3fffdf, 22),
    (0x7fffeb, 23), (0x7fffec, 23), (0x1fffe0, 21), (0x1fffe1, 21), (0x3fffe0, 22), (0x1fffe2, 21),
    (0x7fffed, 23), (0x3fffe1, 22), (0x7fffee, 23), (0x7fffef, 23), (0xfffea, 20), (0x3fffe2, 22),
    (0x3fffe3, 22), (0x3fffe4, 22), (0x7ffff0, 23), (0x3fffe5, 22), (0x3fffe6, 22), (0x7ffff1, 23),
    (0x3ffffe0, 26), (0x3ffffe1, 26), (0xfffeb, 20), (0x7fff1, 19), (0x3fffe7, 22), (0x7ffff2, 23),
    (0x3fffe8, 22), (0x1ffffec, 25), (0x3ffffe2, 26), (0x3ffffe3, 26), (0x3ffffe4, 26), (0x7ffffde, 27),
    (0x7ffffdf, 27), (0x3ffffe5, 26), (0xfffff1, 24), (0x1ffffed, 25), (0x7fff2, 19), (0x1fffe3, 21),
    (0x3ffffe6, 26), (0x7ffffe0, 27), (0x7ffffe1, 27), (0x3ffffe7, 26), (0x7ffffe2, 27), (0xfffff2, 24),
    (0x1fffe4, 21), (0x1fffe5, 21), (0x3ffffe8, 26), (0x3ffffe9, 26), (0xffffffd, 28), (0x7ffffe3, 27),
    (0x7ffffe4, 27), (0x7ffffe5, 27), (0xfffec, 20), (0xfffff3, 24), (0xfffed, 20), (0x1fffe6, 21),
    (0x3fffe9, 22), (0x1fffe7, 21), (0x1fffe8, 21), (0x7ffff3, 23), (0x3fffea, 22), (0x3fffeb, 22),
    (0x1ffffee, 25), (0x1ffffef, 25), (0xfffff4, 24), (0xfffff5, 24), (0x3ffffea, 26), (0x7ffff4, 23),
    (0x3ffffeb, 26), (0x7ffffe6, 27), (0x3ffffec, 26), (0x3ffffed, 26), (0x7ffffe7, 27), (0x7ffffe8, 27),
    (0x7ffffe9, 27), (0x7ffffea, 27), (0x7ffffeb, 27), (0xffffffe, 28), (0x7ffffec, 27), (0x7ffffed, 27),
    (0x7ffffee, 27), (0x7ffffef, 27), (0x7fffff0, 27), (0x3ffffee, 26), (0x3fffffff, 30),
]

/// The Huffman code by length: the codes of one length are consecutive numbers (the code
/// of Appendix B is canonical, checked here when the table is built), so after each bit
/// the symbol, if any, is `symbols[length][code - first[length]]`.
private struct HuffmanByLength {
    var first = [UInt32](repeating: 0, count: 31)
    var symbols = [[Int]](repeating: [], count: 31)

    init() {
        for length in 1...30 {
            let codes = huffmanCodes.enumerated().filter { $0.element.1 == length }
                .sorted { $0.element.0 < $1.element.0 }
            guard let lowest = codes.first else { continue }
            first[length] = lowest.element.0
            for (offset, entry) in codes.enumerated() {
                precondition(entry.element.0 == lowest.element.0 + UInt32(offset), "Appendix B codes not consecutive")
                symbols[length].append(entry.offset)
            }
        }
    }
}

private let huffmanByLength = HuffmanByLength()

private struct ReferenceError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// §5.2: reads the bits most significant first; a symbol ends when the bits read so far
/// are a code. EOS is an error; the bits after the last symbol must be fewer than 8 and
/// all ones (a prefix of EOS).
private func referenceHuffmanDecode(_ bytes: ArraySlice<UInt8>) throws(ReferenceError) -> [UInt8] {
    var out: [UInt8] = []
    var code: UInt64 = 0
    var length = 0
    for byte in bytes {
        for bit in (0..<8).reversed() {
            code = code << 1 | UInt64(byte >> UInt8(bit) & 1)
            length += 1
            let offset = Int(code) - Int(huffmanByLength.first[length])
            if offset >= 0 && offset < huffmanByLength.symbols[length].count {
                let symbol = huffmanByLength.symbols[length][offset]
                if symbol == 256 { throw ReferenceError("Huffman EOS") }
                out.append(UInt8(symbol))
                code = 0
                length = 0
            } else if length >= 30 {
                throw ReferenceError("no Huffman code in 30 bits")  // cannot happen: the code is complete
            }
        }
    }
    if length > 7 { throw ReferenceError("Huffman padding of \(length) bits") }
    if code != (UInt64(1) << UInt64(length)) - 1 { throw ReferenceError("Huffman padding not all ones") }
    return out
}

/// A decoder written from RFC 7541 with the simplest data structures: the dynamic table is
/// an array, newest entry first (§2.3.3).
private struct ReferenceDecoder {
    var entries: [(name: [UInt8], value: [UInt8])] = []
    var maxSize: Int
    var limit: Int
    var updateRequired = false
    var budget = 1 << 20

    init(tableSize: Int) {
        maxSize = tableSize
        limit = tableSize
    }

    /// §4.1: the sum of name + value + 32 over the entries, kept as they come and go.
    private(set) var size = 0

    mutating func setLimit(_ newLimit: Int) {
        limit = newLimit
        // §4.2: a limit below the table's maximum must be followed by a size update.
        if limit < maxSize { updateRequired = true }
    }

    /// §4.3, §4.4: evict the oldest entries until the table fits.
    mutating func evict(toFit extra: Int) {
        while let oldest = entries.last, size + extra > maxSize {
            size -= oldest.name.count + oldest.value.count + 32
            entries.removeLast()
        }
    }

    mutating func insert(_ name: [UInt8], _ value: [UInt8]) {
        let entrySize = name.count + value.count + 32
        evict(toFit: entrySize)
        // §4.4: an entry larger than the table leaves it empty.
        if entrySize <= maxSize {
            entries.insert((name, value), at: 0)
            size += entrySize
        }
    }

    func lookup(_ index: Int) throws(ReferenceError) -> (name: [UInt8], value: [UInt8]) {
        if index >= 1 && index <= referenceStaticTable.count {
            let entry = referenceStaticTable[index - 1]
            return (Array(entry.0.utf8), Array(entry.1.utf8))
        }
        let dynamic = index - referenceStaticTable.count - 1
        guard index >= 1, dynamic < entries.count else { throw ReferenceError("index \(index) not in the tables") }
        return entries[dynamic]
    }

    struct Result {
        /// The fields while the list stays within the budget (all of them if it does).
        var fields: [Field] = []
        /// The size of the whole decoded list.
        var listSize = 0
        /// Where each representation starts (offsets into the block), then the block's end.
        var boundaries: [Int] = []
        var overBudget: Bool { listSize > budget }
        var budget = 0
    }

    /// Decodes one block. On an error the decoder is unusable (a connection error).
    mutating func decode(_ block: [UInt8]) throws(ReferenceError) -> Result {
        var result = Result(budget: budget)
        var position = 0
        var seenField = false
        func byte() throws(ReferenceError) -> UInt8 {
            guard position < block.count else { throw ReferenceError("truncated") }
            defer { position += 1 }
            return block[position]
        }
        // §5.1, with our limits (§7.4): at most 5 continuation octets, at most 2^32-1.
        func integer(_ first: UInt8, _ prefixBits: Int) throws(ReferenceError) -> Int {
            let mask = (1 << prefixBits) - 1
            var value = Int(first) & mask
            guard value == mask else { return value }
            var multiplier = 1
            for count in 1... {
                let next = try byte()
                if count > 5 { throw ReferenceError("integer with more than 5 continuation octets") }
                value += Int(next & 0x7f) * multiplier
                if value > Int(UInt32.max) { throw ReferenceError("integer above 2^32-1") }
                if next & 0x80 == 0 { break }
                multiplier *= 128
            }
            return value
        }
        func string() throws(ReferenceError) -> [UInt8] {
            let first = try byte()
            let length = try integer(first, 7)
            guard length <= block.count - position else { throw ReferenceError("truncated string") }
            let raw = block[position..<(position + length)]
            position += length
            return first & 0x80 != 0 ? try referenceHuffmanDecode(raw) : Array(raw)
        }
        func emit(_ field: Field) {
            result.listSize += field.size
            // The size only grows: the fields kept are the longest prefix within the budget.
            if result.listSize <= budget { result.fields.append(field) }
        }
        while position < block.count {
            result.boundaries.append(position)
            let first = try byte()
            if first & 0xe0 == 0x20 {
                // §6.3 dynamic table size update, only at the start of a block (§4.2).
                if seenField { throw ReferenceError("size update after a field") }
                let newSize = try integer(first, 5)
                if newSize > limit { throw ReferenceError("size update \(newSize) above the limit \(limit)") }
                maxSize = newSize
                evict(toFit: 0)
                updateRequired = false
                continue
            }
            if updateRequired { throw ReferenceError("no size update after the limit shrank") }
            seenField = true
            if first & 0x80 != 0 {
                // §6.1 indexed field.
                let entry = try lookup(try integer(first, 7))
                emit(Field(name: entry.name, value: entry.value, indexing: .indexable))
                continue
            }
            let incremental = first & 0x40 != 0
            let nameIndex = try integer(first, incremental ? 6 : 4)
            let name = nameIndex == 0 ? try string() : try lookup(nameIndex).name
            let value = try string()
            if incremental {
                // §6.2.1: emitted and added to the table.
                emit(Field(name: name, value: value, indexing: .indexable))
                insert(name, value)
            } else {
                // §6.2.2 (0000) and §6.2.3 (0001).
                emit(Field(name: name, value: value, indexing: first & 0x10 != 0 ? .neverIndexed : .notIndexed))
            }
        }
        result.boundaries.append(block.count)
        if updateRequired { throw ReferenceError("no size update after the limit shrank") }
        return result
    }
}


// MARK: - Both decoders on one connection

private enum Outcome {
    case decoded([Field])
    case tooLarge([Field])
    case failed(String)
}

private func fields(of list: HeaderList) -> [Field] {
    (0..<list.count).map {
        Field(name: Array(list.nameBytes(at: $0)), value: Array(list.valueBytes(at: $0)), indexing: list.indexing(at: $0))
    }
}

/// Decodes with ours, the block in an allocation of exactly its size (ASan sees overreads).
private func decodeOurs(_ decoder: inout HPACKDecoder, _ block: [UInt8], into list: inout HeaderList) -> Outcome {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: block.count, alignment: 1)
    defer { copy.deallocate() }
    copy.copyBytes(from: block)
    list.removeAll(keepingCapacity: true)
    do {
        try decoder.decode(UnsafeRawBufferPointer(copy), into: &list)
        return .decoded(fields(of: list))
    } catch {
        if case .headerListTooLarge = error { return .tooLarge(fields(of: list)) }
        return .failed(error.code)
    }
}

/// A block of indexed fields naming every dynamic table entry once (62, 63, ...).
private func probeBlock(count: Int) -> [UInt8] {
    var out: [UInt8] = []
    for index in 62..<(62 + count) {
        // §5.1 with a 7-bit prefix, pattern 1 (§6.1).
        if index < 127 {
            out.append(0x80 | UInt8(index))
        } else {
            out.append(0xff)
            var rest = index - 127
            while rest >= 128 {
                out.append(UInt8(rest & 0x7f) | 0x80)
                rest >>= 7
            }
            out.append(UInt8(rest))
        }
    }
    return out
}

private struct Pair {
    var ours: HPACKDecoder
    var reference: ReferenceDecoder
    /// A decoding error ended the connection: nothing more is decoded on it.
    var dead = false
    let name: String
    var blocks = 0
    var list = HeaderList()

    init(name: String, tableSize: Int, budget: Int) {
        self.name = name
        ours = HPACKDecoder(maxTableSize: tableSize, maxHeaderListSize: budget)
        reference = ReferenceDecoder(tableSize: tableSize)
        reference.budget = budget
    }

    mutating func setLimit(_ limit: Int) {
        ours.setMaxAllowedTableSize(limit)
        reference.setLimit(limit)
    }

    mutating func setBudget(_ budget: Int) {
        ours.maxHeaderListSize = budget
        reference.budget = budget
    }

    /// Decodes `block` with both decoders and traps where they disagree. Returns ours'
    /// outcome (also in `list`).
    mutating func decode(_ block: [UInt8]) -> Outcome {
        blocks += 1
        let label = "\(name) block \(blocks)"
        var what: String { "\(label) \(hex(block.prefix(200)))" }
        let outcome = decodeOurs(&ours, block, into: &list)
        var copy = reference
        let expected: ReferenceDecoder.Result
        do {
            expected = try copy.decode(block)
            reference = copy
        } catch {
            dead = true
            if trace { print("\(what): reference: \(error); ours: \(outcome)") }
            switch outcome {
            case .failed:
                return outcome
            case .decoded(let got):
                fatalError("invariant broken: \(what): ours decodes \(got) where the reference fails: \(error)")
            case .tooLarge:
                // Past the budget, a malformed block is still a decoding error (RFC 7541
                // §5.2; the finding hpack-over-budget-unvalidated, fixed by 8c82219).
                fatalError("invariant broken: \(what): ours says header-list-too-large where the block is malformed: \(error)")
            }
        }
        if trace { print("\(what): reference \(expected.fields.count) fields, size \(expected.listSize); ours \(outcome)") }
        switch outcome {
        case .failed(let code):
            fatalError("invariant broken: \(what): ours fails (\(code)) where the reference decodes \(expected.fields)")
        case .decoded(let got):
            check(!expected.overBudget, "\(what): a list of size \(expected.listSize) decoded within the budget \(reference.budget)")
            check(got == expected.fields, "\(what): ours decodes \(got), the reference \(expected.fields)")
        case .tooLarge(let got):
            check(expected.overBudget, "\(what): header-list-too-large for a list of size \(expected.listSize) within the budget \(reference.budget)")
            check(got == expected.fields, "\(what): over the budget, ours copied \(got), the longest prefix within it is \(expected.fields)")
        }
        compareTables(what, contents: ours.tableCount <= 16)
        return outcome
    }

    /// §4: the same table on both sides (size, count, maximum; contents when asked).
    mutating func compareTables(_ what: @autoclosure () -> String, contents: Bool) {
        check(ours.tableSize == reference.size && ours.tableCount == reference.entries.count
                && ours.tableMaxSize == reference.maxSize,
              "\(what()): tables differ: ours size \(ours.tableSize) count \(ours.tableCount) max \(ours.tableMaxSize), " +
              "reference size \(reference.size) count \(reference.entries.count) max \(reference.maxSize)")
        // Until the block after a lower limit, the maximum may still be above it (§4.2).
        check(ours.tableSize <= ours.tableMaxSize && (reference.updateRequired || ours.tableMaxSize <= ours.maxAllowedTableSize),
              "\(what()): table size \(ours.tableSize), maximum \(ours.tableMaxSize), limit \(ours.maxAllowedTableSize)")
        guard contents, !dead, !reference.updateRequired, ours.tableCount > 0 else { return }
        let budget = ours.maxHeaderListSize
        ours.maxHeaderListSize = Int.max
        defer { ours.maxHeaderListSize = budget }
        var probe = HeaderList()
        guard case .decoded(let got) = decodeOurs(&ours, probeBlock(count: ours.tableCount), into: &probe) else {
            fatalError("invariant broken: \(what()): a block naming each of the \(ours.tableCount) table entries fails")
        }
        let expected = reference.entries.map { Field(name: $0.name, value: $0.value, indexing: .indexable) }
        check(got == expected, "\(what()): table contents differ: ours \(got), reference \(expected)")
    }
}

// MARK: - Re-encoding with our encoder

private struct Reencoder {
    var encoder: HPACKEncoder
    var pair = Pair(name: "re-encoded", tableSize: 4096, budget: 1 << 22)
    var block: [UInt8] = []

    init(options: Int) {
        let huffman: [HPACKEncoder.HuffmanPolicy] = [.whenShorter, .never, .always, .whenShorter]
        encoder = HPACKEncoder(maxTableSize: 4096, tableSizeCap: tableSizes[options >> 3 & 15],
                               huffman: huffman[options & 3],
                               indexingPolicy: options & 4 != 0 ? .indexEverything : .default)
    }

    /// The peer's SETTINGS_HEADER_TABLE_SIZE: the encoder's limit, and its decoders'.
    mutating func setLimit(_ limit: Int) {
        encoder.setMaxTableSize(limit)
        pair.setLimit(limit)
    }

    mutating func run(_ list: HeaderList) {
        let original = fields(of: list)
        block.removeAll(keepingCapacity: true)
        encoder.encode(list, into: &block)
        guard case .decoded(let got) = pair.decode(block) else {
            fatalError("invariant broken: our encoder's block \(hex(block.prefix(200))) for \(original) does not decode")
        }
        check(got.count == original.count, "re-encoded \(original) decodes to \(got)")
        for (before, after) in zip(original, got) {
            check(before.name == after.name && before.value == after.value, "re-encoded \(original) decodes to \(got)")
            // §6.2.3: a never-indexed field stays never indexed.
            check(before.indexing != .neverIndexed || after.indexing == .neverIndexed,
                  "never-indexed \(before) comes back as \(after)")
        }
        check(encoder.tableSize == pair.ours.tableSize && encoder.tableCount == pair.ours.tableCount
                && encoder.tableMaxSize == pair.ours.tableMaxSize,
              "encoder table size \(encoder.tableSize) count \(encoder.tableCount) max \(encoder.tableMaxSize), " +
              "decoder \(pair.ours.tableSize) \(pair.ours.tableCount) \(pair.ours.tableMaxSize)")
    }
}

// MARK: - Vector stories

private struct VectorCase {
    var wire: [UInt8]
    var headers: [(name: [UInt8], value: [UInt8])]
    var error: String?
    var tableSize: Int?
    var maxHeaderListSize: Int?
}

private struct Story {
    var name: String
    var cases: [VectorCase]
}

/// One code point per octet (ISO-8859-1), UTF-8 for anything above (Vectors/hpack/README.md).
private func octets(_ text: String) -> [UInt8] {
    let scalars = text.unicodeScalars
    if scalars.allSatisfy({ $0.value <= 0xff }) { return scalars.map { UInt8($0.value) } }
    return Array(text.utf8)
}

private func bytes(fromHex text: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        out.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return out
}

private let stories: [Story] = {
    let root: String
    if let override = ProcessInfo.processInfo.environment["FUZZ_HPACK_VECTORS"] {
        root = override
    } else {
        // Fuzz/Sources/fuzz-hpack-differential/this file -> the repository's Vectors/hpack.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        root = url.appendingPathComponent("Vectors/hpack").path
    }
    var paths: [String] = []
    if let walker = FileManager.default.enumerator(atPath: root) {
        while let path = walker.nextObject() as? String {
            if path.hasSuffix(".json") { paths.append(path) }
        }
    }
    var loaded: [Story] = []
    for path in paths.sorted() {
        guard let data = FileManager.default.contents(atPath: root + "/" + path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = json["cases"] as? [[String: Any]] else { continue }
        loaded.append(Story(name: path, cases: cases.map { item in
            VectorCase(wire: bytes(fromHex: item["wire"] as? String ?? ""),
                       headers: (item["headers"] as? [[String: String]] ?? []).flatMap { $0.map { (octets($0.key), octets($0.value)) } },
                       error: item["error"] as? String,
                       tableSize: item["header_table_size"] as? Int,
                       maxHeaderListSize: item["max_header_list_size"] as? Int)
        }))
    }
    if loaded.isEmpty {
        print("fuzz-hpack-differential: no vector stories under \(root) (FUZZ_HPACK_VECTORS): vector inputs run as raw blocks")
    }
    return loaded
}()

// MARK: - The input

private struct Input {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var atEnd: Bool { position >= bytes.count }
    mutating func byte() -> Int {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return Int(bytes[position])
    }
    mutating func block(_ count: Int) -> [UInt8] {
        let length = min(count, bytes.count - position)
        defer { position += length }
        return Array(bytes[position..<(position + length)])
    }
}

private func runRaw(_ input: inout Input, setup: Int, reencoder: inout Reencoder?) {
    let tableSize = tableSizes[setup & 15]
    var budget = budgets[setup >> 4 & 7]
    var pair = Pair(name: "raw", tableSize: tableSize, budget: budget)
    var connections = 1
    while !input.atEnd {
        let control = input.byte()
        let length = input.byte() << 8 | input.byte()
        let block = input.block(length)
        switch control & 3 {
        case 1:
            let limit = tableSizes[control >> 2 & 15]
            pair.setLimit(limit)
            reencoder?.setLimit(limit)
        case 2:
            if !pair.dead { pair.compareTables("raw end of connection \(connections)", contents: true) }
            connections += 1
            pair = Pair(name: "raw connection \(connections)", tableSize: tableSize, budget: budget)
        case 3:
            budget = budgets[control >> 2 & 15]
            pair.setBudget(budget)
        default:
            break
        }
        guard !pair.dead else { continue }
        if case .decoded = pair.decode(block) { reencoder?.run(pair.list) }
    }
    if !pair.dead { pair.compareTables("raw end", contents: true) }
}

private func runStory(_ input: inout Input, reencoder: inout Reencoder?) {
    let story = stories[(input.byte() << 8 | input.byte()) % stories.count]
    if trace { print("story \(story.name)") }
    let hasError = story.cases.contains { $0.error != nil }
    var limit = story.cases.first?.tableSize ?? 4096
    var pair = Pair(name: story.name, tableSize: limit, budget: 1 << 20)
    for (number, vector) in story.cases.enumerated() {
        let split = input.byte()
        let raise = input.byte()
        let what = "\(story.name) case \(number)"
        if let size = vector.tableSize, size != limit {
            pair.setLimit(size)
            limit = size
        }
        if raise >= 128 && !hasError && tableSizes[raise & 15] > limit {
            limit = tableSizes[raise & 15]
            pair.setLimit(limit)
        }
        pair.setBudget(vector.maxHeaderListSize ?? 1 << 20)
        if let error = vector.error {
            switch pair.decode(vector.wire) {
            case .failed(let code):
                check(code == error, "\(what): ours fails with \(code), the vector expects \(error)")
            case .tooLarge:
                check(error == "header-list-too-large", "\(what): ours says header-list-too-large, the vector expects \(error)")
            case .decoded(let got):
                fatalError("invariant broken: \(what): ours decodes \(got), the vector expects \(error)")
            }
            return
        }
        // Representation boundaries, from a copy of the reference decoder.
        var parts = [vector.wire]
        if split > 0 && vector.maxHeaderListSize == nil {
            var copy = pair.reference
            if let boundaries = try? copy.decode(vector.wire).boundaries, boundaries.count > 2 {
                parts = []
                var start = 0
                for index in 1..<(boundaries.count - 1) where index % split == 0 {
                    parts.append(Array(vector.wire[start..<boundaries[index]]))
                    start = boundaries[index]
                }
                parts.append(Array(vector.wire[start...]))
            }
        }
        var got: [Field] = []
        for part in parts {
            switch pair.decode(part) {
            case .decoded(let list):
                got += list
                reencoder?.run(pair.list)
            case .tooLarge, .failed:
                fatalError("invariant broken: \(what): ours fails on a positive case (in \(parts.count) blocks)")
            }
        }
        let expected = vector.headers
        check(got.count == expected.count && zip(got, expected).allSatisfy { $0.name == $1.name && $0.value == $1.value },
              "\(what) (in \(parts.count) blocks): ours decodes \(got), the vector expects \(expected)")
    }
    if !pair.dead { pair.compareTables("\(story.name) end", contents: true) }
}

/// Loads the stories before the first input (which would otherwise pay for it under
/// libFuzzer's per-input timeout).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    _ = stories.count
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Input(bytes: UnsafeBufferPointer(start: data, count: size))
    let setup = input.byte()
    let options = input.byte()
    var reencoder: Reencoder? = options & 0x80 != 0 ? Reencoder(options: options) : nil
    if setup & 0x80 != 0 && !stories.isEmpty {
        runStory(&input, reencoder: &reencoder)
    } else {
        runRaw(&input, setup: setup, reencoder: &reencoder)
    }
    if let reencoder, !reencoder.pair.dead {
        var last = reencoder.pair
        last.compareTables("re-encoded end", contents: true)
    }
    return 0
}

@_cdecl("fuzz_hpack_differential_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

// fuzz-hpack-decode: HPACKDecoder on arbitrary bytes, several header blocks per input, one
// connection's dynamic table carried from block to block.
//
// Input layout (every byte sequence is valid; missing bytes read as 0):
//   byte 0        low nibble: the table size both sides start with (tableSizes)
//                 high nibble: the header-list budget of the decoder under test (budgets)
//   then blocks   [control] [length hi] [length lo] [length bytes of header block]
//                 control bits 0-1: 0 nothing; 1 setMaxAllowedTableSize(tableSizes[bits 2-5]);
//                   2 budget = budgets[bits 2-5]; 3 start a new connection (fresh decoders)
//                 control bits 6-7: this block's budget: 0 the budget; 1 exactly the size of
//                   the list the reference decodes; 2 the size of its first (bits 2-5) + 1
//                   fields; 3 that size - 1
//                 a length past the end takes the rest of the input
//
// Two decoders see the same blocks: `subject` with the small budget, and `reference` with
// a budget no input can reach. Errors are fine; a trap is a finding, and so is any broken
// invariant checked below:
//   - where the reference decodes a list that fits the budget, the subject decodes the
//     same list; where the list does not fit, the subject throws header-list-too-large
//     having copied only a prefix of the list, within the budget;
//   - a malformed block is an error for both;
//   - after success or header-list-too-large both tables are identical (same size, count,
//     maximum; and the same entries, listed after each header-list-too-large block and at
//     the end of the input: header-list-too-large must leave the table in sync);
//   - table size <= table maximum <= the allowed maximum, and >= 32 bytes per entry.
import FuzzDriver
import HPACK

private let tableSizes = [0, 1, 31, 32, 33, 64, 100, 128, 256, 300, 512, 1024, 2048, 4096, 8192, 65536]
private let budgets = [0, 1, 32, 33, 40, 64, 100, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536]
/// The reference decoder's budget: far above every budget under test, small enough to keep
/// a run cheap (an "HPACK bomb" stops copying here, and then both decoders must throw
/// header-list-too-large).
private let referenceBudget = 1 << 20

private struct Input {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var atEnd: Bool { position >= bytes.count }
    mutating func byte() -> Int {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return Int(bytes[position])
    }
    /// The next `count` bytes (fewer at the end) in an allocation of exactly that size, so
    /// AddressSanitizer sees any read past the block. Free it with `deallocate()`.
    mutating func block(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let length = min(count, bytes.count - position)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
        if length > 0 {
            copy.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[position..<(position + length)])))
        }
        position += length
        return copy
    }
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: " + message()) }
}

private enum Outcome: Equatable {
    case decoded
    case tooLarge
    case failed(String)
}

private func decode(_ decoder: inout HPACKDecoder, _ block: UnsafeRawBufferPointer, into list: inout HeaderList) -> Outcome {
    list.removeAll(keepingCapacity: true)
    do {
        try decoder.decode(block, into: &list)
        return .decoded
    } catch {
        _ = error.description
        if case .headerListTooLarge = error { return .tooLarge }
        return .failed(error.code)
    }
}

/// A header block that names every dynamic table entry once (indexed fields 62, 63, ...):
/// decoding it lists the table's contents without changing them.
private func probeBlock(entries: Int) -> [UInt8] {
    var out: [UInt8] = []
    for index in stride(from: 62, to: 62 + entries, by: 1) {
        if index < 127 {
            out.append(0x80 | UInt8(index))
        } else {
            out.append(0xff)
            var rest = index - 127
            while rest >= 0x80 {
                out.append(UInt8(rest & 0x7f) | 0x80)
                rest >>= 7
            }
            out.append(UInt8(rest))
        }
    }
    return out
}

private func tableContents(_ decoder: inout HPACKDecoder) -> HeaderList {
    let saved = decoder.maxHeaderListSize
    decoder.maxHeaderListSize = Int.max
    defer { decoder.maxHeaderListSize = saved }
    do {
        return try decoder.decode(probeBlock(entries: decoder.tableCount))
    } catch {
        fatalError("invariant broken: the table cannot be listed (\(error.code)); count \(decoder.tableCount)")
    }
}

private func checkTable(_ decoder: HPACKDecoder, _ who: String, afterSuccess: Bool) {
    check(decoder.tableSize >= 0 && decoder.tableSize <= decoder.tableMaxSize,
          "\(who) table size \(decoder.tableSize) > maximum \(decoder.tableMaxSize)")
    check(decoder.tableCount * 32 <= decoder.tableSize,
          "\(who) table holds \(decoder.tableCount) entries in \(decoder.tableSize) bytes")
    if afterSuccess {
        check(decoder.tableMaxSize <= decoder.maxAllowedTableSize,
              "\(who) table maximum \(decoder.tableMaxSize) > allowed \(decoder.maxAllowedTableSize)")
    }
}

private func isPrefix(_ short: HeaderList, of long: HeaderList) -> Bool {
    guard short.count <= long.count else { return false }
    for index in 0..<short.count {
        guard short.nameBytes(at: index) == long.nameBytes(at: index),
              short.valueBytes(at: index) == long.valueBytes(at: index),
              short.indexing(at: index) == long.indexing(at: index) else { return false }
    }
    return true
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Input(bytes: UnsafeBufferPointer(start: data, count: size))
    let setup = input.byte()
    let initialTableSize = tableSizes[setup & 0x0f]
    var budget = budgets[setup >> 4]
    var allowed = initialTableSize

    func connection() -> (HPACKDecoder, HPACKDecoder) {
        allowed = initialTableSize
        return (HPACKDecoder(maxTableSize: initialTableSize, maxHeaderListSize: budget),
                HPACKDecoder(maxTableSize: initialTableSize, maxHeaderListSize: referenceBudget))
    }
    var (subject, reference) = connection()
    var subjectList = HeaderList()
    var referenceList = HeaderList()
    let trace = fuzz_trace_enabled() != 0
    var blockNumber = 0
    if trace { print("start: table \(initialTableSize), budget \(budget)") }

    while !input.atEnd {
        let control = input.byte()
        let choice = (control >> 2) & 0x0f
        switch control & 3 {
        case 1:
            allowed = tableSizes[choice]
            subject.setMaxAllowedTableSize(allowed)
            reference.setMaxAllowedTableSize(allowed)
        case 2:
            budget = budgets[choice]
            subject.maxHeaderListSize = budget
        case 3:
            (subject, reference) = connection()
        default:
            break
        }
        let length = input.byte() << 8 | input.byte()
        let block = input.block(length)
        defer { block.deallocate() }
        let bytes = UnsafeRawBufferPointer(block)

        let expected = decode(&reference, bytes, into: &referenceList)
        // The budget for this block: the current one, or one at an edge a fixed budget
        // seldom hits: the exact size of the list the reference decoded, or of its first
        // k + 1 fields (k = choice), or that minus one byte.
        var blockBudget = budget
        if expected == .decoded && control >> 6 != 0 {
            var fields = referenceList.count
            if control >> 6 != 1 && fields > 0 { fields = choice % fields + 1 }
            blockBudget = 0
            for index in 0..<fields {
                blockBudget += referenceList.nameBytes(at: index).count + referenceList.valueBytes(at: index).count + 32
            }
            if control >> 6 == 3 { blockBudget = max(0, blockBudget - 1) }
        }
        subject.maxHeaderListSize = blockBudget
        let outcome = decode(&subject, bytes, into: &subjectList)
        subject.maxHeaderListSize = budget
        if trace {
            print("block \(blockNumber): control \(control), \(bytes.count) bytes, allowed \(allowed), "
                  + "budget \(blockBudget): reference \(expected) (\(referenceList.count) fields, "
                  + "\(referenceList.listSize) bytes), budgeted \(outcome) (\(subjectList.count) fields); "
                  + "table \(reference.tableCount) entries, \(reference.tableSize)/\(reference.tableMaxSize) bytes")
        }
        blockNumber += 1

        switch (expected, outcome) {
        case (.failed, .failed), (.failed, .tooLarge):
            // Malformed: HTTP/2 closes the connection (the subject may see the budget
            // overrun before the malformation). The tables are unspecified now.
            (subject, reference) = connection()
            continue
        case (.failed(let code), .decoded):
            fatalError("invariant broken: malformed block (\(code)) decoded under a budget of \(blockBudget)")
        case (_, .failed(let code)):
            fatalError("invariant broken: the budgeted decoder failed (\(code)), the reference got \(expected)")
        case (.decoded, .decoded):
            check(referenceList.listSize <= blockBudget,
                  "a list of \(referenceList.listSize) bytes decoded under a budget of \(blockBudget)")
            check(subjectList == referenceList, "the budgeted decoder decoded another list")
        case (.decoded, .tooLarge):
            check(referenceList.listSize > blockBudget,
                  "header-list-too-large for a list of \(referenceList.listSize) bytes, budget \(blockBudget)")
            check(subjectList.listSize <= blockBudget,
                  "header-list-too-large after copying \(subjectList.listSize) bytes, budget \(blockBudget)")
            check(isPrefix(subjectList, of: referenceList), "header-list-too-large kept fields not in the list")
            // It stops at the first field that does not fit, not before.
            let next = subjectList.count
            check(next < referenceList.count && subjectList.listSize + referenceList.nameBytes(at: next).count
                      + referenceList.valueBytes(at: next).count + 32 > blockBudget,
                  "header-list-too-large stopped after \(next) fields though field \(next) fits")
        case (.tooLarge, .tooLarge):
            check(subjectList.listSize <= blockBudget && referenceList.listSize <= referenceBudget,
                  "header-list-too-large after copying past the budget")
        case (.tooLarge, .decoded):
            fatalError("invariant broken: the reference overran its budget, the budgeted decoder did not")
        }

        checkTable(subject, "budgeted", afterSuccess: true)
        checkTable(reference, "reference", afterSuccess: true)
        check(subject.tableSize == reference.tableSize && subject.tableCount == reference.tableCount
                  && subject.tableMaxSize == reference.tableMaxSize,
              "tables out of sync: \(subject.tableSize)/\(subject.tableCount)/\(subject.tableMaxSize) vs "
                  + "\(reference.tableSize)/\(reference.tableCount)/\(reference.tableMaxSize)")
        check(subject.maxAllowedTableSize == allowed, "allowed maximum changed by itself")
        // The entries themselves: after every over-budget block (where the claim is that
        // the table stays in sync), and at the end. A difference stays until evicted.
        if outcome == .tooLarge || input.atEnd { compareTables(&subject, &reference) }
    }
    return 0
}

private func compareTables(_ subject: inout HPACKDecoder, _ reference: inout HPACKDecoder) {
    let contents = tableContents(&subject)
    check(contents == tableContents(&reference), "the tables hold different entries")
    check(contents.count == subject.tableCount, "listed \(contents.count) of \(subject.tableCount) entries")
    check(contents.listSize == subject.tableSize,
          "entries add up to \(contents.listSize) bytes, the table says \(subject.tableSize)")
}

/// The `main` that `swift build -Xswiftc -sanitize=fuzzer` links (see FuzzDriver.h).
@_cdecl("fuzz_hpack_decode_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv) { data, size in
        if let data { return fuzz(data, size) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { fuzz($0, 0) }
    }
}

import Foundation
import HPACK

/// One case of an HPACK story (the JSON format shared by HPACK implementations, plus
/// `error` and `max_header_list_size` for negative cases).
struct HPACKCase {
    var seqno: Int
    var tableSize: Int?
    var maxHeaderListSize: Int?
    var wire: [UInt8]?
    var headers: [(name: String, value: String)]
    var error: String?

    init(_ json: Any, position: Int) throws {
        guard let object = json as? [String: Any] else { throw VectorError("case \(position) is not an object") }
        seqno = object["seqno"] as? Int ?? position
        tableSize = object["header_table_size"] as? Int
        maxHeaderListSize = object["max_header_list_size"] as? Int
        wire = try (object["wire"] as? String).map(bytes(fromHex:))
        error = object["error"] as? String
        headers = []
        for field in object["headers"] as? [Any] ?? [] {
            guard let pair = field as? [String: String], pair.count == 1, let (name, value) = pair.first else {
                throw VectorError("case \(seqno): a header must be an object with one string member")
            }
            headers.append((name, value))
        }
        if wire == nil && error != nil { throw VectorError("case \(seqno): an error case needs a wire") }
    }

    var headerList: HeaderList {
        var list = HeaderList()
        for (name, value) in headers {
            octets(name).withUnsafeBytes { n in octets(value).withUnsafeBytes { list.append(name: n, value: $0) } }
        }
        return list
    }
}

/// A story string as field octets: one octet per code point (ISO-8859-1, the format's
/// convention) when every code point fits, else UTF-8 (stories from other tools).
func octets(_ string: String) -> [UInt8] {
    let scalars = string.unicodeScalars
    if scalars.allSatisfy({ $0.value <= 0xff }) { return scalars.map { UInt8(truncatingIfNeeded: $0.value) } }
    return Array(string.utf8)
}

/// Whether decoded octets spell `string`, read as ISO-8859-1 or as UTF-8.
func matches(_ bytes: ArraySlice<UInt8>, _ string: String) -> Bool {
    bytes.elementsEqual(octets(string)) || bytes.elementsEqual(string.utf8)
}

/// What decoding produced, next to what the case expects.
func mismatch(_ decoded: HeaderList, _ expected: [(name: String, value: String)]) -> String? {
    guard decoded.count == expected.count else {
        return "decoded \(decoded.count) fields, expected \(expected.count)"
    }
    for (position, field) in expected.enumerated() {
        if !matches(decoded.nameBytes(at: position), field.name) || !matches(decoded.valueBytes(at: position), field.value) {
            return "field \(position): decoded \(decoded[position]), expected \(field.name): \(field.value)"
        }
    }
    return nil
}

/// Runs one story file; prints a line per failing case.
func runHPACKStory(path: String) -> Tally {
    var tally = Tally()
    let cases: [HPACKCase]
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["cases"] as? [Any] else { throw VectorError("no \"cases\" array") }
        cases = try list.enumerated().map { try HPACKCase($0.element, position: $0.offset) }
    } catch {
        print("FAIL \(path): cannot read story: \(error)")
        tally.failed += 1
        return tally
    }
    let initialSize = cases.first?.tableSize ?? HPACKDecoder.defaultTableSize
    let unlimited = 1 << 30
    // The story's own decoder, and an encoder/decoder pair for the round trip.
    var decoder = HPACKDecoder(maxTableSize: initialSize, maxHeaderListSize: unlimited)
    var encoder = HPACKEncoder(maxTableSize: initialSize, tableSizeCap: Int(UInt32.max))
    var roundTripDecoder = HPACKDecoder(maxTableSize: initialSize, maxHeaderListSize: unlimited)
    var currentSize = initialSize
    var block: [UInt8] = []
    for story in cases {
        var problems: [String] = []
        if let size = story.tableSize, size != currentSize {
            decoder.setMaxAllowedTableSize(size)
            encoder.setMaxTableSize(size)
            roundTripDecoder.setMaxAllowedTableSize(size)
            currentSize = size
        }
        decoder.maxHeaderListSize = story.maxHeaderListSize ?? unlimited
        let expected = story.headers
        if let wire = story.wire {
            var decoded = HeaderList()
            do throws(HPACKError) {
                try decoder.decode(wire, into: &decoded)
                if let wanted = story.error {
                    problems.append("decoded without error, expected \(wanted)")
                } else if let difference = mismatch(decoded, expected) {
                    problems.append(difference)
                }
            } catch {
                if story.error != error.code {
                    problems.append("error \(error.code) (\(error)), expected \(story.error ?? "no error")")
                }
            }
        }
        if story.error == nil {
            // Our encoder, decoded back by a decoder that has seen only our blocks.
            block.removeAll(keepingCapacity: true)
            encoder.encode(story.headerList, into: &block)
            var decoded = HeaderList()
            do throws(HPACKError) {
                try roundTripDecoder.decode(block, into: &decoded)
                if let difference = mismatch(decoded, expected) { problems.append("round trip: \(difference)") }
            } catch {
                problems.append("round trip: our block \(hex(block)) failed to decode: \(error)")
            }
        }
        if problems.isEmpty {
            tally.passed += 1
        } else {
            tally.failed += 1
            print("FAIL \(path) seqno \(story.seqno): \(problems.joined(separator: "; "))")
        }
        if story.error != nil { break }  // a failed block leaves the decoder unusable
    }
    return tally
}

func runHPACKVectors(_ roots: [String]) -> Bool {
    var total = Tally()
    for root in roots {
        do {
            for (folder, files) in try vectorFiles(under: root) {
                var folderTally = Tally()
                for file in files { folderTally.add(runHPACKStory(path: file)) }
                print("\(folder): \(files.count) stories, \(folderTally.line)")
                total.add(folderTally)
            }
        } catch {
            print("FAIL \(root): \(error)")
            total.failed += 1
        }
    }
    print(total.line)
    return total.failed == 0
}

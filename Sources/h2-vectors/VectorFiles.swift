import Foundation

/// Story files of a vector folder: every `.json` file below it, grouped by the folder
/// that holds them, in a stable order.
func vectorFiles(under root: String) throws -> [(folder: String, files: [String])] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
        throw VectorError("no such file or folder: \(root)")
    }
    if !isDirectory.boolValue { return [((root as NSString).deletingLastPathComponent, [root])] }
    var byFolder: [String: [String]] = [:]
    guard let walker = FileManager.default.enumerator(atPath: root) else { throw VectorError("cannot read \(root)") }
    for case let relative as String in walker where relative.hasSuffix(".json") {
        let path = (root as NSString).appendingPathComponent(relative)
        byFolder[(path as NSString).deletingLastPathComponent, default: []].append(path)
    }
    return byFolder.keys.sorted().map { ($0, byFolder[$0]!.sorted()) }
}

struct VectorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func bytes(fromHex hex: String) throws -> [UInt8] {
    let digits = Array(hex.utf8).filter { $0 != UInt8(ascii: " ") }
    guard digits.count % 2 == 0 else { throw VectorError("odd number of hex digits") }
    var out: [UInt8] = []
    out.reserveCapacity(digits.count / 2)
    func value(_ c: UInt8) throws -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: throw VectorError("bad hex digit")
        }
    }
    var index = 0
    while index < digits.count {
        out.append(try value(digits[index]) << 4 | value(digits[index + 1]))
        index += 2
    }
    return out
}

func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Counts cases and prints the summaries in the shared output convention.
struct Tally {
    var passed = 0
    var failed = 0
    mutating func add(_ other: Tally) {
        passed += other.passed
        failed += other.failed
    }
    var line: String { "\(passed) passed, \(failed) failed" }
}

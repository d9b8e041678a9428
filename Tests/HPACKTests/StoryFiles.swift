import Foundation
import HPACK

/// The repository's root, found from this file's path (Tests/HPACKTests/StoryFiles.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// One story of the shared HPACK vector format.
struct Story {
    struct Case {
        var tableSize: Int?
        var wire: [UInt8]?
        var headers: [(String, String)]
        var error: String?
        var maxHeaderListSize: Int?
    }

    var path: String
    var cases: [Case]

    /// A case's fields as octets: one per code point (ISO-8859-1, the format's
    /// convention; see Vectors/hpack/README.md).
    static func headerList(_ headers: [(String, String)]) -> HeaderList {
        var list = HeaderList()
        for (name, value) in headers {
            let n = name.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            let v = value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            n.withUnsafeBytes { n in v.withUnsafeBytes { list.append(name: n, value: $0) } }
        }
        return list
    }

    init(path: URL) throws {
        self.path = path.path
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any] ?? [:]
        cases = (root["cases"] as? [[String: Any]] ?? []).map { object in
            Case(tableSize: object["header_table_size"] as? Int,
                 wire: (object["wire"] as? String).map(hexBytes),
                 headers: (object["headers"] as? [[String: String]] ?? []).compactMap { $0.first.map { ($0.key, $0.value) } },
                 error: object["error"] as? String,
                 maxHeaderListSize: object["max_header_list_size"] as? Int)
        }
    }

    /// Every story below `Vectors/hpack/<folder>`.
    static func all(in folder: String) throws -> [Story] {
        let directory = repositoryRoot.appendingPathComponent("Vectors/hpack/\(folder)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try Story(path: directory.appendingPathComponent($0)) }
    }
}

import Foundation

/// One python-hpack story: header blocks that share one dynamic table, in order.
public struct Story: Sendable {
    public var file: String
    public var tableSize: Int
    /// The header block of each case, as the encoder that made the story wrote it.
    public var wire: [[UInt8]]
    /// The header list of each case, in order.
    public var headers: [[(name: String, value: String)]]
}

/// The stories listed in Benchmarks/corpus.txt, with totals.
public struct Corpus: Sendable {
    public var stories: [Story]

    public var blockCount: Int { stories.reduce(0) { $0 + $1.wire.count } }
    public var headerCount: Int { stories.reduce(0) { $0 + $1.headers.reduce(0) { $0 + $1.count } } }
    public var wireBytes: Int { stories.reduce(0) { $0 + $1.wire.reduce(0) { $0 + $1.count } } }

    /// Benchmarks/ (this file is Benchmarks/Sources/HPACKCorpus/Corpus.swift).
    public static var benchmarksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Loads the corpus: `HPACK_CORPUS_LIST` overrides Benchmarks/corpus.txt and
    /// `HPACK_VECTORS_DIR` overrides ../Vectors/hpack/python-hpack.
    public static func load() throws -> Corpus {
        let env = ProcessInfo.processInfo.environment
        let listURL = env["HPACK_CORPUS_LIST"].map { URL(fileURLWithPath: $0) }
            ?? benchmarksDirectory.appendingPathComponent("corpus.txt")
        let vectors = env["HPACK_VECTORS_DIR"].map { URL(fileURLWithPath: $0) }
            ?? benchmarksDirectory.deletingLastPathComponent().appendingPathComponent("Vectors/hpack/python-hpack")
        let names = try String(contentsOf: listURL, encoding: .utf8)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        return Corpus(stories: try names.map { try loadStory(vectors.appendingPathComponent($0)) })
    }

    static func loadStory(_ url: URL) throws -> Story {
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else { throw CorpusError.malformed(url.path) }
        var story = Story(file: url.lastPathComponent, tableSize: 4096, wire: [], headers: [])
        for (n, item) in cases.enumerated() {
            guard let hex = item["wire"] as? String, let wire = bytes(hex: hex),
                  let fields = item["headers"] as? [[String: String]] else { throw CorpusError.malformed(url.path) }
            if n == 0, let size = item["header_table_size"] as? Int { story.tableSize = size }
            story.wire.append(wire)
            story.headers.append(fields.map { field in
                precondition(field.count == 1, "one name per header object")
                return (name: field.first!.key, value: field.first!.value)
            })
        }
        return story
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

public enum CorpusError: Error, CustomStringConvertible {
    case malformed(String)
    case mismatch(String)
    public var description: String {
        switch self {
        case .malformed(let file): return "malformed story \(file)"
        case .mismatch(let what): return "mismatch: \(what)"
        }
    }
}

import Foundation
import HPACK
import Testing

/// Runs a command and returns its exit status and output.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The h2-vectors tool, built next to the test bundle.
let vectorTool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("h2-vectors").path

/// Writes stories as JSON files in a new temporary folder.
func writeStories(_ stories: [(name: String, cases: [[String: Any]])]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hpack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for story in stories {
        let data = try JSONSerialization.data(withJSONObject: ["cases": story.cases], options: [.sortedKeys])
        try data.write(to: folder.appendingPathComponent(story.name))
    }
    return folder
}

@Suite("Vectors: RFC 7541 examples, Python hpack's corpus, negative and edge cases")
struct VectorTests {
    @Test("h2-vectors passes every case of Vectors/hpack")
    func allVectorsPass() throws {
        let (status, output) = try run(vectorTool, ["hpack", repositoryRoot.appendingPathComponent("Vectors/hpack").path])
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(status == 0, "\(output)")
        #expect(last.hasSuffix(" passed, 0 failed"))
        #expect((Int(last.split(separator: " ").first ?? "") ?? 0) > 1000, "the corpus should hold over 1000 cases")
    }

    @Test("h2-vectors reports a wrong header, a wrong error and a missing error, and exits 1")
    func failuresAreReported() throws {
        let folder = try writeStories([
            ("wrong-value.json", [["seqno": 0, "wire": "82", "headers": [[":method": "POST"]]]]),
            ("wrong-error.json", [["seqno": 0, "wire": "80", "error": "truncated"]]),
            ("missing-error.json", [["seqno": 0, "wire": "82", "error": "invalid-index"]]),
            ("fine.json", [["seqno": 0, "wire": "82", "headers": [[":method": "GET"]]]]),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try run(vectorTool, ["hpack", folder.path])
        #expect(status == 1)
        #expect(output.hasSuffix("1 passed, 3 failed\n"), "\(output)")
        #expect(output.contains("wrong-error.json seqno 0: error invalid-index"))
    }

    @Test("h2-vectors rejects bad usage with exit status 2")
    func badUsage() throws {
        #expect(try run(vectorTool, []).status == 2)
        #expect(try run(vectorTool, ["hpack"]).status == 2)
        #expect(try run(vectorTool, ["nonsense", "x"]).status == 2)
    }

    @Test("each negative vector fails with exactly its error", arguments: (try? Story.all(in: "negative")) ?? [])
    func negative(story: Story) throws {
        var decoder = HPACKDecoder(maxTableSize: story.cases.first?.tableSize ?? 4096)
        var sawError = false
        for (position, example) in story.cases.enumerated() {
            if position > 0, let size = example.tableSize { decoder.setMaxAllowedTableSize(size) }
            decoder.maxHeaderListSize = example.maxHeaderListSize ?? 1 << 30
            let failure = decodeError(try #require(example.wire), with: &decoder)
            #expect(failure?.code == example.error, "\(story.path) case \(position)")
            if example.error != nil {
                sawError = true
                break
            }
        }
        #expect(sawError, "\(story.path) has no negative case")
    }

    @Test("the negative vectors cover every error the decoder can report")
    func negativeCoverage() throws {
        let codes = Set(try Story.all(in: "negative").flatMap { $0.cases.compactMap(\.error) })
        let all: [HPACKError] = [.integerOverflow, .integerTooLong, .truncated, .invalidIndex(0), .huffmanPaddingTooLong,
                                 .huffmanInvalidPadding, .huffmanEOS, .tableSizeUpdateNotAtStart,
                                 .tableSizeUpdateTooLarge(requested: 0, limit: 0), .missingTableSizeUpdate,
                                 .headerListTooLarge(limit: 0)]
        #expect(codes == Set(all.map(\.code)))
    }

    @Test("Python's hpack decodes our encoder's output for the whole corpus")
    func pythonDecodesOurBlocks() throws {
        let stories = try Story.all(in: "python-hpack") + Story.all(in: "rfc7541") + Story.all(in: "edge")
        var written: [(name: String, cases: [[String: Any]])] = []
        var total = 0
        for (number, story) in stories.enumerated() {
            let initial = story.cases.first?.tableSize ?? 4096
            var encoder = HPACKEncoder(maxTableSize: initial, tableSizeCap: Int(UInt32.max))
            var size = initial
            var cases: [[String: Any]] = []
            for (seqno, example) in story.cases.enumerated() where example.error == nil {
                if let newSize = example.tableSize, newSize != size {
                    encoder.setMaxTableSize(newSize)
                    size = newSize
                }
                var wire: [UInt8] = []
                encoder.encode(Story.headerList(example.headers), into: &wire)
                cases.append(["seqno": seqno, "header_table_size": size, "wire": hexString(wire),
                              "headers": example.headers.map { [$0.0: $0.1] }])
            }
            total += cases.count
            written.append(("story-\(number).json", cases))
        }
        let folder = try writeStories(written)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = repositoryRoot.appendingPathComponent("Scripts/check_with_python_hpack.py").path
        let (status, output) = try run("/usr/bin/env", ["python3", script, folder.path])
        #expect(status == 0, "\(output)")
        #expect(output.hasSuffix("\(total) passed, 0 failed\n"), "\(output)")
        #expect(total > 1000)
    }
}

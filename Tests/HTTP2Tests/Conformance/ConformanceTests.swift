// The server-role conformance scenarios of Vectors/conformance (built by
// Vectors/conformance/generate.py with Python's hyperframe and hpack), run through the
// h2-vectors binary built next to this test bundle, as `h2-vectors conformance DIR`.
import Foundation
import Testing

@Suite("Conformance scenarios (RFC 9113 server role, generated with hyperframe and hpack)")
struct ConformanceTests {
    /// The repository root, from this file's path (Tests/HTTP2Tests/Conformance/ConformanceTests.swift).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    /// The h2-vectors tool, built next to the test bundle.
    static let tool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("h2-vectors").path

    /// Runs h2-vectors and returns its exit status and output.
    static func runTool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("every scenario of Vectors/conformance passes")
    func allScenariosPass() throws {
        let folder = Self.root.appendingPathComponent("Vectors/conformance").path
        let (status, output) = try Self.runTool(["conformance", folder])
        let lines = output.split(separator: "\n").map(String.init)
        for line in lines where line.hasPrefix("FAIL") {
            Issue.record("\(line)")
        }
        #expect(status == 0)
        let summary = lines.last ?? ""
        #expect(summary.hasSuffix(" passed, 0 failed"), "\(summary)")
        let passed = Int(summary.split(separator: " ").first ?? "") ?? 0
        #expect(passed >= 160, "the suite should hold at least 160 scenarios")
    }

    @Test("a wrong expectation is reported as a failure, with exit status 1")
    func wrongExpectationFails() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Preface, empty SETTINGS, SETTINGS ACK; then PING with payload 0102030405060708.
        let handshake = "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a" + "000000040000000000" + "000000040100000000"
        let pingFrame = "0000080600000000000102030405060708"
        let document: [String: Any] = ["section": "test", "cases": [
            ["id": "t/1", "title": "PING answered (right)",
             "steps": [["send": handshake, "setup": true], ["send": pingFrame]],
             "expect": ["ping_ack": ["payload": "0102030405060708"]]],
            ["id": "t/2", "title": "PING answered with a connection error (wrong on purpose)",
             "steps": [["send": handshake, "setup": true], ["send": pingFrame]],
             "expect": ["connection_error": ["code": "PROTOCOL_ERROR"]]],
            ["id": "t/3", "title": "an unknown expectation kind (wrong on purpose)",
             "steps": [["send": handshake, "setup": true], ["send": pingFrame]],
             "expect": ["not": ["no_such_kind": [String: Any]()]]],
        ]]
        try JSONSerialization.data(withJSONObject: document).write(to: folder.appendingPathComponent("t.json"))
        let (status, output) = try Self.runTool(["conformance", folder.path])
        #expect(status == 1, "\(output)")
        #expect(output.hasSuffix("1 passed, 2 failed\n"), "\(output)")
        #expect(output.contains("FAIL t.json: t/2 PING answered with a connection error"), "\(output)")
        #expect(output.contains("PING 0102030405060708 ACK"), "the failure line shows the frames seen: \(output)")
    }
}

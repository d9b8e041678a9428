// The hyperframe vectors of Vectors/frames, through the same code as `h2-vectors frames`
// (FrameVectorRunner.swift is a link to Sources/h2-vectors/FrameVectors.swift).
import Foundation
import Testing

@Suite("Frame vectors (hyperframe 6.1.0)")
struct VectorTests {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/HTTP2Tests/VectorTests.swift
        return url.appendingPathComponent("Vectors/frames").path
    }()

    @Test func allVectorsPass() {
        var lines: [String] = []
        let ok = runFrameVectors([Self.folder], log: { lines.append($0) })
        for line in lines where line.hasPrefix("FAIL") {
            Issue.record("\(line)")
        }
        #expect(ok)
        let summary = lines.last ?? ""
        #expect(summary.hasSuffix(" passed, 0 failed"))
        let passed = Int(summary.split(separator: " ").first ?? "") ?? 0
        #expect(passed >= 190)
    }

    @Test func runnerReportsFailures() throws {
        // A corrupted copy of a vector must be reported, not passed.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frame-vectors-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document: [String: Any] = ["cases": [
            ["name": "wrong field", "wire": "00000408000000000000000001",
             "frames": [["type": "WINDOW_UPDATE", "stream_id": 0, "flags": [String](), "window_increment": 2]]],
            ["name": "missing error", "wire": "00000408000000000000000000", "frames": [Any]()],
            ["name": "good", "wire": "00000408000000000000000001",
             "frames": [["type": "WINDOW_UPDATE", "stream_id": 0, "flags": [String](), "window_increment": 1]]],
        ]]
        try JSONSerialization.data(withJSONObject: document).write(to: directory.appendingPathComponent("x.json"))
        var lines: [String] = []
        let ok = runFrameVectors([directory.path], log: { lines.append($0) })
        #expect(!ok)
        #expect(lines.last == "1 passed, 2 failed")
        #expect(lines.filter { $0.hasPrefix("FAIL x.json: ") }.count == 2)
    }
}

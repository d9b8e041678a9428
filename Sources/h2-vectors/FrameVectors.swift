// `h2-vectors frames DIR...`: runs the frame vectors of Vectors/frames (format in
// Vectors/frames/README.md) through HTTP2's FrameReader and FrameWriter.
//
// Each case is decoded twice, from one chunk and one byte at a time, and both runs must
// agree. The decoded frames are compared field by field with the expected ones, the
// expected error (code and scope) with the reader's, and the frames re-encoded with
// FrameWriter must give "encoded" (or "wire" when absent).
//
// This file is self-contained (it uses no helper of the other modes) because the
// HTTP2Tests target compiles it too, to run the same vectors under `swift test`.
import Foundation
import HTTP2

/// Runs every `.json` vector file under `dirs`; prints a line per failing case, a
/// summary per folder and last "N passed, M failed". True when no case failed.
func runFrameVectors(_ dirs: [String]) -> Bool {
    runFrameVectors(dirs, log: { print($0) })
}

/// `runFrameVectors` with the output sent to `log`.
func runFrameVectors(_ dirs: [String], log: (String) -> Void) -> Bool {
    var passed = 0
    var failed = 0
    for dir in dirs {
        let groups: [(folder: String, files: [String])]
        do {
            groups = try FrameVectorFiles.find(under: dir)
        } catch {
            log("\(dir): \(error)")
            failed += 1
            continue
        }
        for group in groups {
            var folderPassed = 0
            var folderFailed = 0
            for file in group.files {
                let name = (file as NSString).lastPathComponent
                let cases: [[String: Any]]
                do {
                    cases = try FrameVectorFiles.cases(in: file)
                } catch {
                    log("FAIL \(name): \(error)")
                    folderFailed += 1
                    continue
                }
                for vector in cases {
                    let caseName = vector["name"] as? String ?? "(unnamed)"
                    if let problem = FrameVectorCheck.check(vector) {
                        log("FAIL \(name): \(caseName): \(problem)")
                        folderFailed += 1
                    } else {
                        folderPassed += 1
                    }
                }
            }
            log("\(group.folder): \(folderPassed) passed, \(folderFailed) failed")
            passed += folderPassed
            failed += folderFailed
        }
    }
    log("\(passed) passed, \(failed) failed")
    return failed == 0 && passed > 0
}

/// Finding and loading vector files.
enum FrameVectorFiles {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The `.json` files under `root` (or `root` itself), grouped by folder, sorted.
    static func find(under root: String) throws -> [(folder: String, files: [String])] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw Problem(description: "no such file or folder")
        }
        guard isDirectory.boolValue else {
            return [((root as NSString).deletingLastPathComponent, [root])]
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw Problem(description: "cannot list the folder")
        }
        var byFolder: [String: [String]] = [:]
        for case let relative as String in walker where relative.hasSuffix(".json") {
            let path = (root as NSString).appendingPathComponent(relative)
            byFolder[(path as NSString).deletingLastPathComponent, default: []].append(path)
        }
        guard !byFolder.isEmpty else { throw Problem(description: "no .json vector files") }
        return byFolder.keys.sorted().map { folder in (folder, (byFolder[folder] ?? []).sorted()) }
    }

    /// The cases of one file.
    static func cases(in file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = document["cases"] as? [[String: Any]]
        else {
            throw Problem(description: "not a vector file: no \"cases\" list")
        }
        return cases
    }
}

/// Checking one case.
enum FrameVectorCheck {
    /// What decoding a wire gave.
    struct Outcome: Equatable {
        /// Each decoded frame in the vector JSON format, canonical text.
        var frames: [String] = []
        /// The error that ended decoding: code name, scope, stream.
        var error: String?
        /// FrameWriter's re-encoding of the decoded frames.
        var encoded: [UInt8] = []
        /// Bytes the reader still held at the end.
        var leftover = 0
    }

    /// Nil when the case passes, else what went wrong.
    static func check(_ vector: [String: Any]) -> String? {
        guard let wireHex = vector["wire"] as? String, let wire = bytes(fromHex: wireHex) else {
            return "missing or bad \"wire\""
        }
        let maxFrameSize = (vector["max_frame_size"] as? Int) ?? FrameReader.defaultMaxFrameSize
        let whole = decode(wire, maxFrameSize: maxFrameSize, chunkSize: Swift.max(wire.count, 1))
        let bytewise = decode(wire, maxFrameSize: maxFrameSize, chunkSize: 1)
        guard whole == bytewise else {
            return "one chunk and byte-by-byte decoding differ: \(whole) vs \(bytewise)"
        }
        let expectedFrames = ((vector["frames"] as? [Any]) ?? []).map(canonical)
        if whole.frames != expectedFrames {
            return "frames differ\n  expected \(expectedFrames)\n  decoded  \(whole.frames)"
        }
        if let error = vector["error"] as? [String: Any] {
            let code = error["code"] as? String ?? "?"
            let scope = error["scope"] as? String ?? "?"
            let expected = scope == "stream" ? "\(code) stream \(error["stream_id"] as? Int ?? -1)" : "\(code) \(scope)"
            guard whole.error == expected else {
                return "expected error \(expected), got \(whole.error ?? "no error")"
            }
            return nil
        }
        if let error = whole.error {
            return "unexpected error \(error)"
        }
        if whole.leftover != 0 {
            return "\(whole.leftover) bytes left over in the reader"
        }
        var expectedBytes = wire
        if let encodedHex = vector["encoded"] as? String {
            guard let encoded = bytes(fromHex: encodedHex) else { return "bad \"encoded\"" }
            expectedBytes = encoded
        }
        if whole.encoded != expectedBytes {
            return "re-encoding differs\n  expected \(hex(expectedBytes))\n  encoded  \(hex(whole.encoded))"
        }
        return nil
    }

    /// Decodes `wire` fed in chunks of `chunkSize`, until the end or the first error.
    static func decode(_ wire: [UInt8], maxFrameSize: Int, chunkSize: Int) -> Outcome {
        var outcome = Outcome()
        var reader = FrameReader(maxFrameSize: maxFrameSize)
        var writer = FrameWriter(peerMaxFrameSize: FrameReader.largestMaxFrameSize)
        wire.withUnsafeBytes { all in
            var start = 0
            chunks: while start < all.count {
                let end = Swift.min(start + chunkSize, all.count)
                var input = UnsafeRawBufferPointer(rebasing: all[start..<end])
                start = end
                do throws(HTTP2Error) {
                    while let result = try reader.nextFrame(from: &input) {
                        switch result {
                        case .frame(let frame):
                            outcome.frames.append(canonical(object(frame)))
                            writer.write(frame)
                        case .streamError(let error, _):
                            outcome.error = describe(error)
                            break chunks
                        }
                    }
                } catch {
                    outcome.error = describe(error)
                    break chunks
                }
            }
        }
        outcome.encoded = writer.bytes
        // After an error the reader is finished; what it held no longer matters.
        outcome.leftover = outcome.error == nil ? reader.bufferedByteCount : 0
        return outcome
    }

    static func describe(_ error: HTTP2Error) -> String {
        let code = error.code.name ?? "\(error.code.rawValue)"
        if let stream = error.streamID { return "\(code) stream \(stream.rawValue)" }
        return "\(code) connection"
    }

    /// A frame in the vector JSON format.
    static func object(_ frame: Frame) -> [String: Any] {
        var out: [String: Any] = ["type": frame.type.name ?? "UNKNOWN", "stream_id": Int(frame.streamID.rawValue)]
        var flags: [String] = []
        func priority(_ p: PriorityParameters) -> [String: Any] {
            ["exclusive": p.exclusive, "depends_on": Int(p.dependency.rawValue), "weight": Int(p.weight)]
        }
        switch frame {
        case .data(let f):
            if f.endStream { flags.append("END_STREAM") }
            if let pad = f.padLength { flags.append("PADDED"); out["pad_length"] = Int(pad) }
            out["data"] = hex(f.data)
        case .headers(let f):
            if f.endStream { flags.append("END_STREAM") }
            if f.endHeaders { flags.append("END_HEADERS") }
            if let pad = f.padLength { flags.append("PADDED"); out["pad_length"] = Int(pad) }
            if let p = f.priority { flags.append("PRIORITY"); out["priority"] = priority(p) }
            out["field_block"] = hex(f.fieldBlockFragment)
        case .priority(let f):
            out["priority"] = priority(f.priority)
        case .rstStream(let f):
            out["error_code"] = Int(f.errorCode.rawValue)
        case .settings(let f):
            if f.ack { flags.append("ACK") }
            out["settings"] = f.settings.map { [Int($0.identifier.rawValue), Int($0.value)] }
        case .pushPromise(let f):
            if f.endHeaders { flags.append("END_HEADERS") }
            if let pad = f.padLength { flags.append("PADDED"); out["pad_length"] = Int(pad) }
            out["promised_stream_id"] = Int(f.promisedStreamID.rawValue)
            out["field_block"] = hex(f.fieldBlockFragment)
        case .ping(let f):
            if f.ack { flags.append("ACK") }
            out["opaque_data"] = String(repeating: "0", count: 16 - String(f.opaqueData, radix: 16).count)
                + String(f.opaqueData, radix: 16)
        case .goAway(let f):
            out["last_stream_id"] = Int(f.lastStreamID.rawValue)
            out["error_code"] = Int(f.errorCode.rawValue)
            out["debug_data"] = hex(f.debugData)
        case .windowUpdate(let f):
            out["window_increment"] = Int(f.increment)
        case .continuation(let f):
            if f.endHeaders { flags.append("END_HEADERS") }
            out["field_block"] = hex(f.fieldBlockFragment)
        case .priorityUpdate(let f):
            out["prioritized_stream_id"] = Int(f.prioritizedStreamID.rawValue)
            out["priority_field_value"] = String(decoding: Array(f.fieldValue), as: UTF8.self)
        case .unknown(let f):
            out["frame_type"] = Int(f.type.rawValue)
            out["flag_byte"] = Int(f.flags.rawValue)
            out["payload"] = hex(f.payload)
            return out
        }
        out["flags"] = flags.sorted()
        return out
    }

    /// JSON text with sorted keys, for comparing objects whatever their source.
    static func canonical(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

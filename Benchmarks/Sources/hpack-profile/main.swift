// Runs one of the measured loops over the corpus, alone, for callgrind:
//   hpack-profile decode|encode|nio-decode|nio-encode|check [passes]
// `check` verifies the corpus round-trips and prints its totals.
import Foundation
import HPACKBenchKit

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "check"
let passes = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200

do {
    let kit = try HPACKBenchKit.load()
    let pass: () throws -> Int
    switch mode {
    case "decode": pass = kit.oursDecodePass
    case "encode": pass = kit.oursEncodePass
    case "nio-decode": pass = kit.nioDecodePass
    case "nio-encode": pass = kit.nioEncodePass
    case "check":
        let report = try kit.verify()
        print("stories=\(kit.corpus.stories.count) blocks=\(kit.blockCount) headers=\(kit.headerCount) "
            + "wire_bytes=\(report.wireBytes) ours_encoded_bytes=\(report.oursEncodedBytes) "
            + "nio_encoded_bytes=\(report.nioEncodedBytes)")
        exit(0)
    default:
        FileHandle.standardError.write("usage: hpack-profile decode|encode|nio-decode|nio-encode|check [passes]\n".data(using: .utf8)!)
        exit(2)
    }
    var fields = 0
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<passes { fields &+= try pass() }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("\(mode): \(passes) passes, \(fields) headers, \(String(format: "%.2f", Double(fields) / seconds / 1e6)) M headers/s")
} catch {
    FileHandle.standardError.write("hpack-profile: \(error)\n".data(using: .utf8)!)
    exit(1)
}

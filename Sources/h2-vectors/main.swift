// h2-vectors: runs folders of test vectors against the engine.
//   h2-vectors hpack DIR...        HPACK stories (Vectors/hpack format)
//   h2-vectors frames DIR...       frame vectors (Vectors/frames format)
//   h2-vectors conformance DIR...  server-role scenarios (Vectors/conformance format)
// Prints a line per failing case, a summary per folder, and last "N passed, M failed".
// Exit status: 0 when every case passed, 1 when one failed, 2 on bad usage.
#if canImport(Glibc)
import Glibc
#endif

let usage = "usage: h2-vectors hpack|frames|conformance DIR..."
var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else {
    print(usage)
    exit(2)
}
arguments.removeFirst()
if arguments.isEmpty || arguments.contains(where: { $0.hasPrefix("-") }) {
    print("h2-vectors: \(arguments.isEmpty ? "no folder given" : "unknown option \(arguments.first { $0.hasPrefix("-") } ?? "")"); \(usage)")
    exit(2)
}
switch mode {
case "hpack":
    exit(runHPACKVectors(arguments) ? 0 : 1)
case "frames":
    exit(runFrameVectors(arguments) ? 0 : 1)
case "conformance":
    exit(runConformanceVectors(arguments) ? 0 : 1)
default:
    print("h2-vectors: unknown mode '\(mode)'; \(usage)")
    exit(2)
}

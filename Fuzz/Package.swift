// swift-tools-version:6.0
// Fuzz targets for swift-h2 (libFuzzer). See README.md in this folder.
//
// Build and run them all:    Fuzz/run.sh [SECONDS] [TARGET...]
// Build one by hand:         swift build -c release --scratch-path .build-fuzz --sanitize=fuzzer \
//                                -Xswiftc -sanitize=fuzzer,address --product fuzz-hpack-decode
//
// A fuzz target is an executable target named `fuzz-*` with one source file that defines
// `@_cdecl("LLVMFuzzerTestOneInput")` and, for `swift build -Xswiftc -sanitize=fuzzer`,
// `@_cdecl("<target name with _ for ->_main")` calling `fuzz_driver_main` (FuzzDriver).
// Add one with `fuzzTarget(...)` below: run.sh finds it by itself.
import PackageDescription

/// No Swift `main`: libFuzzer provides it (see Sources/FuzzDriver/include/FuzzDriver.h).
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name,
                      dependencies: dependencies + ["FuzzDriver"],
                      swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "swift-h2-fuzz",
    dependencies: [
        .package(name: "swift-h2", path: ".."),
        // fuzz-server-channel only: NIO's testing channel and a silent logger.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        fuzzTarget("fuzz-hpack-decode", [.product(name: "HPACK", package: "swift-h2")]),
        fuzzTarget("fuzz-hpack-roundtrip", [.product(name: "HPACK", package: "swift-h2")]),
        fuzzTarget("fuzz-frame-reader", [.product(name: "HTTP2", package: "swift-h2")]),
        // A server Connection driven by a client, with the checks on its events and output
        // that the two engine targets share.
        .target(name: "EngineHarness", dependencies: [
            .product(name: "HTTP2", package: "swift-h2"), .product(name: "HPACK", package: "swift-h2"), "FuzzDriver",
        ]),
        fuzzTarget("fuzz-server-engine", ["EngineHarness", .product(name: "HTTP2", package: "swift-h2")]),
        fuzzTarget("fuzz-frame-sequence", [
            "EngineHarness", .product(name: "HTTP2", package: "swift-h2"), .product(name: "HPACK", package: "swift-h2"),
        ]),
        // Our HPACK decoder against a reference decoder, the vectors and our encoder.
        fuzzTarget("fuzz-hpack-differential", [.product(name: "HPACK", package: "swift-h2")]),
        // The cleartext server pipeline of HTTP2Server on NIO's testing channel
        // (`@testable import HTTP2Server`: run.sh builds with -enable-testing).
        fuzzTarget("fuzz-server-channel", [
            .product(name: "HTTP2Server", package: "swift-h2"), .product(name: "HTTP2", package: "swift-h2"),
            .product(name: "HPACK", package: "swift-h2"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
// Benchmarks side by side with swift-nio-http2 1.46.0: the HPACK codec against NIOHPACK
// (HPACKBench), and the frame layer, the connection engine and memory per idle stream against
// NIOHTTP2Handler (H2Bench).
// Run: `cd Benchmarks && swift package benchmark`, or `bash Benchmarks/run.sh` for the
// summary tables (libnghttp2 as the HPACK yardstick). See ../BENCHMARKS.md.
import Foundation
import PackageDescription

// A path dependency's package identity is the last component of its folder, which depends
// on where the repository was cloned; work it out instead of hard-coding it.
let rootIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "HPACKBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio-http2", exact: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.82.0"),
    ],
    targets: [
        // Loads the python-hpack stories named in corpus.txt (Foundation, outside any measurement),
        // puts them in each library's native form and holds the measured loops.
        .target(
            name: "HPACKBenchKit",
            dependencies: [
                .product(name: "HPACK", package: rootIdentity),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/HPACKBenchKit"
        ),
        .executableTarget(
            name: "HPACKBench",
            dependencies: [
                "HPACKBenchKit",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HPACKBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Frame layer, engine and idle-stream memory: ours and swift-nio-http2's handler.
        .target(name: "CHeapInfo", path: "Sources/CHeapInfo"),
        .target(
            name: "H2BenchKit",
            dependencies: [
                "CHeapInfo",
                .product(name: "HPACK", package: rootIdentity),
                .product(name: "HTTP2", package: rootIdentity),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Sources/H2BenchKit",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "H2Bench",
            dependencies: [
                "H2BenchKit",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/H2Bench",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The frame, engine and idle-stream loops alone: checks, callgrind, heap and RSS.
        .executableTarget(
            name: "h2-profile",
            dependencies: ["H2BenchKit"],
            path: "Sources/h2-profile",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // Our decode/encode loop alone, for callgrind and for checking the corpus round-trips.
        .executableTarget(
            name: "hpack-profile",
            dependencies: [
                "HPACKBenchKit",
                .product(name: "HPACK", package: rootIdentity),
            ],
            path: "Sources/hpack-profile"
        ),
    ]
)

// swift-tools-version:6.0
// The HTTP/2 engine: HPACK (RFC 7541) and HTTP2 (RFC 9113) import only the standard
// library; tools and servers sit on top. See ../shared/DESIGN.md for the layers.
import PackageDescription

let package = Package(
    name: "swift-h2",
    products: [
        .library(name: "HPACK", targets: ["HPACK"]),
        .library(name: "HTTP2", targets: ["HTTP2"]),
        .executable(name: "h2-vectors", targets: ["h2-vectors"]),
        .executable(name: "h2-peer", targets: ["h2-peer"]),
        .library(name: "HTTP2Server", targets: ["HTTP2Server"]),
        .executable(name: "h2-server", targets: ["h2-server"]),
        .executable(name: "sse-server", targets: ["sse-server"]),
    ],
    dependencies: [
        // HTTP2Server only (HPACK and HTTP2 stay dependency-free).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "HPACK"),
        .target(name: "HTTP2", dependencies: ["HPACK"]),
        .executableTarget(name: "h2-vectors", dependencies: ["HPACK", "HTTP2"]),
        .executableTarget(name: "h2-peer", dependencies: ["HPACK", "HTTP2"]),
        // HTTP2Server: SwiftNIO + the system's OpenSSL (TLS, ALPN) around the engine.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "HTTP2Server", dependencies: [
            "HPACK", "HTTP2", "COpenSSL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HTTP2ServerCLI", dependencies: [
            "HTTP2Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "h2-server", dependencies: ["HTTP2Server", "HTTP2ServerCLI"]),
        // sse-server: the SSE dashboard (issue 6); its routes and SSE pieces live in SSEServer.
        .target(name: "SSEServer", dependencies: [
            "HTTP2Server", "HPACK",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "sse-server", dependencies: [
            "SSEServer", "HTTP2Server",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SSEServerTests", dependencies: [
            "SSEServer", "HTTP2Server", "HPACK",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "HTTP2ServerTests", dependencies: [
            "HTTP2Server", "HTTP2ServerCLI", "HPACK", "HTTP2", "COpenSSL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "HPACKTests", dependencies: ["HPACK", "h2-vectors"]),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2", "h2-vectors"]),
    ],
    swiftLanguageModes: [.v6]
)

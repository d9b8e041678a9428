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
    ],
    targets: [
        .target(name: "HPACK"),
        .target(name: "HTTP2", dependencies: ["HPACK"]),
        .executableTarget(name: "h2-vectors", dependencies: ["HPACK", "HTTP2"]),
        .executableTarget(name: "h2-peer", dependencies: ["HPACK", "HTTP2"]),
        .testTarget(name: "HPACKTests", dependencies: ["HPACK", "h2-vectors"]),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2", "h2-vectors"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
// The HTTP/2 engine: HPACK (RFC 7541) and HTTP2 (RFC 9113) import only the standard
// library; tools and servers sit on top. See ../shared/DESIGN.md for the layers.
import PackageDescription

let package = Package(
    name: "swift-h2",
    products: [
        .library(name: "HPACK", targets: ["HPACK"]),
        .executable(name: "h2-vectors", targets: ["h2-vectors"]),
    ],
    targets: [
        .target(name: "HPACK"),
        .executableTarget(name: "h2-vectors", dependencies: ["HPACK"]),
        .testTarget(name: "HPACKTests", dependencies: ["HPACK"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "logview",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "logview", targets: ["logview"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "LogviewCore", swiftSettings: strict),
        .target(
            name: "LogviewSources",
            dependencies: [
                "LogviewCore", "CSystemd",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LogviewTUI",
            dependencies: ["LogviewCore", "CNcursesw"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "logview",
            dependencies: [
                "LogviewCore", "LogviewSources", "LogviewTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: ["LogviewCore"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogviewCoreTests",
            dependencies: ["LogviewCore", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogviewSourcesTests",
            dependencies: ["LogviewSources", "LogviewCore", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogviewTUITests",
            dependencies: ["LogviewTUI", "LogviewCore", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)

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
            dependencies: ["LogviewCore", "CSystemd"],
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

// swift-tools-version: 6.1
import PackageDescription

// Layering (lower rows never import higher rows; see ARCHITECTURE.md):
//   CCmarkGFM, CLibXML2, CZlib,    C libraries, each behind one file of a Swift module (CZlib and
//   CLibDeflate, CMimalloc,        CLibDeflate: TomeSearch's Gzip, which tome serve's HTTP gzip also uses;
//   CConcurrencyHook               CMimalloc: linked into tome only, as its malloc; CConcurrencyHook: the
//                                  Swift runtime's global-executor hook, for TomeServer's ServingExecutor)
//   TomeCore                       shared vocabulary: diagnostics, locations, slugs
//   TomeSearch                     the search engine; knows nothing about sites
//   TomeMarkdown, TomeHTML         C at the edge, Swift values inside
//   TomeSite                       the content model
//   TomeBuild                      the pipeline as named steps
//   TomeServer                     HTTP (Hummingbird) over a built site; never builds
//   TomeMCP                        the MCP tools over TomeServer's published site
//   TomeCommands                   argv, stderr and exit codes
//   tome, tome-mcp                 one-file executables (`tome mcp` execs tome-mcp)
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Tome",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tome", targets: ["tome"]),
        .executable(name: "tome-mcp", targets: ["tome-mcp"]),
        .library(name: "TomeSearch", targets: ["TomeSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        .systemLibrary(name: "CConcurrencyHook"),
        .target(name: "TomeCore", swiftSettings: swiftSettings),
        .target(name: "TomeSearch", dependencies: ["CZlib", "CLibDeflate"], exclude: ["Browser/tome-search.js"], swiftSettings: swiftSettings),
        .target(name: "TomeMarkdown", dependencies: ["TomeCore", "CCmarkGFM"], swiftSettings: swiftSettings),
        .target(name: "TomeHTML", dependencies: ["TomeCore", "CLibXML2"], swiftSettings: swiftSettings),
        .target(
            name: "TomeSite",
            dependencies: ["TomeCore", "TomeMarkdown", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TomeBuild",
            dependencies: [
                "TomeCore", "TomeSite", "TomeMarkdown", "TomeHTML", "TomeSearch",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Theme/embed-templates.py"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TomeServer",
            dependencies: [
                "TomeCore", "TomeSearch",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "CConcurrencyHook",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TomeCommands",
            dependencies: [
                "TomeCore", "TomeSite", "TomeBuild", "TomeSearch", "TomeServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Linked with mimalloc, which takes over malloc and free for the whole process
        // (Swift's runtime included): the build's many small allocations cost less.
        .executableTarget(name: "tome", dependencies: ["TomeCommands", "CMimalloc"], swiftSettings: swiftSettings),
        // The MCP server in its own executable, so that `tome` never loads the MCP SDK's
        // networking stack (FoundationNetworking, libcurl): `tome mcp` execs it.
        .target(
            name: "TomeMCP",
            dependencies: ["TomeCore", "TomeSearch", "TomeServer", .product(name: "MCP", package: "swift-sdk")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tome-mcp",
            dependencies: ["TomeMCP", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "TomeCoreTests", dependencies: ["TomeCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TomeSearchTests", dependencies: ["TomeSearch"], resources: [.copy("Data")], swiftSettings: swiftSettings),
        .testTarget(name: "TomeMarkdownTests", dependencies: ["TomeMarkdown"], swiftSettings: swiftSettings),
        .testTarget(name: "TomeHTMLTests", dependencies: ["TomeHTML"], swiftSettings: swiftSettings),
        .testTarget(name: "TomeSiteTests", dependencies: ["TomeSite"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TomeBuildTests",
            dependencies: ["TomeBuild", "TomeSite"],
            resources: [.copy("Fixtures"), .copy("Golden")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TomeCommandsTests", dependencies: ["TomeCommands"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TomeServerTests",
            dependencies: [
                "TomeServer", "TomeSearch", "TomeCommands", "TomeMCP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

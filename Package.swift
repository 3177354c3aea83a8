// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "jwtaudit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jwtaudit", targets: ["jwtaudit"]),
        .library(name: "JWTAuditModel", targets: ["JWTAuditModel"]),
        .library(name: "JWTAuditClient", targets: ["JWTAuditClient"]),
        .library(name: "JWTAuditJWTKit", targets: ["JWTAuditJWTKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // Already in the graph through jwt-kit; named only so tests can generate RSA keys.
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
    ],
    targets: [
        // System C libraries, reached through small module maps.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(name: "CPeerCredentials"),

        // Hashing, HMAC and signatures over libcrypto.
        .target(name: "JWTAuditCrypto", dependencies: ["COpenSSL"]),
        // The event, its wire protocol and its decoders: no I/O.
        .target(name: "JWTAuditModel", dependencies: ["JWTAuditCrypto"]),
        // Block codec (columns, dictionaries, deltas, zlib) and per-block Bloom filters.
        .target(
            name: "JWTAuditBlocks",
            dependencies: ["JWTAuditModel", "CZlib", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        // SQLite partitions, the single writer, rollups and search.
        .target(
            name: "JWTAuditStore",
            dependencies: [
                "JWTAuditModel", "JWTAuditBlocks", "JWTAuditCrypto", "JWTAuditDetection", "CSQLite",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The Unix-socket collector: framing, hello/acks, peer credentials, dedup, quarantine.
        .target(
            name: "JWTAuditCollector",
            dependencies: [
                "JWTAuditModel", "JWTAuditCrypto", "JWTAuditStore", "CPeerCredentials",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Traffic generator and the acknowledged-mode client used by send, loadgen and bench.
        .target(name: "JWTAuditLoad", dependencies: ["JWTAuditModel", "JWTAuditClient"]),
        // The client library for services: non-blocking emit, acknowledged mode, reconnect and resend.
        // No dependencies (not even Foundation), so any service can link it.
        .target(name: "JWTAuditClient"),
        // vapor/jwt-kit 5 verification attempts as events (kept out of the daemon's dependency chain).
        .target(
            name: "JWTAuditJWTKit",
            dependencies: ["JWTAuditClient", .product(name: "JWTKit", package: "jwt-kit")]
        ),
        // Example: a Hummingbird service protecting a route with jwt-kit and emitting through the client.
        .target(
            name: "ProtectedServiceApp",
            dependencies: [
                "JWTAuditClient", "JWTAuditJWTKit",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/ProtectedService/Sources/ProtectedServiceApp"
        ),
        .executableTarget(
            name: "ProtectedService",
            dependencies: [
                "ProtectedServiceApp",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Examples/ProtectedService/Sources/ProtectedService"
        ),
        // Detection: rules, windows, the refresh-token ledger; batches of events and a clock in,
        // findings out. No I/O.
        .target(name: "JWTAuditDetection", dependencies: ["JWTAuditModel"]),
        // The rules file (YAML): load, merge per-service overrides, check with file:line diagnostics.
        .target(
            name: "JWTAuditRules",
            dependencies: ["JWTAuditDetection", "JWTAuditModel", .product(name: "Yams", package: "Yams")]
        ),
        // Live detection in the daemon: committed batches to the engine, alerts to the store and outputs.
        .target(
            name: "JWTAuditAlerting",
            dependencies: [
                "JWTAuditDetection", "JWTAuditStore", "JWTAuditModel", "JWTAuditLoad",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The daemon's assembly: collector, detection, outputs as services in order.
        .target(
            name: "JWTAuditServer",
            dependencies: [
                "JWTAuditCollector", "JWTAuditAlerting", "JWTAuditDetection", "JWTAuditRules", "JWTAuditStore",
                "JWTAuditOutputs", "JWTAuditAccess", "JWTAuditHTTP", "JWTAuditMetrics", "JWTAuditModel",
                "JWTAuditRetention",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // API tokens (stored hashed), roles, failed-authentication records and their rate limit.
        .target(
            name: "JWTAuditAccess",
            dependencies: ["JWTAuditStore", "JWTAuditCrypto", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        // Prometheus metrics: the catalogue, a swift-metrics factory over the registry, scrape-time readers.
        .target(
            name: "JWTAuditMetrics",
            dependencies: [
                "JWTAuditCollector", "JWTAuditAlerting", "JWTAuditOutputs", "JWTAuditStore", "JWTAuditDetection",
                "JWTAuditAccess", "JWTAuditModel",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The HTTP API (Hummingbird): alerts, triage, events, stats, metrics; token authentication.
        .target(
            name: "JWTAuditHTTP",
            dependencies: [
                "JWTAuditAccess", "JWTAuditStore", "JWTAuditDetection", "JWTAuditModel", "JWTAuditReports",
                "JWTAuditRetention", "JWTAuditCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Alert outputs: stdout (NDJSON), webhook, syslog; bounded queues, counted drops.
        .target(
            name: "JWTAuditOutputs",
            dependencies: [
                "JWTAuditDetection", "JWTAuditModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Retention policy: the retention.json contract, its checks and framework minimums.
        .target(name: "JWTAuditRetention", dependencies: ["JWTAuditModel", "JWTAuditStore", "JWTAuditBlocks"]),
        // Compliance reports: evidence from rollups and summaries, JSON/CSV/HTML, Ed25519-signed, export records.
        .target(
            name: "JWTAuditReports",
            dependencies: ["JWTAuditStore", "JWTAuditRetention", "JWTAuditCrypto", "JWTAuditModel", "JWTAuditDetection"]
        ),
        // Test support: temporary folders, a daemon harness, event builders.
        .target(name: "JWTAuditTesting", dependencies: ["JWTAuditModel", "JWTAuditLoad"]),
        .executableTarget(
            name: "jwtaudit",
            dependencies: [
                "JWTAuditModel", "JWTAuditStore", "JWTAuditCollector", "JWTAuditLoad", "JWTAuditRetention",
                "JWTAuditDetection", "JWTAuditRules", "JWTAuditAlerting", "JWTAuditServer", "JWTAuditOutputs",
                "JWTAuditAccess", "JWTAuditMetrics", "JWTAuditReports", "JWTAuditCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // libFuzzer targets (Fuzz/run builds them with --sanitize=fuzzer); a normal build replays files.
        .target(name: "FuzzReplay"),
        .executableTarget(name: "FuzzEventDecoder", dependencies: ["JWTAuditModel", "JWTAuditCrypto", "FuzzReplay"]),
        .executableTarget(name: "FuzzTokenDecoder", dependencies: ["JWTAuditModel", "JWTAuditCrypto", "FuzzReplay"]),
        .executableTarget(name: "FuzzBlockDecoder", dependencies: ["JWTAuditBlocks", "JWTAuditModel", "FuzzReplay"]),
        .testTarget(name: "JWTAuditModelTests", dependencies: ["JWTAuditModel", "JWTAuditCrypto"]),
        .testTarget(name: "JWTAuditCryptoTests", dependencies: ["JWTAuditCrypto"]),
        .testTarget(name: "JWTAuditBlocksTests", dependencies: ["JWTAuditBlocks", "JWTAuditTesting"]),
        .testTarget(name: "JWTAuditLoadTests", dependencies: ["JWTAuditLoad", "JWTAuditModel", "JWTAuditDetection"]),
        .testTarget(
            name: "JWTAuditStoreTests",
            dependencies: ["JWTAuditStore", "JWTAuditCrypto", "JWTAuditDetection", "JWTAuditTesting"]
        ),
        .testTarget(name: "JWTAuditDetectionTests", dependencies: ["JWTAuditDetection", "JWTAuditTesting"]),
        .testTarget(name: "JWTAuditRulesTests", dependencies: ["JWTAuditRules", "JWTAuditDetection"]),
        .testTarget(
            name: "JWTAuditOutputsTests",
            dependencies: [
                "JWTAuditOutputs", "JWTAuditDetection", "JWTAuditModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JWTAuditCollectorTests",
            dependencies: [
                "JWTAuditCollector",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "JWTAuditAccessTests", dependencies: ["JWTAuditAccess", "JWTAuditStore", "JWTAuditTesting"]),
        .testTarget(
            name: "JWTAuditMetricsTests",
            dependencies: ["JWTAuditMetrics", "JWTAuditCollector", "JWTAuditStore", "JWTAuditModel", "JWTAuditTesting"]
        ),
        .testTarget(
            name: "JWTAuditRetentionTests",
            dependencies: ["JWTAuditRetention", "JWTAuditModel", "JWTAuditStore", "JWTAuditCrypto", "JWTAuditTesting"]
        ),
        .testTarget(
            name: "JWTAuditReportsTests",
            dependencies: [
                "JWTAuditReports", "JWTAuditStore", "JWTAuditRetention", "JWTAuditCrypto", "JWTAuditModel",
                "JWTAuditDetection", "JWTAuditTesting",
            ]
        ),
        .testTarget(
            name: "JWTAuditClientTests",
            dependencies: [
                "JWTAuditClient", "JWTAuditTesting", "jwtaudit",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JWTAuditJWTKitTests",
            dependencies: [
                "JWTAuditJWTKit", "JWTAuditClient", "ProtectedService", "JWTAuditTesting", "jwtaudit",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JWTAuditEndToEndTests",
            dependencies: [
                "jwtaudit", "JWTAuditTesting", "JWTAuditLoad", "JWTAuditModel", "JWTAuditStore", "JWTAuditDetection",
                "JWTAuditCrypto",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

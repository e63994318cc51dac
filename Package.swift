// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "PulseProp",
    products: [
        .library(name: "PulseProp", targets: ["PulseProp"]),
        .executable(name: "pulseprop", targets: ["pulseprop"]),
        .executable(name: "pulseprop-fuzz", targets: ["pulseprop-fuzz"]),
        .executable(name: "pulseprop-bench", targets: ["pulseprop-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
    ],
    targets: [
        // Header-only view of libngspice: the engine opens renamed copies of the library with
        // dlopen (one simulator instance per copy, reloadable after a fatal error), so nothing
        // links against it. pkg-config locates the header.
        .systemLibrary(
            name: "CNgspice",
            pkgConfig: "ngspice",
            providers: [.apt(["libngspice0-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib's gzread reads gzip and raw IDX files alike.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // SuiteSparse's sparse Cholesky, for the nodal systems of wired crossbars. Debian's
        // package has no pkg-config file; the shim includes the header by its folder.
        .systemLibrary(
            name: "CCholmod",
            providers: [.apt(["libsuitesparse-dev"])]
        ),
        // Training's sparse kernels, compiled for AVX-512, AVX2 and baseline x86-64 and chosen
        // at load time; optimised in debug builds too, so tests of training stay quick.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        .target(
            name: "PulseProp",
            dependencies: [
                "CCholmod",
                "CKernels",
                "CNgspice",
                "COpenBLAS",
                "CZlib",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        // Option groups the command-line programs share.
        .target(
            name: "PulsePropOptions",
            dependencies: [
                "PulseProp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "pulseprop",
            dependencies: [
                "PulseProp",
                "PulsePropOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Speed measurements, out of the product executable (scripts/bench-* run them).
        .executableTarget(
            name: "pulseprop-bench",
            dependencies: [
                "COpenBLAS",
                "PulseProp",
                "PulsePropOptions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/pulseprop-bench"
        ),
        // The readers of untrusted files as fuzz targets: a seeded mutation harness in a normal
        // build, a libFuzzer binary when scripts/fuzz builds it with -sanitize=fuzzer.
        .executableTarget(
            name: "pulseprop-fuzz",
            dependencies: ["PulseProp"]
        ),
        .testTarget(
            name: "PulsePropTests",
            dependencies: ["PulseProp", "pulseprop", "pulseprop-fuzz", "pulseprop-bench"]
        ),
    ],
    swiftLanguageModes: [.v5]
)

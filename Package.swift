// swift-tools-version: 6.1
// The data path, one module per stage:
//   fixture file -> HDF5 (over CHDF5) -> Fixtures (tensors, parameters) -> Layers (over Tensors/CBLAS/CDNNL/CSleef)
//   -> Replays (a case's recorded configuration drives the layers) -> Comparison -> Report -> `replay`.
// Baseline (no dependencies) holds the CI gate's error baseline and its rule (docs/GATE.md).
import PackageDescription

let package = Package(
    name: "NotebookReplay",
    products: [
        .executable(name: "replay", targets: ["replay"]),
        .library(name: "Report", targets: ["Report"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C libraries, each behind one module.
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CSleef", path: "Sources/CSleef", pkgConfig: "sleef",
            providers: [.apt(["libsleef-dev"])]),

        // SHA-256 for the fixture manifest, in C so that debug builds hash fast.
        .target(name: "CSHA256"),

        // Stages of the data path.
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        .target(
            name: "Tensors",
            dependencies: ["CBLAS", "CDNNL", "CSleef", .product(name: "RealModule", package: "swift-numerics")]),
        .target(
            name: "Layers",
            dependencies: ["Tensors", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "Fixtures", dependencies: ["HDF5", "Tensors", "CSHA256"]),
        .target(name: "Comparison", dependencies: ["Tensors"]),
        .target(name: "Replays", dependencies: ["Fixtures", "Layers", "Tensors"]),
        .target(name: "Baseline"),
        .target(name: "Report", dependencies: ["Fixtures", "Comparison", "Replays", "Tensors", "Baseline"]),
        .executableTarget(
            name: "replay",
            dependencies: ["Report", "Fixtures", "Baseline", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks are programs, not tests: see tools/benchmark.sh.
        .executableTarget(
            name: "LSTMBenchmark", dependencies: ["Layers", "Tensors"], path: "Benchmarks/LSTMBenchmark"),
        .executableTarget(
            name: "LayerBenchmark", dependencies: ["Layers", "Tensors", "Fixtures"], path: "Benchmarks/LayerBenchmark"),

        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"], exclude: ["Samples"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensors", "CSleef"]),
        .testTarget(name: "LayerTests", dependencies: ["Layers", "Tensors"]),
        .testTarget(
            name: "ComparisonTests",
            dependencies: ["Comparison", "Tensors", .product(name: "PropertyBased", package: "swift-property-based")]),
        // Depends on `replay` so that the executable its end-to-end tests run is built.
        .testTarget(
            name: "ConformanceTests", dependencies: ["Report", "Fixtures", "Replays", "HDF5", "Tensors", "Baseline", "replay"]),
        .testTarget(name: "BaselineTests", dependencies: ["Baseline"]),
    ]
)

// swift-tools-version: 6.1
import PackageDescription

// Kernel benchmarks for Recur, kept in their own package so the root package
// (and its static binary) never depends on the benchmark framework.
// Run them with `scripts/bench-kernels.sh` from the repository root.
//
// Only the `MallocInterposer` trait of package-benchmark is enabled: it needs
// no system library (no jemalloc), and leaving out the default
// `RuntimeInterposer` trait keeps the ARC runtime interposer out of the build.
let package = Package(
    name: "RecurBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Recur", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RecurCore", package: "Recur"),
                .product(name: "RecurKernels", package: "Recur"),
                .product(name: "RecurKernelsAVX512", package: "Recur"),
                .product(name: "RecurKernelsAVX2", package: "Recur"),
                .product(name: "RecurKernelsPortable", package: "Recur"),
                .product(name: "RecurModel", package: "Recur"),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)

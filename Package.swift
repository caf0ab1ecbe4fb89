// swift-tools-version: 6.1
import PackageDescription

// The compute kernels are compiled three times from one source folder
// (`Sources/RecurKernelsPortable/Shared`, symlinked into the other two targets):
// for AVX-512 (x86-64-v4), for AVX2 + FMA (x86-64-v3), and with the compiler's
// defaults. `RecurKernels` picks the best one the running CPU supports, so one
// binary runs at full speed on Zen 4, Sapphire Rapids and AVX2-only machines,
// and still builds (portably) on arm64. The manifest is evaluated on the build
// host, so `#if arch` here means "building on x86-64".
#if arch(x86_64)
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v4", "-enforce-exclusivity=unchecked"])]
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v3", "-enforce-exclusivity=unchecked"])]
#else
let avx512Flags: [SwiftSetting] = []
let avx2Flags: [SwiftSetting] = []
#endif

let package = Package(
    name: "Recur",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recur", targets: ["recur"]),
        .library(name: "RecurTrainer", targets: ["RecurTrainer"]),
        .library(name: "RecurCheckpoint", targets: ["RecurCheckpoint"]),
        .library(name: "RecurVerification", targets: ["RecurVerification"]),
        .library(name: "RecurBench", targets: ["RecurBench"]),
        // For the benchmark package in Benchmarks/, which reaches the kernels
        // through their `Kernels` SPI.
        .library(name: "RecurCore", targets: ["RecurCore"]),
        .library(name: "RecurKernels", targets: ["RecurKernels"]),
        .library(name: "RecurKernelsPortable", targets: ["RecurKernelsPortable"]),
        .library(name: "RecurKernelsAVX2", targets: ["RecurKernelsAVX2"]),
        .library(name: "RecurKernelsAVX512", targets: ["RecurKernelsAVX512"]),
        .library(name: "RecurModel", targets: ["RecurModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        // System shims.
        .systemLibrary(
            name: "CHwloc", pkgConfig: "hwloc",
            providers: [.apt(["libhwloc-dev"]), .brew(["hwloc"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "CRecurCPU"),
        // Open MPI, loaded with dlopen only for a run across processes, so the binary needs no MPI.
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("dl")]),
        // Every call into the C library (files, processes, signals, threads), typed, in one place.
        .target(name: "RecurSystem"),

        // Shapes, parameter layout, random numbers: shared by every layer.
        .target(name: "RecurCore"),

        // Kernels and the per-shard forward/BPTT, one build per instruction set.
        .target(
            name: "RecurKernelsPortable", dependencies: ["RecurCore", "CRecurCPU"],
            linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "RecurKernelsAVX2", dependencies: ["RecurCore", "CRecurCPU"], swiftSettings: avx2Flags,
            linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "RecurKernelsAVX512", dependencies: ["RecurCore", "CRecurCPU"], swiftSettings: avx512Flags,
            linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "RecurKernels",
            dependencies: ["RecurCore", "CRecurCPU", "RecurKernelsPortable", "RecurKernelsAVX2", "RecurKernelsAVX512"]),

        // Model, data, checkpoints, parallel engine, trainer, CLI.
        .target(name: "RecurModel", dependencies: ["RecurCore", "RecurKernels"]),
        .target(name: "RecurData", dependencies: ["RecurCore", "RecurSystem", "RecurSafetensors", "CZlib"]),
        .target(name: "RecurSafetensors", dependencies: ["RecurSystem"]),
        .target(
            name: "RecurEngine",
            dependencies: [
                "RecurCore", "RecurKernels", "RecurModel", "RecurSystem", "CHwloc", "CRecurCPU",
                .product(name: "Atomics", package: "swift-atomics"),
            ]),
        // Data parallel across processes (MPI ranks) with the single-process bits.
        .target(name: "RecurDistributed", dependencies: ["CMPI", "CZlib", "RecurCore", "RecurEngine", "RecurSystem"]),
        // What every command runs on: typed user-facing errors, the compute
        // setup (topology, placement, pool, kernel build), memory and output checks.
        .target(name: "RecurRuntime", dependencies: ["RecurCore", "RecurKernels", "RecurEngine", "RecurData", "RecurSystem"]),
        // The checkpoint format (safetensors with PyTorch names and training state) and folders.
        .target(
            name: "RecurCheckpoint",
            dependencies: ["RecurCore", "RecurModel", "RecurSafetensors", "RecurRuntime", "RecurSystem"]),
        // The training loop and evaluation.
        .target(
            name: "RecurTrainer",
            dependencies: [
                "RecurCore", "RecurModel", "RecurData", "RecurEngine", "RecurKernels", "RecurRuntime",
                "RecurCheckpoint", "RecurDistributed",
            ]),
        // `recur verify`: a PyTorch reference file against the model and the engine.
        .target(
            name: "RecurVerification",
            dependencies: [
                "RecurCore", "RecurModel", "RecurSafetensors", "RecurEngine", "RecurRuntime", "RecurCheckpoint",
            ]),
        // `recur bench` and `recur tune`: the measurement harness and its reports.
        .target(
            name: "RecurBench",
            dependencies: [
                "RecurCore", "RecurModel", "RecurEngine", "RecurKernels", "RecurRuntime", "RecurData", "RecurTrainer",
                "RecurSystem", "RecurDistributed",
            ]),
        .executableTarget(
            name: "recur",
            dependencies: [
                "RecurTrainer", "RecurEngine", "RecurRuntime", "RecurCheckpoint", "RecurVerification", "RecurBench",
                "RecurSystem", "RecurData", "RecurSafetensors", "RecurDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests, one target per layer, with shared helpers.
        .target(name: "RecurTestSupport", dependencies: ["RecurCore", "RecurSafetensors"], path: "Tests/RecurTestSupport"),
        .testTarget(
            name: "RecurKernelsTests",
            dependencies: [
                "RecurCore", "RecurKernels", "RecurKernelsPortable", "RecurKernelsAVX2", "RecurKernelsAVX512",
                "RecurTestSupport",
            ]),
        .testTarget(name: "RecurModelTests", dependencies: ["RecurCore", "RecurModel", "RecurKernels", "RecurSafetensors", "RecurTestSupport"]),
        .testTarget(name: "RecurDataTests", dependencies: ["RecurData", "CZlib", "RecurSafetensors", "RecurTestSupport"]),
        .testTarget(name: "RecurSafetensorsTests", dependencies: ["RecurCore", "RecurSafetensors", "RecurTestSupport"]),
        .testTarget(name: "RecurEngineTests", dependencies: ["RecurEngine", "RecurTestSupport"]),
        .testTarget(
            name: "RecurCheckpointTests",
            dependencies: [
                "RecurCheckpoint", "RecurRuntime", "RecurCore", "RecurModel", "RecurSafetensors", "RecurTestSupport",
            ]),
        .testTarget(
            name: "RecurTrainerTests",
            dependencies: [
                "RecurTrainer", "RecurRuntime", "RecurCore", "RecurModel", "RecurKernels", "RecurSafetensors", "RecurData",
                "RecurTestSupport",
            ]),
        .testTarget(
            name: "RecurVerificationTests",
            dependencies: [
                "RecurVerification", "RecurRuntime", "RecurCheckpoint", "RecurCore", "RecurModel", "RecurKernels",
                "RecurSafetensors", "RecurTestSupport",
            ]),
        .testTarget(name: "RecurBenchTests", dependencies: ["RecurBench", "RecurRuntime", "RecurCore", "RecurTestSupport"]),
        // Runs the built `recur` executable: options, exit codes, files on disk.
        .testTarget(name: "RecurCLITests", dependencies: ["recur", "RecurCore", "RecurEngine", "RecurSafetensors", "RecurTestSupport"]),
    ]
)

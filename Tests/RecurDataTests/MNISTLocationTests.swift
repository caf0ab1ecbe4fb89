import Testing
@testable import RecurData

/// `MNIST.resolveDirectory`: `--data`, then `$MNIST_DIR`, then `./data/mnist`.
@Suite struct MNISTLocationTests {
    /// A scratch directory with subfolders `explicit`, `env` and `data/mnist`,
    /// each holding the four file names (content does not matter here), as
    /// `NAME.gz` in `explicit` and `NAME` elsewhere.
    private func populated(_ folders: [String]) throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        for folder in folders {
            for name in MNIST.fileNames {
                try scratch.write([0], to: "\(folder)/\(name)\(folder == "explicit" ? ".gz" : "")")
            }
        }
        return scratch
    }

    @Test func explicitDirectoryComesFirst() throws {
        let scratch = try populated(["explicit", "env", "data/mnist"])
        let found = try MNIST.resolveDirectory(
            explicit: scratch.path + "/explicit", environment: ["MNIST_DIR": scratch.path + "/env"], currentDirectory: scratch.path)
        #expect(found == scratch.path + "/explicit")
    }

    @Test func environmentComesBeforeTheDefault() throws {
        let scratch = try populated(["env", "data/mnist"])
        let found = try MNIST.resolveDirectory(
            explicit: nil, environment: ["MNIST_DIR": scratch.path + "/env"], currentDirectory: scratch.path)
        #expect(found == scratch.path + "/env")
    }

    @Test func defaultIsDataMNISTInTheCurrentDirectory() throws {
        let scratch = try populated(["data/mnist"])
        #expect(try MNIST.resolveDirectory(explicit: nil, environment: [:], currentDirectory: scratch.path)
            == scratch.path + "/data/mnist")
        // An environment variable naming an incomplete folder falls through to the default.
        #expect(try MNIST.resolveDirectory(explicit: nil, environment: ["MNIST_DIR": scratch.path], currentDirectory: scratch.path)
            == scratch.path + "/data/mnist")
    }

    @Test func explicitDirectoryMustHoldTheFiles() throws {
        let scratch = try populated(["data/mnist"])
        try scratch.write([0], to: "partial/train-images-idx3-ubyte.gz")
        try scratch.write([0], to: "partial/t10k-images-idx3-ubyte")
        let partial = scratch.path + "/partial"
        let error = #expect(throws: MNISTLocationError.self) {
            try MNIST.resolveDirectory(explicit: partial, environment: [:], currentDirectory: scratch.path)
        }
        #expect(error == .unusableDataDirectory(partial, .missingFiles(["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"])))
        #expect(error?.description.hasPrefix(
            "--data \(partial): missing train-labels-idx1-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; get the files with") == true)

        let nowhere = scratch.path + "/nowhere"
        #expect(throws: MNISTLocationError.unusableDataDirectory(nowhere, .noSuchDirectory)) {
            try MNIST.resolveDirectory(explicit: nowhere, environment: [:], currentDirectory: scratch.path)
        }
    }

    @Test func notFoundListsEveryPlaceAndTheRemedy() throws {
        let scratch = try ScratchDirectory()
        let error = #expect(throws: MNISTLocationError.self) {
            try MNIST.resolveDirectory(explicit: nil, environment: ["MNIST_DIR": "/no/such/dir"], currentDirectory: scratch.path)
        }
        #expect(error == .notFound([
            .init(place: "$MNIST_DIR=/no/such/dir", problem: .noSuchDirectory),
            .init(place: scratch.path + "/data/mnist", problem: .noSuchDirectory),
        ]))
        let message = error?.description ?? ""
        #expect(message.hasPrefix("MNIST not found: looked in $MNIST_DIR=/no/such/dir (no such directory), \(scratch.path)/data/mnist (no such directory); "))
        #expect(message.contains("`scripts/fetch-mnist.sh data/mnist`"))
        #expect(message.contains("`scripts/fetch-mnist.sh data/mnist --from DIR`"))
        #expect(message.contains("--data DIR") && message.contains("MNIST_DIR"))
        #expect(!message.contains("\n"))
    }

    @Test(.enabled(if: MNIST.problem(with: "data/mnist") != nil, "./data/mnist exists here"))
    func defaultIsRelativeWithoutACurrentDirectory() {
        let error = #expect(throws: MNISTLocationError.self) {
            try MNIST.resolveDirectory(explicit: nil, environment: ["MNIST_DIR": ""])
        }
        guard case .notFound(let places) = error, let last = places.last else { return }
        #expect(places.count == 1)
        #expect(last.place == "./data/mnist")
    }
}

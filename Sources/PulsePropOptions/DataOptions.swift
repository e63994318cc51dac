import ArgumentParser
import PulseProp

/// The data a learning run trains and tests on: MNIST-layout IDX files or the built-in task,
/// and how much of them.
public struct DataOptions: ParsableArguments {
    @Option(help: "Folder with MNIST-layout IDX files (gzip or raw), e.g. ../shared/data/mnist or /usr/share/datasets/fashion-mnist. Without it: the built-in task.")
    public var data: String?

    @Option(help: "Train on the first N training examples only.")
    public var trainLimit: Int?

    @Option(help: "Evaluate on the first N test examples only.")
    public var testLimit: Int?

    public init() {}

    public func validate() throws {
        try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
        try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
    }

    /// The training and test sets: `--data`'s files, else `builtin()`, each cut to its limit.
    public func datasets(builtin: () throws -> (Dataset, Dataset)) throws -> (train: Dataset, test: Dataset) {
        let (train, test) = try data.map { try Dataset.mnist(directory: $0) } ?? builtin()
        return (trainLimit.map(train.prefix) ?? train, testLimit.map(test.prefix) ?? test)
    }
}

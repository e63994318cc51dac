import Foundation

/// A labelled classification set: inputs scaled to `[0, 1]` and class labels.
public struct Dataset: Sendable {
    /// Inputs, `count × features`, row-major.
    public let inputs: [Float]
    /// Class label of each example, `0 ..< classes`.
    public let labels: [Int]
    /// Number of input features.
    public let features: Int
    /// Number of classes.
    public let classes: Int
    /// The inputs' non-zero values, example by example, when few of them are non-zero (by
    /// default fewer than ``Kernels/sparseDensityLimit``; MNIST: 19 %), else nil.
    public let nonZero: NonZeroInputs?

    /// Number of examples.
    public var count: Int { labels.count }

    /// Creates a dataset; `inputs.count` must be `labels.count × features`. Its non-zero
    /// inputs are listed (``nonZero``) when their fraction is below `listingBelow`.
    public init(
        inputs: [Float], labels: [Int], features: Int, classes: Int, listingBelow: Double = Kernels.sparseDensityLimit
    ) {
        precondition(inputs.count == labels.count * features, "inputs do not match labels × features")
        self.inputs = inputs
        self.labels = labels
        self.features = features
        self.classes = classes
        nonZero = NonZeroInputs(inputs, features: features, densityBelow: listingBelow)
    }

    /// Reads an IDX image file and its label file (pixels scaled by 1/255); the two must hold
    /// the same number of examples and labels must lie in `0 ..< classes`.
    public init(images: String, labels labelPath: String, classes: Int = 10) throws {
        let imageFile = try IDXFile(path: images)
        let labelFile = try IDXFile(path: labelPath)
        guard imageFile.dimensions.count >= 2 else { throw DataError(images, "is not an image file (rank \(imageFile.dimensions.count))") }
        guard labelFile.dimensions.count == 1 else { throw DataError(labelPath, "is not a label file (rank \(labelFile.dimensions.count))") }
        guard imageFile.dimensions[0] == labelFile.dimensions[0] else {
            throw DataError(labelPath, "holds \(labelFile.dimensions[0]) labels but \(images) holds \(imageFile.dimensions[0]) images")
        }
        guard imageFile.dimensions[0] > 0 else { throw DataError(images, "holds no images; an empty set cannot be trained or tested on") }
        guard imageFile.dimensions.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw DataError(images, "holds images of \(imageFile.dimensions.dropFirst().map(String.init).joined(separator: "x")) pixels; none to learn from")
        }
        if let bad = labelFile.bytes.first(where: { Int($0) >= classes }) {
            throw DataError(labelPath, "holds label \(bad), outside 0..<\(classes)")
        }
        self.init(
            inputs: imageFile.bytes.map { Float($0) / 255 }, labels: labelFile.bytes.map(Int.init),
            features: imageFile.dimensions.dropFirst().reduce(1, *), classes: classes)
    }

    /// The training and test sets of an MNIST-layout folder (MNIST or Fashion-MNIST): files
    /// named `train-images-idx3-ubyte` or `train-images.idx3-ubyte`, optionally `.gz`.
    public static func mnist(directory: String) throws -> (train: Dataset, test: Dataset) {
        let files = try mnistFiles(directory: directory)
        return (
            try Dataset(images: files.trainImages, labels: files.trainLabels),
            try Dataset(images: files.testImages, labels: files.testLabels)
        )
    }

    /// The four IDX files of an MNIST-layout folder (see ``mnist(directory:)``), without reading them.
    public static func mnistFiles(directory: String) throws
        -> (trainImages: String, trainLabels: String, testImages: String, testLabels: String)
    {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError(directory, "is not a folder")
        }
        func find(_ stem: String, _ kind: String) throws -> String {
            for name in ["\(stem)-\(kind)", "\(stem).\(kind)"] {
                for suffix in ["", ".gz"] {
                    let path = (directory as NSString).appendingPathComponent(name + suffix)
                    if FileManager.default.fileExists(atPath: path) { return path }
                }
            }
            throw DataError(directory, "has no \(stem)-\(kind)[.gz] file")
        }
        return (
            try find("train-images", "idx3-ubyte"), try find("train-labels", "idx1-ubyte"),
            try find("t10k-images", "idx3-ubyte"), try find("t10k-labels", "idx1-ubyte")
        )
    }

    /// The first `n` examples (all of them if there are fewer).
    public func prefix(_ n: Int) -> Dataset {
        let kept = min(max(n, 0), count)
        return Dataset(inputs: Array(inputs[..<(kept * features)]), labels: Array(labels[..<kept]), features: features, classes: classes)
    }
}

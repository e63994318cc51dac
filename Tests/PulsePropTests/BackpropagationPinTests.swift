import XCTest

@testable import PulseProp

/// Pins short MNIST-subset runs of backpropagation to the results the code gave before the
/// layers became an array and the rule a ``TrainingAlgorithm`` (measured with the release
/// binary of commit 843136f: `pulseprop train --data ../shared/data/mnist --train-limit 1000
/// --test-limit 500 --epochs 2 --seed 5 --batch 10 --threads 1 …`). A refactor that moves a
/// result fails here. The tolerances allow for BLAS kernels that round differently on other
/// CPUs (OpenBLAS picks its kernel at run time): one test example, and 1e-4 of the loss.
final class BackpropagationPinTests: XCTestCase {
    private struct Pin {
        let method: UpdateMethod
        let levels: Int
        let learningRate: Double
        let testError: Double
        let testLoss: Double
    }

    private let pins = [
        Pin(method: .times, levels: 0, learningRate: 1e-2, testError: 0.244, testLoss: 1.3327968720741379),
        Pin(method: .absmin, levels: 20, learningRate: 3e-3, testError: 0.604, testLoss: 2.976598601559827),
    ]

    func testShortMNISTRunsAreUnchanged() throws {
        let folder = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: folder), "MNIST is not at ../shared/data/mnist")
        let (train, test) = try Dataset.mnist(directory: folder)
        for pin in pins {
            var c = BackpropConfiguration()
            (c.method, c.levels, c.learningRate, c.epochs, c.seed, c.batch) = (pin.method, pin.levels, pin.learningRate, 2, 5, 10)
            let run = try BackpropRun(
                configuration: c, train: train.prefix(1000), test: test.prefix(500), checkpointPath: nil, resume: false)
            let last = try XCTUnwrap(run.run().last)
            XCTAssertEqual(last.testError, pin.testError, accuracy: 1.0 / 500 + 1e-12, "\(pin.method) L\(pin.levels)")
            XCTAssertEqual(last.testLoss, pin.testLoss, accuracy: 1e-4 * pin.testLoss, "\(pin.method) L\(pin.levels)")
        }
    }
}

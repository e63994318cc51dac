import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop bench train`: seconds per MNIST epoch for the update rules.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Seconds per training epoch (60k examples, [784-110-10]) for times and absmin, continuous and 20 levels.")

    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Epochs timed per setting (the median is reported).")
    var epochs: Int = 3

    @Option(help: "OpenBLAS threads for the GEMMs (training runs use 1 unless told otherwise).")
    var blasThreads = 1

    func run() throws {
        try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
        try require(blasThreads >= 1, "blas-threads", "must be ≥ 1, got \(blasThreads)")
        let (train, test) = try Dataset.mnist(directory: data)
        print("rule                          train s/epoch   test-eval s   (median of \(epochs))")
        for levels in [0, 20] {
            for method in UpdateMethod.allCases {
                var c = TrainingConfiguration()
                c.method = method
                c.levels = levels
                c.epochs = epochs
                let run = try TrainingRun(configuration: c, train: train, test: test, checkpointPath: nil, resume: false)
                Kernels.setBLASThreads(blasThreads)
                var trainSeconds: [Double] = []
                var evalSeconds: [Double] = []
                let trainer = Trainer(configuration: c, network: run.checkpoint.network, weightUpdater: IdealWeightUpdater(method: method, encoding: c.encoding))
                var rng = SeededGenerator(seed: 1)
                for _ in 0..<epochs {
                    var order = Array(0..<train.count)
                    order.shuffle(using: &rng)
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try trainer.trainEpoch(on: train, order: order, rate: 1e-4)
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    _ = try trainer.evaluate(on: test)
                    let t2 = DispatchTime.now().uptimeNanoseconds
                    trainSeconds.append(Double(t1 - t0) / 1e9)
                    evalSeconds.append(Double(t2 - t1) / 1e9)
                }
                print(String(format: "%-28@  %14.3f  %12.3f", c.ruleName as NSString, trainSeconds.sorted()[epochs / 2], evalSeconds.sorted()[epochs / 2]))
            }
        }
    }
}

import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop bench train`: seconds per MNIST epoch for the update rules, and for device
/// pairs through the analytic engine as a ratio to the ideal-weight absmin epoch of the same run.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Seconds per training epoch (60k examples, [784-110-10]) for times and absmin, continuous and 20 levels, and for device pairs (analytic engine, 20 levels) against ideal absmin.")

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
        print("rule                                      train s/epoch   test-eval s   vs ideal absmin-L20   (median of \(epochs))")
        var idealAbsmin = Double.nan
        for levels in [0, 20] {
            for method in UpdateMethod.allCases {
                var c = TrainingConfiguration()
                (c.method, c.levels, c.epochs) = (method, levels, epochs)
                let (t, e) = try time(c, train: train, test: test, label: c.ruleName, reference: idealAbsmin) { _ in
                    IdealWeightUpdater(method: method, encoding: c.encoding)
                }
                if method == .absmin, levels == 20 { (idealAbsmin, _) = (t, e) }
            }
        }
        // Device pairs as `pulseprop train` runs them (circuit monitor counting every step):
        // at the matched gain with stochastic rounding (sparse pulses, as in `reproduce
        // devices`), and at gain 1 to nearest (dense pulses).
        let hardware = CrossbarHardware()
        for (update, stochastic) in [(UpdateScheme.bidirectional, true), (.unidirectional, true), (.bidirectional, false)] {
            var c = TrainingConfiguration()
            (c.method, c.levels, c.epochs, c.weights, c.update) = (.absmin, 20, epochs, .pair, update)
            if stochastic {
                c.rounding = .stochastic
                c.pulseGain = DeviceWeightUpdater.matchedGain(
                    eta: 1e-4, encoding: c.encoding!, mapping: c.mapping!, scheme: update,
                    response: try hardware.analyticEngine())
            } else {
                c.pulseGain = 1
            }
            if update == .unidirectional { c.refreshSaturation = 0.8 }
            let label = "pairs-\(update.rawValue)-\(stochastic ? "stochastic-eta1e-4" : "nearest-gain1")"
            _ = try time(c, train: train, test: test, label: label, reference: idealAbsmin) { [c] network in
                let updater = try hardware.updater(for: network, configuration: c)
                let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
                updater.observer = { try monitor.record($0) }
                return updater
            }
        }
    }

    /// Times `epochs` epochs of `configuration` with the updater `make` builds and prints the
    /// medians with the ratio to `reference` seconds; returns the medians (train, test).
    private func time(
        _ configuration: TrainingConfiguration, train: Dataset, test: Dataset, label: String, reference: Double,
        make: (Network) throws -> WeightUpdater
    ) throws -> (Double, Double) {
        var rng = SeededGenerator(seed: 1)
        let network = Network(
            inputs: train.features, hidden: configuration.hidden, outputs: train.classes,
            activation: configuration.activation, feedback: configuration.feedback, using: &rng)
        Kernels.setBLASThreads(blasThreads)
        let trainer = Trainer(configuration: configuration, network: network, weightUpdater: try make(network))
        var trainSeconds: [Double] = []
        var evalSeconds: [Double] = []
        for _ in 0..<epochs {
            var order = Array(0..<train.count)
            order.shuffle(using: &rng)
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.trainEpoch(on: train, order: order, rate: configuration.learningRate)
            let t1 = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.evaluate(on: test)
            let t2 = DispatchTime.now().uptimeNanoseconds
            trainSeconds.append(Double(t1 - t0) / 1e9)
            evalSeconds.append(Double(t2 - t1) / 1e9)
        }
        let (t, e) = (trainSeconds.sorted()[epochs / 2], evalSeconds.sorted()[epochs / 2])
        let ratio = reference.isNaN ? "" : String(format: "%.2f×", t / reference)
        print(String(format: "%-40@  %14.3f  %12.3f   %@", label as NSString, t, e, ratio as NSString))
        return (t, e)
    }
}

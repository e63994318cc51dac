import Foundation
import PulseProp

extension BenchTrain {
    /// Device pairs as `pulseprop train` runs them (analytic engine, 20 levels, circuit monitor
    /// counting every step; single-threaded like every device-weight run): at the matched gain
    /// with stochastic rounding (sparse pulses, as in `reproduce devices`), and at gain 1 to
    /// nearest (dense pulses); each as a ratio to the ideal absmin-L20 epoch on one thread.
    func devicePairs(train: Dataset, test: Dataset, idealAbsmin: Double) throws {
        print("device pairs                              train s/epoch   test-eval s   vs ideal absmin-L20 (1 thread)")
        let hardware = CrossbarHardware()
        for (update, stochastic) in [(UpdateScheme.bidirectional, true), (.unidirectional, true), (.bidirectional, false)] {
            var c = BackpropConfiguration()
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
            try timeDevicePairs(c, train: train, test: test, label: label, reference: idealAbsmin) { [c] network in
                let updater = try hardware.updater(for: network, configuration: c)
                let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
                updater.observer = { try monitor.record($0) }
                updater.writeObserver = { monitor.record(write: $0) }
                return updater
            }
        }
    }

    /// Times `epochs` epochs of `configuration` with the updater `make` builds and prints the
    /// medians with the ratio to `reference` seconds.
    private func timeDevicePairs(
        _ configuration: BackpropConfiguration, train: Dataset, test: Dataset, label: String, reference: Double,
        make: (Network) throws -> WeightUpdater
    ) throws {
        var rng = SeededGenerator(seed: 1)
        let network = Network(
            inputs: train.features, hidden: configuration.hidden, outputs: train.classes,
            activation: configuration.activation, feedback: configuration.feedback, using: &rng)
        Kernels.setBLASThreads(blasThreads)
        let trainer = BackpropTrainer(configuration: configuration, network: network, weightUpdater: try make(network))
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
        print(label.padding(toLength: 40, withPad: " ", startingAt: 0)
            + String(format: "  %14.3f  %12.3f   %.2f×", t, e, t / reference))
    }
}

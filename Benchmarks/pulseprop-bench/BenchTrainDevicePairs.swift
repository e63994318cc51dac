import Foundation
import PulseProp

extension BenchTrain {
    /// Device pairs as `pulseprop train --data … --weights pair --device D` runs them with its
    /// defaults (``DeviceDefaults``: gain matched to η = 1e-4, stochastic rounding, refresh at
    /// 0.8; analytic engine, 20 levels, circuit monitor counting every pulse; one thread like
    /// every device-weight run), for every preset, both update directions and each write
    /// scheme asked for; each as a ratio to the ideal absmin-L20 epoch on one thread, measured
    /// in the same run.
    func devicePairs(train: Dataset, test: Dataset, idealAbsmin: Double) throws {
        let presets = try devices.map { try Self.names($0, known: DevicePreset.all.map(\.name), option: "devices") }
            ?? DevicePreset.all.map(\.name)
        let schemes = try Self.names(writes, known: DeviceWrite.allCases.map(\.rawValue), option: "writes").map { DeviceWrite(rawValue: $0)! }
        print("device pairs (defaults of train)                  train s/epoch   test-eval s   vs ideal absmin-L20 (1 thread)")
        for device in presets {
            let hardware = CrossbarHardware(circuit: CrossbarCircuit(device: try Device.resolve(device)))
            for write in schemes {
                for update in UpdateScheme.allCases {
                    var c = BackpropConfiguration()
                    (c.method, c.levels, c.epochs, c.weights, c.update) = (.absmin, 20, epochs, .pair, update)
                    let given: Set<String> = ["write"]
                    c.write = write
                    let resolved = try BackpropRequest(configuration: c, hardware: hardware, givenOptions: given).resolvedConfiguration()
                    let label = "\(device)-\(update.rawValue)-\(write.rawValue)"
                    try timeDevicePairs(resolved, train: train, test: test, label: label, reference: idealAbsmin) { network in
                        let updater = try hardware.updater(for: network, configuration: resolved)
                        let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
                        updater.observer = { try monitor.record($0) }
                        updater.writeObserver = { monitor.record(write: $0) }
                        return updater
                    }
                }
            }
        }
    }

    /// The comma-separated names of `list`, each one of `known`.
    private static func names(_ list: String, known: [String], option: String) throws -> [String] {
        try list.split(separator: ",").map { name in
            let name = name.trimmingCharacters(in: .whitespaces)
            try require(known.contains(name), option, "'\(name)' is not one of \(known.joined(separator: ", "))")
            return name
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
        print(label.padding(toLength: 50, withPad: " ", startingAt: 0)
            + String(format: "  %14.3f  %12.3f   %.2f×", t, e, t / reference))
    }
}

import Foundation
import PulseProp

extension BenchTrain {
    /// Device pairs as `pulseprop train --data … --weights pair --device D` runs them with its
    /// defaults (``DeviceDefaults``: gain matched to η = 1e-4, stochastic rounding, refresh at
    /// 0.8; analytic engine, 20 levels, circuit monitor counting every pulse), for every
    /// preset, both update directions and each write scheme asked for; each as a ratio to the
    /// ideal absmin-L20 epoch on one thread, and (with `--threads` > 1) on that many threads
    /// against the ideal epoch on as many, measured in the same run.
    func devicePairs(train: Dataset, test: Dataset, idealAbsmin: Double) throws {
        let presets = try devices.map { try Self.names($0, known: DevicePreset.all.map(\.name), option: "devices") }
            ?? DevicePreset.all.map(\.name)
        let schemes = try Self.names(writes, known: DeviceWrite.allCases.map(\.rawValue), option: "writes").map { DeviceWrite(rawValue: $0)! }
        print("device pairs (defaults of train)                  train s/epoch   test-eval s   vs ideal absmin-L20 (1 thread): wall, the same epoch's order just before   thread CPU"
            + (threads > 1 ? "   on \(threads) threads: s/epoch, vs ideal on \(threads)" : ""))
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
                    let make = { (network: Network) -> WeightUpdater in
                        let updater = try hardware.updater(for: network, configuration: resolved)
                        let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
                        updater.observer = { try monitor.record($0) }
                        updater.writeObserver = { monitor.record(write: $0) }
                        return updater
                    }
                    let one = try timeDevicePairs(resolved, train: train, test: test, threads: 1, make: make)
                    var line = label.padding(toLength: 50, withPad: " ", startingAt: 0)
                        + String(format: "  %14.3f  %12.3f   %.2f× (%.2f× at start)   %.2f×", one.train, one.eval, one.wall, one.train / idealAbsmin, one.cpu)
                    if threads > 1 {
                        let team = try timeDevicePairs(resolved, train: train, test: test, threads: threads, make: make)
                        line += String(format: "   %8.3f  %.2f×", team.train, team.wall)
                    }
                    print(line)
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

    /// Times `epochs` epochs of `configuration` on `threads` threads with the updater `make`
    /// builds, each right after an epoch of the ideal absmin-L20 rule on as many threads in the
    /// same order (so both see the same load from other processes), and returns the medians:
    /// wall seconds of training and of the test evaluation, and the ratio to the ideal epoch in
    /// wall time and in the thread's CPU time (which other processes on a shared machine
    /// disturb far less; with one thread).
    private func timeDevicePairs(
        _ configuration: BackpropConfiguration, train: Dataset, test: Dataset, threads: Int,
        make: (Network) throws -> WeightUpdater
    ) throws -> (train: Double, eval: Double, wall: Double, cpu: Double) {
        var rng = SeededGenerator(seed: 1)
        let network = Network(
            inputs: train.features, hidden: configuration.hidden, outputs: train.classes,
            activation: configuration.activation, feedback: configuration.feedback, using: &rng)
        Kernels.setBLASThreads(blasThreads)
        let trainer = BackpropTrainer(configuration: configuration, network: network, weightUpdater: try make(network))
        trainer.threads = threads
        var idealConfiguration = BackpropConfiguration()
        (idealConfiguration.method, idealConfiguration.levels) = (.absmin, 20)
        let ideal = BackpropTrainer(
            configuration: idealConfiguration, network: network,
            weightUpdater: IdealWeightUpdater(method: idealConfiguration.method, encoding: idealConfiguration.encoding))
        (ideal.threads, ideal.sparseDensityLimit) = (threads, Kernels.sparseDensityLimit)
        var (trainSeconds, evalSeconds, wallRatios, cpuRatios) = ([Double](), [Double](), [Double](), [Double]())
        for _ in 0..<epochs {
            var order = Array(0..<train.count)
            order.shuffle(using: &rng)
            let idealTime = try Self.timed { _ = try ideal.trainEpoch(on: train, order: order, rate: 1e-4) }
            let deviceTime = try Self.timed { _ = try trainer.trainEpoch(on: train, order: order, rate: configuration.learningRate) }
            let evalTime = try Self.timed { _ = try trainer.evaluate(on: test) }
            trainSeconds.append(deviceTime.wall)
            evalSeconds.append(evalTime.wall)
            wallRatios.append(deviceTime.wall / idealTime.wall)
            cpuRatios.append(deviceTime.cpu / idealTime.cpu)
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        return (median(trainSeconds), median(evalSeconds), median(wallRatios), median(cpuRatios))
    }

    /// Wall and this thread's CPU seconds of `body`.
    private static func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        func cpuNow() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let (w0, c0) = (DispatchTime.now().uptimeNanoseconds, cpuNow())
        try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9, cpuNow() - c0)
    }
}

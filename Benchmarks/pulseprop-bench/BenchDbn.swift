import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop-bench dbn`: seconds per MNIST epoch of contrastive divergence on the first RBM
/// of a [784-500-…] belief net (one BLAS thread, float weights), its GEMM rate, and the same
/// epoch on device pairs written per batch and by accumulate-then-fire, as ratios to it.
struct BenchDbn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Seconds per CD-1 epoch (60k examples) of a 784-500 RBM: float weights, and device pairs per batch and accumulate.")

    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Hidden units of the RBM.")
    var hidden = 500

    @Option(help: "Device preset of the pairs.")
    var device = "taox-hfox"

    func run() throws {
        try require(hidden >= 1, "hidden", "must be ≥ 1, got \(hidden)")
        let (train, _) = try Dataset.mnist(directory: data)
        Kernels.useOneBLASThread()
        var rng = SeededGenerator(seed: 1)
        let net = BeliefNet(sizes: [train.features, hidden, 10], classes: train.classes, using: &rng)
        // Per batch: three products (v₀→h₀, h₀→v₁, v₁→h₁) and the update over 2B rows, 2 FLOP each.
        let flop = 10.0 * 100 * Double(net.layers[0].rows * net.layers[0].cols) * Double(train.count / 100)
        print("CD-1 epoch of the \(train.features)-\(hidden) RBM, 60000 examples, minibatch 100, 1 BLAS thread")
        var c = BeliefNetConfiguration()
        (c.layers, c.device) = ([hidden, 10], device)
        let ideal = try epoch(net, configuration: c, train: train)
        print(String(format: "float weights              %7.2f s   (%.1f GFLOP/s in the products and update)", ideal, flop / ideal / 1e9))
        c.weights = .pair
        for write in DeviceWrite.minibatchWrites {
            c.write = write
            let seconds = try epoch(net, configuration: c, train: train)
            print("pairs (\(device)), " + write.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(format: " %7.2f s   %.2f× the float epoch", seconds, seconds / ideal))
        }
    }

    /// Seconds of one CD-1 epoch on RBM 0 of `net` held as `configuration` asks (momentum
    /// and weight cost included).
    private func epoch(_ net: BeliefNet, configuration: BeliefNetConfiguration, train: Dataset) throws -> Double {
        var checkpoint = BeliefNetCheckpoint(
            configuration: configuration, net: net, order: SeededGenerator(seed: 1), sampler: SeededGenerator(seed: 2))
        let updater = try BeliefNetWeights(configuration: configuration, checkpoint: &checkpoint).updater
        var net = checkpoint.net
        let cd = ContrastiveDivergence(
            net: net, layer: 0, k: 1, batch: 100, statistics: configuration.recipe.statistics, generator: SeededGenerator(seed: 3))
        let start = Date()
        for first in stride(from: 0, to: train.count, by: 100) {
            _ = try cd.trainBatch(&net, data: train, indices: Array(first..<min(first + 100, train.count))[...], rate: 1e-3, updater: updater)
        }
        return Date().timeIntervalSince(start)
    }
}

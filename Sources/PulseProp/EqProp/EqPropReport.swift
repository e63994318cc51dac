import Foundation

/// Reconstruction error of both networks at one corruption level (the patterns task).
public struct ReconstructionPoint: Codable, Equatable, Sendable {
    /// Fraction of pixels flipped in the probes.
    public let corruption: Double
    /// Fraction of wrong pixels after the equilibrium-propagation network.
    public let eqpropError: Double
    /// Fraction of wrong pixels after Hopfield recall.
    public let hopfieldError: Double

    public init(corruption: Double, eqpropError: Double, hopfieldError: Double) {
        (self.corruption, self.eqpropError, self.hopfieldError) = (corruption, eqpropError, hopfieldError)
    }
}

/// `summary.json` of `pulseprop eqprop train`.
public struct EqPropSummary: Codable, Equatable, Sendable {
    public let task: String
    /// Test error after the last epoch (the task's metric: fraction of wrong outputs or pixels,
    /// or of misclassified examples).
    public let error: Double
    public let epochs: Int
    public let secondsPerEpoch: Double
    public let engine: String
    public let update: String
    public let beta: Double
    public let rate: Double
    public let hidden: Int
    public let seed: UInt64
    public let devices: Int
    public let trainLoss: Double
    /// Mean cosine similarity between the pulse and continuous updates of the same examples.
    public let modeCosine: Double
    /// RMS of the applied state steps and of their difference from the other mode's (last epoch).
    public let stepRms: Double?
    public let modeRmsDifference: Double?
    /// The patterns task: error against corruption for both networks.
    public let reconstruction: [ReconstructionPoint]?

    public init(run: EqPropRun, reconstruction: [ReconstructionPoint]?) {
        let c = run.configuration
        let history = run.checkpoint.history
        task = c.task
        error = history.last?.error ?? .nan
        epochs = history.count
        secondsPerEpoch = history.map(\.seconds).reduce(0, +) / Double(max(history.count, 1))
        engine = c.engine.rawValue
        update = c.update.rawValue
        (beta, rate, hidden, seed) = (c.beta, c.rate, c.hidden, c.seed)
        devices = run.checkpoint.network.deviceCount
        trainLoss = history.last?.trainLoss ?? .nan
        modeCosine = history.last?.modeCosine ?? .nan
        stepRms = history.last?.stepRms
        modeRmsDifference = history.last?.modeRmsDifference
        self.reconstruction = reconstruction
    }

    public func json() throws -> String { try SnakeCaseJSON.string(self) }
}

/// The files of an equilibrium-propagation run: `log.csv`, `summary.json`, `eqprop.svg`.
public enum EqPropReport {
    /// One line per epoch.
    public static func csv(_ history: [EqPropEpochResult]) -> String {
        "epoch,train_loss,error,mode_cosine,step_rms,mode_rms_difference,seconds\n"
            + history.map { r in
                let rms = [r.stepRms, r.modeRmsDifference].map { $0.map { "\($0)" } ?? "" }.joined(separator: ",")
                return "\(r.epoch),\(r.trainLoss),\(r.error),\(r.modeCosine),\(rms),\(r.seconds)\n"
            }.joined()
    }

    /// The free and nudged node voltages of one example above the training curve (two charts
    /// of ``SVGPlot`` stacked in one SVG).
    public static func svg(run: EqPropRun, free: [Double], nudged: [Double]) -> String {
        let network = run.checkpoint.network
        let names = (0..<network.nodes).map(network.nodeName).joined(separator: " ")
        func series(_ label: String, _ v: [Double]) -> SVGPlot.Series {
            SVGPlot.Series(label: label, points: v.enumerated().map { (Double($0), 1e3 * $1) }, scatter: true)
        }
        let voltages = SVGPlot(
            title: "\(run.configuration.task): node voltages of the first test example", xLabel: "node (\(names.prefix(60))\(names.count > 60 ? " …" : ""))",
            yLabel: "V (mV)", series: [series("free", free), series("nudged", nudged)]).render()
        let history = run.checkpoint.history
        let curve = SVGPlot(
            title: "\(run.configuration.task): training (\(run.configuration.engine.rawValue), \(run.configuration.update.rawValue))",
            xLabel: "epoch", yLabel: "error / loss",
            series: [
                SVGPlot.Series(label: "test error", points: history.map { (Double($0.epoch), $0.error) }),
                SVGPlot.Series(label: "train loss", points: history.map { (Double($0.epoch), $0.trainLoss) }),
            ]).render()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="640" height="800" viewBox="0 0 640 800">
            <g>\(voltages)</g>
            <g transform="translate(0,400)">\(curve)</g>
            </svg>

            """
    }

    /// Writes `log.csv`, `summary.json` and `eqprop.svg` into `folder`.
    public static func writeFiles(run: EqPropRun, summary: EqPropSummary, free: [Double], nudged: [Double], folder: String) throws {
        let path = { (folder as NSString).appendingPathComponent($0) }
        try AtomicFile.write(csv(run.checkpoint.history), to: path("log.csv"))
        try AtomicFile.write(try summary.json() + "\n", to: path("summary.json"))
        try AtomicFile.write(svg(run: run, free: free, nudged: nudged), to: path("eqprop.svg"))
    }
}

import Foundation

/// The files of a belief-net run: `log.csv` (one line per epoch of each RBM),
/// `summary.json` and `curve.svg`.
public enum BeliefNetReport {
    /// The end-of-run summary; JSON keys are snake_case (`test_error`, `epochs`,
    /// `seconds_per_epoch`, `writes`, …).
    public struct Summary: Codable, Equatable, Sendable {
        /// Test error of the finished net.
        public var testError: Double
        /// Epochs of pre-training per RBM.
        public var epochs: Int
        /// Mean wall-clock seconds per epoch (over all RBMs' epochs).
        public var secondsPerEpoch: Double
        /// Write counts of each layer over the whole run (empty for float weights).
        public var writes: [WriteCount]
        /// Programming pulses over all layers, refreshes included.
        public var totalPulses: Int
        /// The configuration.
        public var configuration: BeliefNetConfiguration
        /// Every epoch.
        public var history: [BeliefNetEpoch]

        /// Summarises a finished run.
        public init(history: [BeliefNetEpoch], configuration: BeliefNetConfiguration, writes: [WriteCount]) {
            testError = history.last?.testError ?? .nan
            epochs = configuration.epochs
            secondsPerEpoch = history.map(\.seconds).reduce(0, +) / Double(max(history.count, 1))
            self.writes = writes
            totalPulses = writes.map(\.totalPulses).reduce(0, +)
            self.configuration = configuration
            self.history = history
        }

        /// The summary as pretty-printed JSON.
        public func json() throws -> String { String(decoding: try SnakeCaseJSON.encode(self, pretty: true), as: UTF8.self) }
    }

    /// `layer,epoch,reconstruction_error,test_error,seconds,pulses,writes,refresh_pulses,energy_j`
    /// (test error empty below the top RBM; write columns 0 for float weights).
    public static func csv(_ history: [BeliefNetEpoch]) throws -> String {
        var table = CSVTable(header: [
            "layer", "epoch", "reconstruction_error", "test_error", "seconds", "pulses", "writes", "refresh_pulses", "energy_j",
        ])
        for r in history {
            let w = (r.writes ?? []).reduce(WriteCount()) { $0.adding($1) }
            table.append([
                r.layer, r.epoch, r.reconstructionError, r.testError.map { "\($0)" } ?? "", r.seconds, w.pulses, w.writes,
                w.refreshPulses, w.energy,
            ])
        }
        return try table.text()
    }

    /// Squared reconstruction error per example of every RBM by epoch, and the net's test
    /// error (percent) over the top RBM's epochs.
    public static func svg(_ history: [BeliefNetEpoch], title: String) -> String {
        let layers = Set(history.map(\.layer)).sorted()
        var series = layers.map { layer in
            SVGPlot.Series(
                label: "RBM \(layer): squared reconstruction error per example",
                points: history.filter { $0.layer == layer }.map { (Double($0.epoch), $0.reconstructionError) })
        }
        series.append(SVGPlot.Series(
            label: "test error % (top RBM epochs)",
            points: history.compactMap { r in r.testError.map { (Double(r.epoch), 100 * $0) } }))
        return SVGPlot(title: title, xLabel: "epoch of each RBM", yLabel: "squared error per example; test error %", series: series).render()
    }

    /// Writes `log.csv`, `summary.json` and `curve.svg` into `folder` (atomically) and returns the summary.
    @discardableResult
    public static func writeFiles(
        history: [BeliefNetEpoch], configuration: BeliefNetConfiguration, writes: [WriteCount], folder: String
    ) throws -> Summary {
        let summary = Summary(history: history, configuration: configuration, writes: writes)
        let path = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        try AtomicFile.write(try csv(history), to: path("log.csv"))
        try AtomicFile.write(try summary.json() + "\n", to: path("summary.json"))
        try AtomicFile.write(svg(history, title: "Belief net \(configuration.layers.map(String.init).joined(separator: "-"))"), to: path("curve.svg"))
        return summary
    }
}

extension BeliefNetReport.Summary {
    /// The summary in `folder/summary.json`, if one is there and readable.
    public static func read(in folder: String) -> Self? {
        FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("summary.json"))
            .flatMap { try? SnakeCaseJSON.decode(Self.self, from: $0) }
    }
}

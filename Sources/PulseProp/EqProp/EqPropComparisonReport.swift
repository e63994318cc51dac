import Foundation

/// `summary.json` of `pulseprop eqprop train --compare`: the SPICE run's figures under the
/// public names (`task`, `error`, `epochs`, `seconds_per_epoch`), how far the two runs parted,
/// and each run's own summary.
public struct EqPropComparisonSummary: Codable, Equatable, Sendable {
    public let task: String
    /// Test error of the SPICE run after its last epoch.
    public let error: Double
    public let epochs: Int
    /// Seconds per epoch of the SPICE run.
    public let secondsPerEpoch: Double
    /// The largest `|s_spice − s_analytic|` over the final device states.
    public let largestStateDifference: Double
    /// The largest difference of the test error and of the training loss between the curves.
    public let largestErrorDifference: Double
    public let largestLossDifference: Double
    public let analytic: EqPropSummary
    public let spice: EqPropSummary

    public init(comparison: EqPropComparison, analytic: EqPropSummary, spice: EqPropSummary) {
        (task, error, epochs, secondsPerEpoch) = (spice.task, spice.error, spice.epochs, spice.secondsPerEpoch)
        largestStateDifference = comparison.largestStateDifference
        largestErrorDifference = comparison.largestDifference(\.error)
        largestLossDifference = comparison.largestDifference(\.trainLoss)
        (self.analytic, self.spice) = (analytic, spice)
    }

    public func json() throws -> String { try SnakeCaseJSON.string(self) }
}

/// The side-by-side files of a comparison: `compare.csv` and `compare.svg` (both curves),
/// `summary.json`; each run's own files are in its folder (``EqPropComparison/folder(_:_:)``).
public enum EqPropComparisonReport {
    /// One line per epoch with both runs' loss and error.
    public static func csv(_ comparison: EqPropComparison) -> String {
        "epoch,analytic_train_loss,analytic_error,spice_train_loss,spice_error\n"
            + zip(comparison.analytic.checkpoint.history, comparison.spice.checkpoint.history).map { a, s in
                "\(a.epoch),\(a.trainLoss),\(a.error),\(s.trainLoss),\(s.error)\n"
            }.joined()
    }

    /// The training curves of both runs in one chart (lines: analytic, markers: SPICE).
    public static func svg(_ comparison: EqPropComparison) -> String {
        let c = comparison.spice.configuration
        func series(_ run: EqPropRun, _ label: String, _ value: (EqPropEpochResult) -> Double, scatter: Bool) -> SVGPlot.Series {
            SVGPlot.Series(label: label, points: run.checkpoint.history.map { (Double($0.epoch), value($0)) }, scatter: scatter)
        }
        return SVGPlot(
            title: "\(c.task): training, SPICE beside the analytic twin (\(c.update.rawValue), seed \(c.seed))",
            xLabel: "epoch", yLabel: "error / loss",
            series: [
                series(comparison.analytic, "analytic test error", \.error, scatter: false),
                series(comparison.spice, "SPICE test error", \.error, scatter: true),
                series(comparison.analytic, "analytic train loss", \.trainLoss, scatter: false),
                series(comparison.spice, "SPICE train loss", \.trainLoss, scatter: true),
            ]).render() + "\n"
    }

    /// Writes `compare.csv`, `compare.svg` and `summary.json` into `folder`.
    public static func writeFiles(_ comparison: EqPropComparison, summary: EqPropComparisonSummary, folder: String) throws {
        let path = { (folder as NSString).appendingPathComponent($0) }
        try AtomicFile.write(csv(comparison), to: path("compare.csv"))
        try AtomicFile.write(svg(comparison), to: path("compare.svg"))
        try AtomicFile.write(try summary.json() + "\n", to: path("summary.json"))
    }
}

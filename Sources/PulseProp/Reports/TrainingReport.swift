import Foundation

/// The files of a training run: CSV log, JSON summary and SVG training curve.
public enum TrainingReport {
    /// CSV with one line per epoch: `epoch,train_error,test_error,learning_rate,seconds,train_loss,test_loss`.
    public static func csv(_ history: [EpochRecord]) -> String {
        var lines = ["epoch,train_error,test_error,learning_rate,seconds,train_loss,test_loss"]
        for r in history {
            lines.append("\(r.epoch),\(r.trainError),\(r.testError),\(r.learningRate),\(r.seconds),\(r.trainLoss),\(r.testLoss)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The end-of-run summary; JSON keys are snake_case (`test_error`, `train_error`, `epochs`,
    /// `seconds_per_epoch`, …).
    public struct Summary: Codable, Equatable, Sendable {
        /// Test error after the last epoch.
        public var testError: Double
        /// Training error of the last epoch.
        public var trainError: Double
        /// Epochs run.
        public var epochs: Int
        /// Mean wall-clock seconds per epoch.
        public var secondsPerEpoch: Double
        /// Learning rate of the last epoch.
        public var learningRate: Double
        /// The rule, e.g. `transposed-absmin-L20`.
        public var rule: String
        /// The configuration.
        public var configuration: TrainingConfiguration
        /// Every epoch.
        public var history: [EpochRecord]

        /// Summarises `history` of a run with `configuration`.
        public init(configuration: TrainingConfiguration, history: [EpochRecord]) {
            let last = history.last
            testError = last?.testError ?? .nan
            trainError = last?.trainError ?? .nan
            epochs = history.count
            secondsPerEpoch = history.map(\.seconds).reduce(0, +) / Double(max(history.count, 1))
            learningRate = last?.learningRate ?? configuration.learningRate
            rule = configuration.ruleName
            self.configuration = configuration
            self.history = history
        }

        /// Pretty JSON with snake_case keys.
        public func json() throws -> String {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }

    /// Training and test error (percent) against epoch.
    public static func curve(_ history: [EpochRecord], title: String) -> String {
        SVGPlot(
            title: title, xLabel: "epoch", yLabel: "error (%)",
            series: [
                .init(label: "train", points: history.map { (Double($0.epoch), 100 * $0.trainError) }),
                .init(label: "test", points: history.map { (Double($0.epoch), 100 * $0.testError) }),
            ]
        ).render()
    }
}

import Foundation

/// The files of a training run: CSV log, JSON summary and SVG training curve.
public enum BackpropReport {
    /// CSV with one line per epoch: `epoch,train_error,test_error,learning_rate,seconds,train_loss,test_loss`,
    /// and for device training with a circuit monitor also `steps,pulses_sent,coincident_pulses,
    /// disturbed_devices,device_energy_phase1_j,device_energy_phase2_j,driver_energy_j,
    /// analytic_energy_j,dg_rms_difference,direction_agreement,read_products,read_rms_error,
    /// read_relative_error`.
    public static func csv(_ history: [BackpropEpoch]) throws -> String {
        let circuit = history.contains { $0.circuit != nil }
        var header = ["epoch", "train_error", "test_error", "learning_rate", "seconds", "train_loss", "test_loss"]
        if circuit {
            header += [
                "steps", "pulses_sent", "coincident_pulses", "disturbed_devices", "device_energy_phase1_j",
                "device_energy_phase2_j", "driver_energy_j", "analytic_energy_j", "dg_rms_difference",
                "direction_agreement", "read_products", "read_rms_error", "read_relative_error",
            ]
        }
        var table = CSVTable(header: header)
        for r in history {
            var fields: [CustomStringConvertible] = [
                r.epoch, r.trainError, r.testError, r.learningRate, r.seconds, r.trainLoss, r.testLoss,
            ]
            if circuit, let c = r.circuit {
                fields += [
                    c.steps, c.pulsesSent, c.coincidentPulses, c.disturbedDevices, c.deviceEnergy[0], c.deviceEnergy[1],
                    c.driverEnergy.reduce(0, +), c.analyticEnergy, c.deltaGRMSDifference, c.directionAgreement,
                    c.readProducts, c.readRMSError, c.readRelativeError,
                ]
            }
            table.append(fields)
        }
        return try table.text()
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
        public var configuration: BackpropConfiguration
        /// Every epoch.
        public var history: [BackpropEpoch]
        /// Circuit figures summed over all epochs (device training), see
        /// ``CircuitEpochStats/total(of:)``.
        public var circuit: CircuitEpochStats?

        /// Summarises `history` of a run with `configuration`.
        public init(configuration: BackpropConfiguration, history: [BackpropEpoch]) {
            let last = history.last
            testError = last?.testError ?? .nan
            trainError = last?.trainError ?? .nan
            epochs = history.count
            secondsPerEpoch = history.map(\.seconds).reduce(0, +) / Double(max(history.count, 1))
            learningRate = last?.learningRate ?? configuration.learningRate
            rule = configuration.ruleName
            self.configuration = configuration
            self.history = history
            circuit = CircuitEpochStats.total(of: history)
        }

        /// Pretty JSON with snake_case keys.
        public func json() throws -> String {
            try SnakeCaseJSON.string(self)
        }

        /// The `summary.json` a run wrote into `folder`, if there is a readable one.
        public static func read(in folder: String) -> Summary? {
            FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("summary.json"))
                .flatMap { try? SnakeCaseJSON.decode(Summary.self, from: $0) }
        }
    }

    /// Training and test error (percent) against epoch.
    public static func curve(_ history: [BackpropEpoch], title: String) -> String {
        SVGPlot(
            title: title, xLabel: "epoch", yLabel: "error (%)",
            series: [
                .init(label: "train", points: history.map { (Double($0.epoch), 100 * $0.trainError) }),
                .init(label: "test", points: history.map { (Double($0.epoch), 100 * $0.testError) }),
            ]
        ).render()
    }

    /// Writes `log.csv`, `summary.json` and `curve.svg` of a run into `folder` (atomically)
    /// and returns the summary.
    @discardableResult
    public static func writeFiles(
        history: [BackpropEpoch], configuration: BackpropConfiguration, folder: String, title: String? = nil
    ) throws -> Summary {
        let summary = Summary(configuration: configuration, history: history)
        let path = { (name: String) in (folder as NSString).appendingPathComponent(name) }
        try AtomicFile.write(csv(history), to: path("log.csv"))
        try AtomicFile.write(try summary.json(), to: path("summary.json"))
        try AtomicFile.write(
            curve(history, title: title ?? "\(configuration.ruleName), seed \(configuration.seed)"), to: path("curve.svg"))
        return summary
    }
}

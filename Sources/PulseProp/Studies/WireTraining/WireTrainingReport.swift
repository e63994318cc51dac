import Foundation

/// How wire and driver resistance change circuit-in-the-loop training: accuracy, the analytic
/// model's ΔG error against SPICE, the SPICE read error and disturb, one row per resistance pair.
public enum WireTrainingReport {
    /// One trained (segment, driver) pair.
    public struct Row: Sendable {
        public var segment: Double
        public var driver: Double
        public var summary: BackpropReport.Summary

        public init(segment: Double, driver: Double, summary: BackpropReport.Summary) {
            self.segment = segment
            self.driver = driver
            self.summary = summary
        }

        var accuracyPercent: Double { 100 * (1 - summary.testError) }
        var circuit: CircuitEpochStats? { summary.circuit }
    }

    /// CSV: `segment_ohm,driver_ohm,test_accuracy_pct,dg_rms_difference_pct_of_range,
    /// direction_agreement_pct,read_relative_error_pct,disturbed_devices,seconds_per_epoch`.
    public static func csv(_ rows: [Row]) throws -> String {
        var table = CSVTable(header: [
            "segment_ohm", "driver_ohm", "test_accuracy_pct", "dg_rms_difference_pct_of_range", "direction_agreement_pct",
            "read_relative_error_pct", "disturbed_devices", "seconds_per_epoch",
        ])
        for r in rows {
            let c = r.circuit
            table.append([
                r.segment.shortDecimal, r.driver.shortDecimal, r.accuracyPercent, 100 * (c?.deltaGRMSDifference ?? .nan),
                100 * (c?.directionAgreement ?? .nan), 100 * (c?.readRelativeError ?? .nan), c?.disturbedDevices ?? 0,
                r.summary.secondsPerEpoch,
            ])
        }
        return try table.text()
    }

    /// Markdown table, one line per pair.
    public static func markdown(_ rows: [Row]) -> String {
        var out = "| segment Ω | driver Ω | test accuracy | RMS ΔG SPICE−analytic (% of range, last epoch) | same direction | SPICE read error vs ideal product | disturbed devices | s/epoch |\n"
        out += "|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let c = r.circuit
            out += "| \(r.segment.shortDecimal) | \(r.driver.shortDecimal) | "
                + String(format: "%.1f %% | %.3g %% | %.1f %% | %.3g %% | %d | %.1f |\n",
                         r.accuracyPercent, 100 * (c?.deltaGRMSDifference ?? .nan), 100 * (c?.directionAgreement ?? .nan),
                         100 * (c?.readRelativeError ?? .nan), c?.disturbedDevices ?? 0, r.summary.secondsPerEpoch)
        }
        return out
    }
}

import Foundation

/// The belief-net study's table and curves: per cell (ideal weights, or a device preset with
/// a write scheme) the final test error as mean ± std over seeds beside Wang et al.'s claims,
/// the writes, pulses and energy per run, and for each device the write reduction of
/// accumulate-then-fire against per-batch writes.
public struct BeliefNetStudyReport {
    /// Ideal weights (device nil) or a device preset written by one scheme.
    public struct Cell: Hashable, Sendable {
        public var device: String?
        public var write: DeviceWrite?

        public init(device: String?, write: DeviceWrite?) {
            self.device = device
            self.write = write
        }

        /// Folder name: `ideal` or `<device>-<write>`.
        public var id: String { device.map { "\($0)-\(write?.rawValue ?? "")" } ?? "ideal" }
        /// Table label.
        public var label: String { device.map { "\($0), pairs, \(write?.rawValue ?? "")" } ?? "ideal weights" }
        /// What Wang et al. (2022) report for this kind of cell.
        public var paper: String {
            switch (device, write) {
            case (nil, _): return "≥ 97 % accuracy"
            case (_, .accumulate?): return "95–97 % accuracy, ~100× fewer writes"
            default: return "95–97 % accuracy"
            }
        }
    }

    public var cells: [Cell]
    public var results: [Cell: [BeliefNetReport.Summary]]
    public var epochs: Int
    public var layers: [Int]

    public init(cells: [Cell], results: [Cell: [BeliefNetReport.Summary]], epochs: Int, layers: [Int]) {
        self.cells = cells
        self.results = results
        self.epochs = epochs
        self.layers = layers
    }

    /// The mean of `value` over the cell's runs; nil without runs, and for ideal weights
    /// (which write no device).
    private func mean(_ cell: Cell, _ value: (BeliefNetReport.Summary) -> Double) -> Double? {
        guard cell.device != nil, let runs = results[cell], !runs.isEmpty else { return nil }
        return runs.map(value).reduce(0, +) / Double(runs.count)
    }

    private func writes(_ cell: Cell) -> Double? { mean(cell) { Double($0.writes.map(\.writes).reduce(0, +)) } }

    /// Per-batch writes over accumulate writes of the same device (nil unless both ran).
    public func reduction(_ cell: Cell) -> Double? {
        guard cell.write == .accumulate, let fired = writes(cell), fired > 0,
            let naive = writes(Cell(device: cell.device, write: .perBatch))
        else { return nil }
        return naive / fired
    }

    /// The runs' CD recipe, from the first run's configuration.
    public var recipe: BeliefNetRecipe? { cells.lazy.compactMap { results[$0]?.first }.first?.configuration.recipe }

    /// The Markdown table.
    public func markdown() -> String {
        let net = "[\(([784] + layers).map(String.init).joined(separator: "-"))], joint top RBM, \(epochs) epochs per RBM"
            + (recipe.map { ", \($0)" } ?? "")
        var out = "| \(net) | test error, mean ± std | writes / run | pulses / run | energy / run | write reduction | Wang et al. 2022 |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for cell in cells {
            let errors = (results[cell] ?? []).map(\.testError)
            let error = Table1.meanAndStd(errors).map { String(format: "%.2f ± %.2f %% (n=%d)", 100 * $0.mean, 100 * $0.std, errors.count) } ?? "— (n=0)"
            let w = writes(cell).map { String(format: "%.3g", $0) } ?? "—"
            let p = mean(cell) { Double($0.totalPulses) }.map { String(format: "%.3g", $0) } ?? "—"
            let e = mean(cell) { $0.writes.map(\.energy).reduce(0, +) }.map { String(format: "%.3g J", $0) } ?? "—"
            let r = reduction(cell).map { String(format: "%.0f×", $0) } ?? "—"
            out += "| \(cell.label) | \(error) | \(w) | \(p) | \(e) | \(r) | \(cell.paper) |\n"
        }
        return out
    }

    /// `cell,device,write,trials,mean_test_error_percent,std_test_error_percent,mean_writes,mean_pulses,mean_energy_j,write_reduction`.
    public func csv() throws -> String {
        var table = CSVTable(header: [
            "cell", "device", "write", "trials", "mean_test_error_percent", "std_test_error_percent", "mean_writes",
            "mean_pulses", "mean_energy_j", "write_reduction",
        ])
        for cell in cells {
            let errors = (results[cell] ?? []).map(\.testError)
            let stats = Table1.meanAndStd(errors)
            table.append([
                cell.id, cell.device ?? "", cell.write?.rawValue ?? "", errors.count,
                stats.map { "\(100 * $0.mean)" } ?? "", stats.map { "\(100 * $0.std)" } ?? "",
                writes(cell).map { "\($0)" } ?? "", mean(cell) { Double($0.totalPulses) }.map { "\($0)" } ?? "",
                mean(cell) { $0.writes.map(\.energy).reduce(0, +) }.map { "\($0)" } ?? "", reduction(cell).map { "\($0)" } ?? "",
            ])
        }
        return try table.text()
    }

    /// Test error (percent) against the top RBM's epoch, mean over seeds, one curve per cell.
    public func curves() -> String {
        let series = cells.compactMap { cell -> SVGPlot.Series? in
            guard let runs = results[cell], !runs.isEmpty else { return nil }
            let top = runs.map { $0.history.compactMap(\.testError) }
            let length = top.map(\.count).min() ?? 0
            let points = (0..<length).map { e -> (x: Double, y: Double) in
                let total: Double = top.map { $0[e] }.reduce(0, +)
                return (Double(e + 1), 100 * total / Double(top.count))
            }
            return SVGPlot.Series(label: cell.label, points: points)
        }
        return SVGPlot(title: "Belief net: test error while the top RBM trains", xLabel: "epoch of the top RBM", yLabel: "test error (%)", series: series).render()
    }
}

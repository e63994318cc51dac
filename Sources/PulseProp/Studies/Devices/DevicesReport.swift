import Foundation

/// The device study's table and curves: per cell (a device and update scheme, or the
/// ideal-weight baseline) the final test error as mean ± std over seeds, and per epoch the
/// pulses sent, the device energy (the engine's estimate) and the pair refreshes, means over
/// seeds and epochs.
public struct DevicesReport {
    /// A device, update scheme and device-to-device variation; device and scheme nil for ideal
    /// weights, whose pulse counts are rounded to nearest or, like every device cell's,
    /// stochastically (`stochasticIdeal`).
    public struct Cell: Hashable, Sendable {
        public var device: String?
        public var update: UpdateScheme?
        /// `--d2d` σ (0: none).
        public var d2d: Double
        /// Ideal weights with `--rounding stochastic` (the device cells' rounding).
        public var stochasticIdeal: Bool
        /// How the device cell's pairs are written (per-example for ideal cells).
        public var write: DeviceWrite

        public init(
            device: String?, update: UpdateScheme?, d2d: Double = 0, stochasticIdeal: Bool = false, write: DeviceWrite = .perExample
        ) {
            self.device = device
            self.update = update
            self.d2d = d2d
            self.stochasticIdeal = stochasticIdeal
            self.write = write
        }

        private var variation: String { d2d > 0 ? "-d2d\(d2d.shortDecimal)" : "" }
        /// Per-example writes keep the folder names of the study before write schemes.
        private var writing: String { write == .perExample ? "" : "-\(write.rawValue)" }

        /// Folder name: `ideal`, `ideal-stochastic` or `<device>-<update>[-<write>][-d2d<σ>]`.
        public var id: String {
            device.map { "\($0)-\(update?.rawValue ?? "")\(writing)\(variation)" } ?? (stochasticIdeal ? "ideal-stochastic" : "ideal")
        }
        /// Table label.
        public var label: String {
            device.map {
                "\($0), pairs, \(update?.rawValue ?? ""), \(write.rawValue)" + (d2d > 0 ? ", d2d \(Int((100 * d2d).rounded())) %" : "")
            } ?? (stochasticIdeal ? "ideal weights, stochastic rounding" : "ideal weights")
        }
    }

    public var cells: [Cell]
    public var results: [Cell: [BackpropReport.Summary]]
    public var epochs: Int

    public init(cells: [Cell], results: [Cell: [BackpropReport.Summary]], epochs: Int) {
        self.cells = cells
        self.results = results
        self.epochs = epochs
    }

    /// Per-epoch means over the cell's runs of pulses sent, device energy (J), refreshes and
    /// opposed pulses (``CircuitEpochStats/opposedPulses``).
    private func perEpoch(_ cell: Cell) -> (pulses: Double, energy: Double, refreshes: Double, opposed: Double, pairOpposed: Double)? {
        TrainingFigures.of(results[cell] ?? [], epochs: epochs).circuit.map {
            ($0.pulses, $0.deviceEnergy, $0.refreshes, $0.opposed, $0.pairOpposed)
        }
    }

    private func errors(_ cell: Cell) -> [Double] { (results[cell] ?? []).map { 100 * $0.testError } }

    /// Markdown: one row per cell.
    public func markdown() -> String {
        var out = "| test error after \(epochs) epochs | mean ± std | pulses / epoch | device energy / epoch | refreshes / epoch | opposed pulses / epoch | pair-opposed pulses / epoch |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for cell in cells {
            let e = errors(cell)
            let error = Table1.meanAndStd(e).map { String(format: "%.2f ± %.2f %% (n=%d)", $0.mean, $0.std, e.count) } ?? "— (n=0)"
            let figures = perEpoch(cell).map {
                String(format: "%.3g | %.3g J | %.3g | %.3g | %.3g", $0.pulses, $0.energy, $0.refreshes, $0.opposed, $0.pairOpposed)
            } ?? "— | — | — | — | —"
            out += "| \(cell.label) | \(error) | \(figures) |\n"
        }
        return out
    }

    /// CSV: `cell,device,update,write,d2d,trials,mean_test_error_percent,std_test_error_percent,
    /// pulses_per_epoch,device_energy_j_per_epoch,refreshes_per_epoch,opposed_pulses_per_epoch,
    /// pair_opposed_pulses_per_epoch`
    /// (empty where unknown).
    public func csv() throws -> String {
        var table = CSVTable(header: [
            "cell", "device", "update", "write", "d2d", "trials", "mean_test_error_percent", "std_test_error_percent", "pulses_per_epoch",
            "device_energy_j_per_epoch", "refreshes_per_epoch", "opposed_pulses_per_epoch", "pair_opposed_pulses_per_epoch",
        ])
        for cell in cells {
            let e = errors(cell)
            let stats = Table1.meanAndStd(e).map { ("\($0.mean)", "\($0.std)") } ?? ("", "")
            let figures = perEpoch(cell).map {
                ("\($0.pulses)", "\($0.energy)", "\($0.refreshes)", "\($0.opposed)", "\($0.pairOpposed)")
            } ?? ("", "", "", "", "")
            table.append([
                cell.id, cell.device ?? "", cell.update?.rawValue ?? "", cell.device == nil ? "" : cell.write.rawValue, cell.d2d, e.count, stats.0, stats.1, figures.0, figures.1,
                figures.2, figures.3, figures.4,
            ])
        }
        return try table.text()
    }

    /// Mean test error (percent) against epoch, one line per cell.
    public func curves() -> String {
        let series = cells.compactMap { cell -> SVGPlot.Series? in
            let histories = (results[cell] ?? []).map(\.history)
            guard !histories.isEmpty else { return nil }
            let points = (0..<epochs).map { e -> (x: Double, y: Double) in
                let errors: [Double] = histories.map { $0[e].testError }
                return (x: Double(e + 1), y: 100 * errors.reduce(0, +) / Double(histories.count))
            }
            return SVGPlot.Series(label: cell.label, points: points)
        }
        return SVGPlot(title: "MNIST on device pairs: mean test error", xLabel: "epoch", yLabel: "test error (%)", series: series).render()
    }
}

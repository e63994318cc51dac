import Foundation

/// The wires study's table, CSV and plot: per cell (a device, segment resistance, tile rows
/// and the paths that go through the wires) the final test error as mean ± std over seeds,
/// and per epoch the pulses sent and the write energy, split into the devices' and the
/// wires' (the drivers' delivered energy less the devices'), means over seeds and epochs, and
/// the read's relative error against the ideal product. Below the table, for each device and
/// tile size, the lowest resistance at which each kind of cell breaks (``breaks()``).
public struct WiresReport {
    /// What goes through the wires at a non-zero resistance.
    public enum Paths: String, Codable, CaseIterable, Sendable {
        /// The writes only (``WiredAnalyticEngine``); the forward products are ideal.
        case write
        /// The writes and the forward reads (`--wired-read`, `I⁺ − I⁻` of each pair).
        case both
    }

    /// A device at a segment resistance on tiles of some rows; at 0 Ω (ideal wires) the
    /// baseline, its tiles and paths irrelevant.
    public struct Cell: Hashable, Sendable {
        public var device: String
        public var resistance: Double
        /// Rows per tile; nil: the whole layer.
        public var tileRows: Int?
        public var paths: Paths

        public init(device: String, resistance: Double, tileRows: Int?, paths: Paths) {
            (self.device, self.resistance, self.tileRows, self.paths) = (device, resistance, tileRows, paths)
        }

        /// `t<rows>` or `whole`.
        static func tileLabel(_ rows: Int?) -> String { rows.map { "t\($0)" } ?? "whole" }

        /// Folder name: `<device>-r0`, or `<device>-r<Ω>-<t<rows>|whole>-<write|both>`.
        public var id: String {
            resistance == 0
                ? "\(device)-r0" : "\(device)-r\(resistance.shortDecimal)-\(Self.tileLabel(tileRows))-\(paths.rawValue)"
        }
        /// Table label.
        public var label: String {
            guard resistance > 0 else { return "\(device), 0 Ω (ideal wires)" }
            let tiles = tileRows.map { "\($0)-row tiles" } ?? "whole layer"
            return "\(device), \(resistance.shortDecimal) Ω, \(tiles), wired \(paths == .both ? "write + read" : "write")"
        }
    }

    /// A cell breaks when its mean test error exceeds its device's 0 Ω baseline by more than
    /// this many percentage points.
    public static let breakMargin = 1.0

    public var cells: [Cell]
    public var results: [Cell: [BackpropReport.Summary]]
    public var epochs: Int

    public init(cells: [Cell], results: [Cell: [BackpropReport.Summary]], epochs: Int) {
        (self.cells, self.results, self.epochs) = (cells, results, epochs)
    }

    private func figures(_ cell: Cell) -> (errors: [Double], circuit: TrainingFigures?) {
        TrainingFigures.of(results[cell] ?? [], epochs: epochs)
    }

    private func meanError(_ cell: Cell) -> Double? { Table1.meanAndStd(figures(cell).errors)?.mean }

    /// Markdown: one row per cell, then ``breaks()``.
    public func markdown() -> String {
        var out = "| cell | test error after \(epochs) epochs, mean ± std | pulses / epoch | device energy / epoch | wire energy / epoch | total write energy / epoch | read error |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for cell in cells {
            let (e, circuit) = figures(cell)
            let error = Table1.meanAndStd(e).map { String(format: "%.2f ± %.2f %% (n=%d)", $0.mean, $0.std, e.count) } ?? "— (n=0)"
            let numbers = circuit.map {
                String(format: "%.3g | %.3g J | %.3g J | %.3g J | ", $0.pulses, $0.deviceEnergy, $0.driverEnergy - $0.deviceEnergy, $0.driverEnergy)
                    + (cell.resistance > 0 && cell.paths == .both ? String(format: "%.2g %%", 100 * $0.readRelativeError) : "ideal")
            } ?? "— | — | — | — | —"
            out += "| \(cell.label) | \(error) | \(numbers) |\n"
        }
        out += "\n" + breaks().map { "- \($0)\n" }.joined()
        return out
    }

    /// For each device and tile size, the lowest resistance at which the write-only cells and
    /// the write + read cells break (mean test error above the 0 Ω baseline by more than
    /// ``breakMargin`` points), and which breaks first.
    public func breaks() -> [String] {
        var lines: [String] = []
        let devices = cells.map(\.device).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for device in devices {
            guard let base = cells.first(where: { $0.device == device && $0.resistance == 0 }).flatMap(meanError) else {
                lines.append("\(device): no 0 Ω baseline finished, nothing to compare with")
                continue
            }
            let wired = cells.filter { $0.device == device && $0.resistance > 0 }
            let tiles = wired.map(\.tileRows).reduce(into: [Int?]()) { if !$0.contains($1) { $0.append($1) } }
            for tile in tiles {
                func first(_ paths: Paths) -> (text: String, at: Double?)? {
                    let run = wired.filter { $0.tileRows == tile && $0.paths == paths }.sorted { $0.resistance < $1.resistance }
                        .filter { meanError($0) != nil }
                    guard !run.isEmpty else { return nil }
                    let broken = run.first { meanError($0)! > base + Self.breakMargin }
                    return broken.map { (String(format: "breaks at %@ Ω (%.2f %%)", $0.resistance.shortDecimal, meanError($0)!), $0.resistance) }
                        ?? ("holds up to \(run.last!.resistance.shortDecimal) Ω", nil)
                }
                let write = first(.write), both = first(.both)
                var line = String(format: "%@, %@ (0 Ω: %.2f %%): wired write ", device, Cell.tileLabel(tile), base)
                line += (write?.text ?? "not run") + "; wired write + read " + (both?.text ?? "not run")
                line += Self.verdict(write: write?.at, both: both?.at, ran: (write != nil, both != nil))
                lines.append(line)
            }
        }
        return lines
    }

    /// Which breaks first, from the lowest breaking resistances of the write-only and the
    /// write + read cells (nil: held up to the highest one run): only when both kinds ran, as a
    /// suffix of a ``breaks()`` line. The read breaks first when the write + read cells break
    /// at a lower resistance than the write alone; at the same one the write does (the read
    /// adds nothing visible).
    static func verdict(write: Double?, both: Double?, ran: (write: Bool, both: Bool)) -> String {
        guard ran.write, ran.both else { return "" }
        switch (write, both) {
        case (nil, nil): return " — neither breaks"
        case (nil, _?): return " — the read breaks first"
        case (_?, nil): return " — the write breaks first"
        case (let w?, let b?): return b < w ? " — the read breaks first" : " — the write breaks first"
        }
    }

    /// CSV: `cell,device,resistance_ohm,tile_rows,paths,trials,mean_test_error_percent,
    /// std_test_error_percent,pulses_per_epoch,device_energy_j_per_epoch,wire_energy_j_per_epoch,
    /// write_energy_j_per_epoch,read_relative_error` (empty where unknown; tile_rows empty for
    /// the whole layer, paths empty at 0 Ω).
    public func csv() throws -> String {
        var table = CSVTable(header: [
            "cell", "device", "resistance_ohm", "tile_rows", "paths", "trials", "mean_test_error_percent", "std_test_error_percent",
            "pulses_per_epoch", "device_energy_j_per_epoch", "wire_energy_j_per_epoch", "write_energy_j_per_epoch",
            "read_relative_error",
        ])
        for cell in cells {
            let (e, circuit) = figures(cell)
            let stats = Table1.meanAndStd(e).map { ("\($0.mean)", "\($0.std)") } ?? ("", "")
            let wired = cell.resistance > 0
            table.append([
                cell.id, cell.device, cell.resistance, wired ? cell.tileRows.map(String.init) ?? "" : "", wired ? cell.paths.rawValue : "",
                e.count, stats.0, stats.1, circuit.map { "\($0.pulses)" } ?? "", circuit.map { "\($0.deviceEnergy)" } ?? "",
                circuit.map { "\($0.driverEnergy - $0.deviceEnergy)" } ?? "", circuit.map { "\($0.driverEnergy)" } ?? "",
                circuit.map { wired && cell.paths == .both ? "\($0.readRelativeError)" : "" } ?? "",
            ])
        }
        return try table.text()
    }

    /// Mean final test error (percent) against segment resistance, one line per device, tile
    /// size and paths, each starting at its device's 0 Ω baseline.
    public func plot() -> String {
        var series: [SVGPlot.Series] = []
        let wired = cells.filter { $0.resistance > 0 }
        var lines: [Cell] = []
        for cell in wired where !lines.contains(where: { $0.device == cell.device && $0.tileRows == cell.tileRows && $0.paths == cell.paths }) {
            lines.append(cell)
        }
        for line in lines {
            let base = cells.first { $0.device == line.device && $0.resistance == 0 }
            let members = (base.map { [$0] } ?? []) + wired.filter { $0.device == line.device && $0.tileRows == line.tileRows && $0.paths == line.paths }
            let points = members.compactMap { c in meanError(c).map { (x: c.resistance, y: $0) } }
            guard !points.isEmpty else { continue }
            let label = "\(line.device), \(Cell.tileLabel(line.tileRows)), wired \(line.paths == .both ? "write + read" : "write")"
            series.append(SVGPlot.Series(label: label, points: points))
        }
        return SVGPlot(
            title: "MNIST with wires: mean test error after \(epochs) epochs", xLabel: "segment resistance (Ω)", yLabel: "test error (%)",
            series: series
        ).render()
    }
}

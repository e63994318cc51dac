/// How the analytic engine's error against SPICE grows with wire resistance and array size.
/// With wires `validate` compares the wire-aware engine (``WiredAnalyticEngine``) and records
/// the wire-free one beside it: both appear, the wire-free one as `wire_free_…` columns, in
/// brackets in the table and as its own lines in the plot (runs made before the wire-aware
/// engine have the wire-free error only, in the main columns).
public enum WireSweepReport {
    /// CSV, one line per (size, resistance); the SPICE time, which varies from run to run, last.
    public static func csv(_ rows: [EngineComparison]) throws -> String {
        var table = CSVTable(header: [
            "rows", "cols", "slots_per_phase", "wire_resistance", "driver_resistance", "rms_error_fraction",
            "max_error_fraction", "coincident_rms_error_fraction", "disturbed_devices",
            "direction_agreement", "wire_free_rms_error_fraction", "wire_free_max_error_fraction", "wire_free_direction_agreement",
            "read_error_fraction", "written_devices", "spice_relative_tolerance", "spice_seconds",
        ])
        for r in rows {
            table.append([
                r.rows, r.cols, r.slotsPerPhase, r.wireResistance, r.driverResistance, r.rmsErrorFraction,
                r.maxErrorFraction, r.coincidentRmsErrorFraction, r.disturbedDevices,
                r.directionAgreement.map { "\($0)" } ?? "", r.wireFreeRmsErrorFraction.map { "\($0)" } ?? "",
                r.wireFreeMaxErrorFraction.map { "\($0)" } ?? "", r.wireFreeDirectionAgreement.map { "\($0)" } ?? "",
                r.readErrorFraction.map { "\($0)" } ?? "", r.writtenDevices.map { "\($0)" } ?? "",
                r.spiceRelativeTolerance.map { "\($0)" } ?? "", r.spiceSeconds,
            ])
        }
        return try table.text()
    }

    /// Markdown tables: rows are wire resistances, columns array sizes, cells RMS / max error (%),
    /// the wire-free engine's in brackets when it was compared beside the wire-aware one; then,
    /// when runs measured it, the same grid of direction agreement over the written devices.
    public static func markdown(_ rows: [EngineComparison]) -> String {
        var out = grid(rows, sizeHeading: " rms / max") { c in
            let cell = String(format: "%.2f %% / %.2f %%", 100 * c.rmsErrorFraction, 100 * c.maxErrorFraction)
            guard let rms = c.wireFreeRmsErrorFraction, let max = c.wireFreeMaxErrorFraction else { return cell }
            return cell + String(format: " (wire-free %.2f %% / %.2f %%)", 100 * rms, 100 * max)
        }
        guard rows.contains(where: { $0.directionAgreement != nil }) else { return out }
        out += "\nWritten devices moved the same way as in SPICE (wire-free engine in brackets; the number written):\n\n"
        out += grid(rows, sizeHeading: "") { c in
            guard let d = c.directionAgreement else { return nil }
            var cell = String(format: "%.2f %%", 100 * d)
            if let f = c.wireFreeDirectionAgreement { cell += String(format: " (%.2f %%)", 100 * f) }
            if let w = c.writtenDevices { cell += " of \(w)" }
            return cell
        }
        return out
    }

    /// A markdown table of `rows`: one line per wire resistance, one column per array size
    /// (headed `N×N` + `sizeHeading`), each cell `cell` of that run, or "–" without a run or a value.
    private static func grid(_ rows: [EngineComparison], sizeHeading: String, cell: (EngineComparison) -> String?) -> String {
        let sizes = Array(Set(rows.map(\.rows))).sorted()
        let resistances = Array(Set(rows.map(\.wireResistance))).sorted()
        var out = "| wire Ω/segment | " + sizes.map { "\($0)×\($0)\(sizeHeading)" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: sizes.count) + "\n"
        for r in resistances {
            out += "| \(r) | " + sizes.map { n in
                rows.first(where: { $0.rows == n && $0.wireResistance == r }).flatMap(cell) ?? "–"
            }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// RMS error (% of range) against wire resistance, one line per array size.
    public static func plot(_ rows: [EngineComparison]) -> String {
        let sizes = Array(Set(rows.map(\.rows))).sorted()
        return SVGPlot(
            title: "Analytic engine vs SPICE: error grows with wire resistance",
            xLabel: "wire resistance per segment (ohm)", yLabel: "RMS conductance error (% of range)",
            series: sizes.map { n in
                SVGPlot.Series(
                    label: "\(n)x\(n)",
                    points: rows.filter { $0.rows == n }.sorted { $0.wireResistance < $1.wireResistance }
                        .map { ($0.wireResistance, 100 * $0.rmsErrorFraction) })
            } + sizes.compactMap { n in
                // The wire-free engine beside the wire-aware one: its error, and 0 Ω's (the same engine).
                let sized = rows.filter { $0.rows == n }.sorted { $0.wireResistance < $1.wireResistance }
                guard sized.contains(where: { $0.wireFreeRmsErrorFraction != nil }) else { return nil }
                return SVGPlot.Series(
                    label: "\(n)x\(n) wire-free",
                    points: sized.map { ($0.wireResistance, 100 * ($0.wireFreeRmsErrorFraction ?? $0.rmsErrorFraction)) })
            }
        ).render()
    }
}

/// How the analytic engine's error against SPICE grows with wire resistance and array size.
public enum WireSweepReport {
    /// CSV, one line per (size, resistance).
    public static func csv(_ rows: [EngineComparison]) throws -> String {
        var table = CSVTable(header: [
            "rows", "cols", "slots_per_phase", "wire_resistance", "driver_resistance", "rms_error_fraction",
            "max_error_fraction", "coincident_rms_error_fraction", "disturbed_devices", "spice_seconds",
        ])
        for r in rows {
            table.append([
                r.rows, r.cols, r.slotsPerPhase, r.wireResistance, r.driverResistance, r.rmsErrorFraction,
                r.maxErrorFraction, r.coincidentRmsErrorFraction, r.disturbedDevices, r.spiceSeconds,
            ])
        }
        return try table.text()
    }

    /// Markdown table: rows are wire resistances, columns array sizes, cells RMS / max error (%).
    public static func markdown(_ rows: [EngineComparison]) -> String {
        let sizes = Array(Set(rows.map(\.rows))).sorted()
        let resistances = Array(Set(rows.map(\.wireResistance))).sorted()
        var out = "| wire Ω/segment | " + sizes.map { "\($0)×\($0) rms / max" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: sizes.count) + "\n"
        for r in resistances {
            out += "| \(r) | " + sizes.map { n in
                guard let c = rows.first(where: { $0.rows == n && $0.wireResistance == r }) else { return "–" }
                return String(format: "%.2f %% / %.2f %%", 100 * c.rmsErrorFraction, 100 * c.maxErrorFraction)
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
            }
        ).render()
    }
}

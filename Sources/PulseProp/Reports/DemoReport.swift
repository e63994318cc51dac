import Foundation

/// Everything the demo measured: both engines' training histories, the ΔG pairs of the
/// shadow comparison, one device's electrodes through a learning step and that step's
/// netlist. Encoded as the report's embedded JSON (snake_case keys).
public struct DemoData: Codable, Sendable {
    /// Rule name, e.g. `transposed-absmin-L10`.
    public var rule: String
    /// The training configuration both engines used.
    public var configuration: BackpropConfiguration
    /// The crossbar circuit both engines simulated.
    public var circuit: CrossbarCircuit
    /// Devices in both crossbars.
    public var devices: Int
    /// ngspice version of the SPICE engine.
    public var ngspiceVersion: String
    /// Epochs of the SPICE-engine run (analytic shadow figures included).
    public var spice: [BackpropEpoch]
    /// Epochs of the analytic-engine run from the same seed.
    public var analytic: [BackpropEpoch]
    /// ΔG of written devices, SPICE vs the analytic shadow from the same states.
    public var deltaG: [DeltaGPair]
    /// One device's electrode voltages and state through both phases of a real step.
    public var trace: ElectrodeTrace
    /// The ngspice netlist of that step (runs unchanged in `ngspice -b`).
    public var netlist: String
    /// Wall-clock seconds of the SPICE and the analytic run.
    public var seconds: [String: Double]

    /// Creates the record.
    public init(
        rule: String, configuration: BackpropConfiguration, circuit: CrossbarCircuit, devices: Int,
        ngspiceVersion: String, spice: [BackpropEpoch], analytic: [BackpropEpoch], deltaG: [DeltaGPair],
        trace: ElectrodeTrace, netlist: String, seconds: [String: Double]
    ) {
        self.rule = rule
        self.configuration = configuration
        self.circuit = circuit
        self.devices = devices
        self.ngspiceVersion = ngspiceVersion
        self.spice = spice
        self.analytic = analytic
        self.deltaG = deltaG
        self.trace = trace
        self.netlist = netlist
        self.seconds = seconds
    }
}

/// The demo's self-contained HTML report: inline SVG charts, tables, the netlist as a
/// download (data URI) and all plotted data as JSON in
/// `<script type="application/json" id="pulseprop-data">`. No external files or scripts.
public enum DemoReport {
    /// The report page.
    public static func html(_ data: DemoData) throws -> String {
        let spiceCircuit = CircuitEpochStats.total(of: data.spice)
        let analyticCircuit = CircuitEpochStats.total(of: data.analytic)
        var body = """
            <h1>PulseProp demo: circuit-in-the-loop training</h1>
            <p>Built-in 3×3 glyph task, network [\(9)-\(data.configuration.hidden)-4] held in \(data.devices) threshold \
            memristors (two crossbars with bias rows), rule <code>\(escape(data.rule))</code>, \
            \(data.configuration.epochs) epochs, seed \(data.configuration.seed). Every example's learning step ran both \
            phases in \(escape(data.ngspiceVersion)) (libngspice, in process), shadowed by the calibrated analytic engine \
            from the same device states; a second run used the analytic engine alone from the same seed.</p>
            \(resultTable(data))
            <h2>Training curves</h2>
            \(curves(data))
            <h2>SPICE vs analytic conductance changes</h2>
            <p>Each point is one written device in one learning step: ΔG from ngspice (x) and from the analytic \
            engine applied to the same states and pulses (y). Points on the diagonal agree.</p>
            \(scatter(data))
            \(divergenceNote(spiceCircuit))
            <h2>One device through a learning step (Fig. 4 of Negrov et al., 2017)</h2>
            \(traceCharts(data.trace))
            <h2>Writes and energy</h2>
            \(energyTable(spice: spiceCircuit, analytic: analyticCircuit, epochs: data.spice))
            <h2>Netlist of that step</h2>
            <p><a download="pulseprop-step.cir" href="data:text/plain;base64,\(Data(data.netlist.utf8).base64EncodedString())">\
            Download pulseprop-step.cir</a> — runs unchanged in <code>ngspice -b pulseprop-step.cir</code> and prints every \
            device's final state.</p>
            <details><summary>Show the netlist</summary><pre>\(escape(data.netlist))</pre></details>
            """
        let json = try SnakeCaseJSON.string(data, pretty: false).replacingOccurrences(of: "</", with: "<\\/")
        body += "\n<script type=\"application/json\" id=\"pulseprop-data\">\(json)</script>\n"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>PulseProp demo report</title>
            <style>
            body { font-family: sans-serif; max-width: 980px; margin: 2em auto; line-height: 1.45; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
            th:first-child, td:first-child { text-align: left; } pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 11px; }
            svg { display: block; margin: 0.5em 0; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func percent(_ x: Double?) -> String { x.map { String(format: "%.1f %%", 100 * $0) } ?? "–" }

    private static func resultTable(_ data: DemoData) -> String {
        let rows = [("SPICE engine (ngspice)", data.spice, data.seconds["spice"]), ("analytic engine", data.analytic, data.seconds["analytic"])]
        return "<table><tr><th>engine</th><th>test error</th><th>test accuracy</th><th>train error</th><th>seconds</th></tr>"
            + rows.map { name, history, seconds in
                "<tr><td>\(name)</td><td>\(percent(history.last?.testError))</td><td>\(percent(history.last.map { 1 - $0.testError }))</td>"
                    + "<td>\(percent(history.last?.trainError))</td><td>\(String(format: "%.1f", seconds ?? 0))</td></tr>"
            }.joined() + "</table>"
    }

    private static func curves(_ data: DemoData) -> String {
        func series(_ label: String, _ history: [BackpropEpoch], _ value: (BackpropEpoch) -> Double) -> SVGPlot.Series {
            .init(label: label, points: history.map { (Double($0.epoch), 100 * value($0)) })
        }
        return SVGPlot(
            title: "Error per epoch", xLabel: "epoch", yLabel: "error (%)",
            series: [
                series("SPICE test", data.spice, \.testError), series("SPICE train", data.spice, \.trainError),
                series("analytic test", data.analytic, \.testError), series("analytic train", data.analytic, \.trainError),
            ]
        ).render()
    }

    private static func scatter(_ data: DemoData) -> String {
        let every = max(1, data.deltaG.count / 3000)
        let shown = Swift.stride(from: 0, to: data.deltaG.count, by: every).map { data.deltaG[$0] }
        func series(layer: Int, label: String) -> SVGPlot.Series {
            let points: [(x: Double, y: Double)] = shown.filter { $0.layer == layer }.map { (1e6 * $0.engine, 1e6 * $0.analytic) }
            return SVGPlot.Series(label: label, points: points, scatter: true)
        }
        var plot = SVGPlot(
            title: "ΔG per written device and step (µS)", xLabel: "ΔG SPICE (µS)", yLabel: "ΔG analytic (µS)",
            series: [series(layer: 0, label: "input→hidden"), series(layer: 1, label: "hidden→output")])
        plot.diagonal = true
        plot.size = (640, 520)
        return plot.render()
    }

    private static func divergenceNote(_ c: CircuitEpochStats?) -> String {
        guard let c else { return "" }
        let read = c.readProducts == 0 ? "" : String(
            format: " Forward products were read from the crossbars in SPICE (%d column reads in all); in the last epoch their RMS deviation from the ideal product was %.3g %% of its RMS.",
            c.readProducts, 100 * c.readRelativeError)
        return String(
            format: "<p>Last epoch: RMS |ΔG<sub>SPICE</sub> − ΔG<sub>analytic</sub>| = %.3g %% of the conductance range over written devices; same direction in %.1f %% of them; %d half-selected devices moved (disturb) in the whole run.%@</p>",
            100 * c.deltaGRMSDifference, 100 * c.directionAgreement, c.disturbedDevices, read)
    }

    private static func traceCharts(_ t: ElectrodeTrace) -> String {
        let micro = t.time.map { 1e6 * $0 }
        func points(_ v: [Double]) -> [(x: Double, y: Double)] { zip(micro, v).map { ($0, $1) } }
        let span = (micro.first ?? 0, micro.last ?? 1)
        var electrodes = SVGPlot(
            title: "Electrodes of device (\(t.device.row), \(t.device.col))", xLabel: "time (µs)", yLabel: "V",
            series: [.init(label: "row electrode", points: points(t.rowVoltage)), .init(label: "column electrode", points: points(t.columnVoltage))])
        electrodes.size = (900, 260)
        var across = SVGPlot(
            title: "Voltage across the device", xLabel: "time (µs)", yLabel: "V",
            series: [
                .init(label: "v_row − v_col", points: points(t.acrossVoltage)),
                .init(label: "+V_set", points: [(span.0, t.thresholds[0]), (span.1, t.thresholds[0])]),
                .init(label: "−V_reset", points: [(span.0, -t.thresholds[1]), (span.1, -t.thresholds[1])]),
            ])
        across.size = (900, 260)
        var state = SVGPlot(
            title: "Device state", xLabel: "time (µs)", yLabel: "state x", series: [.init(label: "x", points: points(t.state))])
        state.size = (900, 220)
        return """
            <p>Device (\(t.device.row), \(t.device.col)) saw \(t.rowPulses) row pulses and \(t.columnPulses) column pulses \
            (signed by δ), so \(abs(t.coincidences)) coincident pulses \(t.coincidences >= 0 ? "potentiated" : "depressed") it. \
            Only where both electrodes pulse at once does the voltage across it exceed a threshold; half-selected \
            pulses stay inside the dead zone and leave the state unchanged. Phase 1 (potentiation) comes first, then \
            phase 2 (depression). Data from the ngspice transient at its own time points.</p>
            \(electrodes.render())
            \(across.render())
            \(state.render())
            """
    }

    private static func energyTable(spice: CircuitEpochStats?, analytic: CircuitEpochStats?, epochs: [BackpropEpoch]) -> String {
        func row(_ name: String, _ c: CircuitEpochStats?) -> String {
            guard let c else { return "" }
            let energy = c.deviceEnergy.reduce(0, +)
            return "<tr><td>\(name)</td><td>\(c.steps)</td><td>\(c.pulsesSent)</td><td>\(c.coincidentPulses)</td><td>\(c.disturbedDevices)</td>"
                + String(format: "<td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td></tr>", 1e6 * c.deviceEnergy[0], 1e6 * c.deviceEnergy[1], 1e6 * energy, 1e6 * c.driverEnergy.reduce(0, +))
        }
        let perEpoch = epochs.compactMap { r in
            r.circuit.map {
                String(
                    format: "<tr><td>%d</td><td>%d</td><td>%d</td><td>%.4g</td><td>%.4g</td><td>%.3g %%</td></tr>", r.epoch,
                    $0.coincidentPulses, $0.disturbedDevices, 1e6 * $0.deviceEnergy.reduce(0, +), 1e6 * $0.analyticEnergy,
                    100 * $0.deltaGRMSDifference)
            }
        }.joined()
        return """
            <table><tr><th>run</th><th>learning steps</th><th>pulses sent</th><th>coincident pulses</th><th>disturbed</th>\
            <th>device energy phase 1 (µJ)</th><th>phase 2 (µJ)</th><th>devices total (µJ)</th><th>drivers total (µJ)</th></tr>
            \(row("SPICE engine (∫v·i dt)", spice))\(row("analytic engine (model estimate)", analytic))</table>
            <p>Per epoch of the SPICE run, with the analytic engine's estimate for the same steps:</p>
            <table><tr><th>epoch</th><th>coincident pulses</th><th>disturbed</th><th>device energy SPICE (µJ)</th>\
            <th>analytic estimate (µJ)</th><th>RMS ΔG difference</th></tr>\(perEpoch)</table>
            """
    }
}

import Foundation

/// The SPICE netlist of one read of an R×C crossbar: an operating point with sub-threshold
/// voltages `v_i` on the rows and every column held at 0 V by a sense source, so column `j`
/// collects `I_j = Σ_i G_ij·v_i` (less what the wires lose). A reference column of devices at
/// `G_ref = (G_on + G_off)/2` is added as column `C`, so `I_j − I_ref = Σ_i (G_ij − G_ref)·v_i`
/// is the signed product a weight pair (``WeightMapping``) needs.
///
/// Below both thresholds the threshold memristor is exactly the linear resistor `1/G(x)`
/// (its state does not move), so devices are written as resistors and the read is a `.op`.
/// Node names follow ``CrossbarNetlist``: rows `r<i>`, columns `c<j>`, cross-points
/// `r<i>_<j>` / `c<j>_<i>` with wire resistance.
public struct CrossbarReadNetlist: Sendable {
    /// The netlist text.
    public let text: String
    /// Names of the column sense sources, `vc0 … vc<C>` (the last is the reference column).
    public let senseSources: [String]
    /// What the template was rendered from.
    let context: ReadTemplateContext

    /// Builds the read of devices at `states` (R×C in `[0, 1]`) with row voltages `voltages`
    /// (R values, each of magnitude below both switching thresholds), for ngspice (the column
    /// currents printed by its `.control` block) or VACASK (saved by its `read` analysis).
    /// `population` replaces the circuit's devices (a tile's, ``DevicePopulation/tile(_:)``).
    public init(
        circuit: CrossbarCircuit, states: Matrix<Double>, voltages: [Double], title: String = "PulseProp crossbar read",
        dialect: SpiceDialect = .ngspice, population: DevicePopulation? = nil
    ) throws {
        try require(
            Self.dialects.contains(dialect), "dialect",
            "the read netlist is written in the \(Self.dialects.map(\.rawValue).joined(separator: " and ")) dialects only")
        try circuit.validate()
        let limit = circuit.readLimit
        try require(voltages.count == states.rows, "read-voltage", "\(voltages.count) row voltages for \(states.rows) rows")
        try require(
            voltages.allSatisfy { $0.isFinite && abs($0) < limit }, "read-voltage",
            "every row voltage must be finite and below the switching thresholds (\(limit) V)")
        try require(states.elements.allSatisfy { $0 >= 0 && $0 <= 1 }, "state", "every device state must lie in [0, 1]")
        let (rows, cols) = (states.rows, states.cols)
        let devices = population ?? circuit.population(rows: rows, cols: cols)
        let states = devices.pinned(states)
        let lines = CrossbarLines(rows: rows, cols: cols + 1, wiring: circuit.wiring)
        let reference = circuit.referenceConductance
        let f = SpiceFormatting.number
        senseSources = (0...cols).map { "vc\($0)" }
        context = ReadTemplateContext(
            comment: dialect.comment, dialectLabel: dialect.label, title: SpiceFormatting.comment(title), rows: rows, cols: cols, referenceColumn: cols,
            readVoltage: f(voltages.map(abs).max() ?? 0), referenceConductance: f(reference),
            segmentResistance: f(circuit.wiring.segmentResistance), driverResistance: f(circuit.wiring.driverResistance),
            rowSources: voltages.enumerated().map { .init(name: "vr\($0)", node: "r\($0)", volts: f($1)) },
            columnSources: senseSources.enumerated().map { .init(name: $1, node: "c\($0)") },
            wires: WireLines(lines),
            devices: (0..<rows).flatMap { i in
                (0...cols).map { j in
                    let g = j == cols ? reference : devices.conductance(state: states[i, j], row: i, col: j)
                    return .init(name: "rx\(i)_\(j)", row: lines.rowNode(i, j), col: lines.columnNode(j, i), ohms: f(1 / g))
                }
            },
            printLines: SpiceFormatting.lines(senseSources.map { "i(\($0))" }, perLine: 8))
        text = TemplateRenderer.render("\(dialect.templateFolder)/read.cir", context)
    }

    /// The dialects a read is written in.
    public static let dialects: [SpiceDialect] = [.ngspice, .vacask]
}

/// `templates/<dialect>/read.cir` (ngspice, VACASK) and its partials: `common/read-header`,
/// `common/wires` or `vacask/wires` (in the `wires` section), `common/batch-exit`.
struct ReadTemplateContext: TemplateContext {
    /// A column sense source (0 V).
    struct ColumnSource {
        let name: String
        let node: String
    }

    /// A device as its read resistor.
    struct DeviceResistor {
        let name: String
        let row: String
        let col: String
        let ohms: String
    }

    /// What starts a comment line in the dialect (``SpiceDialect/comment``).
    let comment: String
    let dialectLabel: String
    let title: String
    let rows: Int
    let cols: Int
    let referenceColumn: Int
    let readVoltage: String
    let referenceConductance: String
    let segmentResistance: String
    let driverResistance: String
    /// The row drivers.
    let rowSources: [DCSourceLine]
    let columnSources: [ColumnSource]
    let wires: WireLines
    let devices: [DeviceResistor]
    /// The column currents, `i(vc<j>)`, 8 per line: printed by ngspice, saved by VACASK.
    let printLines: [String]
}

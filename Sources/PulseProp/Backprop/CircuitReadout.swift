/// The forward pass read from the crossbars in SPICE instead of computed by CBLAS.
///
/// For each example, the inputs `x` (bias included) are scaled onto the rows as sub-threshold
/// voltages `v_i = V_read·x_i/s` with `s = max_i |x_i|`; the column currents less the reference
/// column's give `Σ_i (G_ij − G_ref)·v_i`, and with `w = w_max·(G − G_ref)/(ΔG/2)`
/// (``WeightMapping``) the product is
///
///     z_j = (I_j − I_ref) · (s / V_read) · w_max / (ΔG/2).
///
/// With ideal wires this equals `Σ_i x_i·w_ij` up to the weights' float rounding; wire and
/// driver resistance make it smaller. The error against the ideal product is accumulated.
public final class CircuitReadout: LayerProduct {
    /// The SPICE reader (one ngspice instance).
    public let reader: SpiceReader
    /// Weight ↔ state mapping of the device pairs.
    public let mapping: WeightMapping
    private let device: ThresholdMemristor
    private var squaredError = 0.0
    private var squaredIdeal = 0.0
    private var products = 0

    /// Creates a readout of crossbars of `circuit` at `readVoltage`, solved with `solver`.
    public init(circuit: CrossbarCircuit, mapping: WeightMapping, readVoltage: Double = 0.2, solver: SpiceSolver = .auto) throws {
        reader = try SpiceReader(circuit: circuit, readVoltage: readVoltage, solver: solver)
        device = try ThresholdMemristor(circuit.device)
        self.mapping = mapping
    }

    public func multiply(
        layer: Int, inputs x: UnsafePointer<Float>, inputStride: Int, count: Int, weights w: [Float], rows: Int,
        cols: Int, output z: UnsafeMutablePointer<Float>, outputStride: Int
    ) throws {
        let states = Matrix(rows: rows, cols: cols, elements: w.map(mapping.state(weight:)))
        let toWeight = mapping.maxWeight / (device.conductanceRange / 2)
        for b in 0..<count {
            let input = (0..<rows).map { Double(x[b * inputStride + $0]) }
            let scale = input.map(abs).max() ?? 0
            let out = z + b * outputStride
            guard scale > 0 else {
                for j in 0..<cols { out[j] = 0 }
                continue
            }
            let voltages = input.map { reader.readVoltage * $0 / scale }
            let currents = try CircuitStepError.at("SPICE read of \(CircuitStepError.crossbar(layer)), example \(b + 1) of the batch") {
                try reader.differentialCurrents(states: states, voltages: voltages)
            }
            for j in 0..<cols {
                let read = currents[j] * scale / reader.readVoltage * toWeight
                var ideal = 0.0
                for i in 0..<rows { ideal += input[i] * Double(w[i * cols + j]) }
                out[j] = Float(read)
                squaredError += (read - ideal) * (read - ideal)
                squaredIdeal += ideal * ideal
                products += 1
            }
        }
    }

    /// Adds the read figures since the last call to `stats` and starts counting afresh.
    public func take(into stats: inout CircuitEpochStats) {
        stats.readProducts = products
        stats.readRMSError = products > 0 ? (squaredError / Double(products)).squareRoot() : 0
        stats.readRelativeError = squaredIdeal > 0 ? (squaredError / squaredIdeal).squareRoot() : 0
        (squaredError, squaredIdeal, products) = (0, 0, 0)
    }
}

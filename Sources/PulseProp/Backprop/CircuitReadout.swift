import COpenBLAS

/// The forward pass read from the crossbars instead of computed by CBLAS: in SPICE
/// (``SpiceReader``) or through the wires' resistive network (``WiredReader``).
///
/// For each example, the inputs `x` (bias included) are scaled onto the rows as sub-threshold
/// voltages `v_i = V_read·x_i/s` with `s = max_i |x_i|`; the column currents less the reference
/// column's give `Σ_i (G_ij − G_ref)·v_i`, and with `w = w_max·(G − G_ref)/(ΔG/2)`
/// (``WeightMapping``) the product is
///
///     z_j = (I_j − I_ref) · (s / V_read) · w_max / (ΔG/2).
///
/// **Pairs** (a ``WeightMapping/Kind/pair`` mapping, through a ``WiredReader`` of
/// ``WiredReader/Columns/pairs``): the read takes the layer's device states from
/// ``deviceStates`` (the pairs' two conductances matter in the wires, not only their
/// difference) and returns `I⁺_j − I⁻_j = Σ_i (G⁺_ij − G⁻_ij)·v_i`; with
/// `w = w_max·(G⁺ − G⁻)/ΔG` the product is `z_j = (I⁺_j − I⁻_j)·(s / V_read)·w_max / ΔG`.
///
/// With ideal wires this equals `Σ_i x_i·w_ij` up to the weights' float rounding; wire and
/// driver resistance make it smaller. The error against the ideal product is accumulated.
/// A batch's examples are read together (one factorisation of a wired network serves them all).
public final class CircuitReadout: LayerProduct {
    /// The reader (one ngspice instance, or one wired network).
    public let reader: CrossbarReader
    /// Weight ↔ state mapping of the device pairs.
    public let mapping: WeightMapping
    /// The device states of a layer (`rows × 2·cols`), for reads of pairs.
    public let deviceStates: ((Int) -> Matrix<Double>)?
    private let device: ThresholdMemristor
    private var squaredError = 0.0
    private var squaredIdeal = 0.0
    private var products = 0

    /// Creates a readout of crossbars of `circuit` at `readVoltage` in SPICE, solved with `solver`.
    public convenience init(circuit: CrossbarCircuit, mapping: WeightMapping, readVoltage: Double = 0.2, solver: SpiceSolver = .auto) throws {
        try self.init(reader: SpiceReader(circuit: circuit, readVoltage: readVoltage, solver: solver), mapping: mapping)
    }

    /// Creates a readout through `reader`; a pair mapping needs `deviceStates`, the present
    /// device states of each layer.
    public init(reader: CrossbarReader, mapping: WeightMapping, deviceStates: ((Int) -> Matrix<Double>)? = nil) throws {
        try require(
            mapping.kind == .reference || deviceStates != nil, "weights", "a read of device pairs needs the pairs' device states")
        self.reader = reader
        device = try ThresholdMemristor(reader.circuit.device)
        self.mapping = mapping
        self.deviceStates = deviceStates
    }

    public func multiply(
        layer: Int, inputs x: UnsafePointer<Float>, inputStride: Int, count: Int, weights w: [Float], rows: Int,
        cols: Int, output z: UnsafeMutablePointer<Float>, outputStride: Int
    ) throws {
        let states: Matrix<Double>
        if mapping.kind == .pair, let deviceStates {
            states = deviceStates(layer)
            try require(
                states.rows == rows && states.cols == 2 * cols, "weights",
                "layer \(layer + 1)'s devices are \(states.rows)x\(states.cols), not the pairs of \(rows)x\(cols) weights")
        } else {
            states = Matrix(rows: rows, cols: cols, elements: w.map(mapping.state(weight:)))
        }
        // w = w_max·(G − G_ref)/(ΔG/2) against the reference, w_max·(G⁺ − G⁻)/ΔG for pairs.
        let toWeight = mapping.maxWeight / (mapping.kind == .pair ? device.conductanceRange : device.conductanceRange / 2)
        let inputs = (0..<count).map { b in (0..<rows).map { Double(x[b * inputStride + $0]) } }
        let scales = inputs.map { $0.map(abs).max() ?? 0 }
        // Examples with no input read nothing: they are not sent to the reader.
        let read = (0..<count).filter { scales[$0] > 0 }
        let currents = try CircuitStepError.at("\(reader.label) of \(CircuitStepError.crossbar(layer))") {
            try reader.differentialCurrents(
                states: states, voltages: read.map { b in inputs[b].map { reader.readVoltage * $0 / scales[b] } })
        }
        // The ideal product in double precision, for the read's error (one dgemm).
        var ideals = [Double](repeating: 0, count: count * cols)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(cols), Int32(rows), 1, inputs.flatMap { $0 }, Int32(rows),
            w.map(Double.init), Int32(cols), 0, &ideals, Int32(cols))
        var next = 0
        for b in 0..<count {
            let out = z + b * outputStride
            guard scales[b] > 0 else {
                for j in 0..<cols { out[j] = 0 }
                continue
            }
            let example = currents[next]
            next += 1
            for j in 0..<cols {
                let value = example[j] * scales[b] / reader.readVoltage * toWeight
                let ideal = ideals[b * cols + j]
                out[j] = Float(value)
                squaredError += (value - ideal) * (value - ideal)
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

import Foundation

/// A layered analog network for equilibrium propagation: inputs → one hidden layer → outputs,
/// every weight one memristor's conductance `G = G_off + s·(G_on − G_off)` (state `s ∈ [0, 1]`).
///
/// Hidden neuron `h` connects through one device to each of the sources
/// `+A_in·x_0 … +A_in·x_{n−1}, −A_in·x_0 … −A_in·x_{n−1}, +V_bias, −V_bias` (the columns of
/// ``hiddenStates``): its signed weight on input `i` is `G⁺_hi − G⁻_hi`.
/// Each output is a differential pair of neuron nodes `o+`, `o−` (Kendall et al. 2020), read as
/// `y_o = (V_o+ − V_o−)/A_out`: hidden node `h` connects through one device to each node of the
/// pair (rows `2o` and `2o + 1` of ``outputStates``), so its signed weight on output `o` is
/// `G_o+,h − G_o−,h`; every output node also connects to the clamp sources `±V_b` of the
/// neurons (the output layer's bias, on the scale of the hidden layer's swing; the last two
/// columns). Every element is a passive
/// two-terminal, so the network is reciprocal, as equilibrium propagation needs. The neurons
/// are ``EqPropNeuron``s.
public struct EqPropNetwork: Codable, Equatable, Sendable {
    /// Number of inputs `n`.
    public let inputs: Int
    /// Number of hidden neurons `H`.
    public let hidden: Int
    /// Number of output neurons `O`.
    public let outputs: Int
    /// The device every weight is.
    public let device: Device
    /// The neuron circuit.
    public let neuron: EqPropNeuron
    /// Device states of the input layer, `H × (2n + 2)`.
    public var hiddenStates: Matrix<Double>
    /// Device states of the output layer, `2O × (H + 2)` (rows `o+`, `o−` of each output).
    public var outputStates: Matrix<Double>

    /// The largest number of devices a network may hold (the size limit of `--hidden`).
    public static let largestDeviceCount = 10_000_000

    /// A network with every state drawn uniformly from `[0.25, 0.75]` by `seed`.
    public init(inputs: Int, hidden: Int, outputs: Int, device: Device = .metalOxide, neuron: EqPropNeuron = EqPropNeuron(), seed: UInt64) throws {
        try require(inputs >= 1, "inputs", "must be at least 1, got \(inputs)")
        try require(hidden >= 1, "hidden", "must be at least 1, got \(hidden)")
        try require(outputs >= 1, "outputs", "must be at least 1, got \(outputs)")
        let devices = hidden.multipliedReportingOverflow(by: 2 * inputs + 2 + outputs)
        try require(
            !devices.overflow && devices.partialValue * 2 <= Self.largestDeviceCount, "hidden",
            "\(hidden) hidden neurons need more than \(Self.largestDeviceCount) devices")
        try Self.validate(device: device)
        try neuron.validate(threshold: min(device.setThreshold, device.resetThreshold))
        var generator = SeededGenerator(seed: seed)
        func draw(_ rows: Int, _ cols: Int) -> Matrix<Double> {
            Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0.25...0.75, using: &generator) }
        }
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.device = device
        self.neuron = neuron
        hiddenStates = draw(hidden, 2 * inputs + 2)
        outputStates = draw(2 * outputs, hidden + 2)
    }

    /// Number of free nodes, hidden then the output pairs: `H + 2O`.
    public var nodes: Int { hidden + 2 * outputs }

    /// Number of devices.
    public var deviceCount: Int { hiddenStates.elements.count + outputStates.elements.count }

    /// The source voltages the hidden layer sees for input `x` (`n` values in `[−1, 1]`):
    /// `A_in·x`, `−A_in·x`, `+V_bias`, `−V_bias`.
    public func sourceVoltages(_ x: [Double]) -> [Double] {
        let a = neuron.inputAmplitude
        return x.map { a * $0 } + x.map { -a * $0 } + [neuron.biasVoltage, -neuron.biasVoltage]
    }

    /// Name of free node `k` in messages and netlists: `h<k>`, or `o<m>p` / `o<m>n` for the
    /// nodes of output `m = (k − H)/2`.
    public func nodeName(_ k: Int) -> String {
        k < hidden ? "h\(k)" : "o\((k - hidden) / 2)\((k - hidden) % 2 == 0 ? "p" : "n")"
    }

    /// The outputs `y_o = (V_o+ − V_o−)/A_out` of free-node voltages `v`.
    public func outputValues(_ v: [Double]) -> [Double] {
        (0..<outputs).map { (v[hidden + 2 * $0] - v[hidden + 2 * $0 + 1]) / neuron.outputAmplitude }
    }

    /// Conductances of `states` for this network's device, siemens.
    func conductances(_ states: Matrix<Double>) throws -> Matrix<Double> {
        let memristor = try ThresholdMemristor(device)
        return states.map(memristor.conductance(state:))
    }
}

import Foundation

/// The circuit around every neuron node of an ``EqPropNetwork`` and the voltages it is driven
/// with (Kendall et al. 2020; Zoppo et al. 2020).
///
/// A neuron is a node with a resistive leak `G_L` to ground and a pair of antiparallel diodes,
/// each in series with a voltage source `V_b` (the clamp level). With diodes of saturation
/// current `I_s` and thermal voltage `V_T` (ideality 1) the pair draws from the node
///
///     f(v) = I_s·(e^((v − V_b)/V_T) − 1) − I_s·(e^((−v − V_b)/V_T) − 1)
///          = I_s·(e^((v − V_b)/V_T) − e^((−v − V_b)/V_T))
///
/// an odd, increasing, smooth current that is negligible for `|v| < V_b` and clamps the node
/// near `±V_b` beyond: the bounded nonlinearity. The SPICE netlist writes exactly this
/// expression as a behavioural current source, so both engines solve the same equations. It
/// is a behavioural diode: the default `V_T = 2 mV` is steeper than a silicon junction's
/// 26 mV, so the clamp is sharp at the hidden layer's swing of about ±10 mV (a resistive layer
/// attenuates: a hidden node is a conductance-weighted average of the ±0.4 V inputs).
///
/// Inputs `x ∈ [−1, 1]` drive a voltage source `+A_in·x` and its inverted copy `−A_in·x`
/// (positive conductances then give signed weights `G⁺ − G⁻`); every hidden neuron also sees
/// the bias sources `+V_bias` and `−V_bias`, every output neuron the clamp sources `±V_b` (the
/// swing of the hidden layer it listens to). The network is passive (positive conductances, leak,
/// increasing `f`), so every node voltage lies within the largest source magnitude (maximum
/// principle; the nudge adds at most `A_out`, see ``largestDeviceVoltage``) and no device sees
/// more than twice that: below both switching thresholds the
/// threshold memristor is the linear resistor `1/G(x)`, which is what the equilibrium uses.
///
/// Outputs are differential node pairs read through an amplification: output
/// `y = (V_o+ − V_o−)/A_out` (targets `t ∈ [−1, 1]` are the differences `A_out·t`), so the small
/// output swing of a resistive network is compared with targets it can reach. The nudge is the
/// current `β·G_on·(A_out·t − (V_o+ − V_o−))` into `o+` and its negative into `o−`: `β` is
/// dimensionless, in units of the device's ON conductance. It moves nodes by `O(β)`, which the
/// sources' margin below the thresholds absorbs.
public struct EqPropNeuron: Codable, Equatable, Sendable {
    /// Leak conductance `G_L` to ground, siemens.
    public var leakConductance: Double
    /// Diode saturation current `I_s`, amperes.
    public var saturationCurrent: Double
    /// Diode thermal voltage `V_T`, volts.
    public var thermalVoltage: Double
    /// Clamp level `V_b` (the diodes' series sources), volts.
    public var clampVoltage: Double
    /// Input amplitude `A_in`: input `x` is the voltage `A_in·x`, volts.
    public var inputAmplitude: Double
    /// Bias source voltage `V_bias`, volts.
    public var biasVoltage: Double
    /// Output amplification: target `t` is the voltage `A_out·t`, volts.
    public var outputAmplitude: Double

    /// Defaults: `G_L = 1 µS`, `I_s = 1 µA`, `V_T = 2 mV`, `V_b = 10 mV`, `A_in = V_bias = 0.4 V`,
    /// `A_out = 5 mV` (a gain of 200); no device then sees more than 0.81 V (thresholds 1 V).
    public init(
        leakConductance: Double = 1e-6, saturationCurrent: Double = 1e-6, thermalVoltage: Double = 0.002,
        clampVoltage: Double = 0.01, inputAmplitude: Double = 0.4, biasVoltage: Double = 0.4, outputAmplitude: Double = 0.005
    ) {
        self.leakConductance = leakConductance
        self.saturationCurrent = saturationCurrent
        self.thermalVoltage = thermalVoltage
        self.clampVoltage = clampVoltage
        self.inputAmplitude = inputAmplitude
        self.biasVoltage = biasVoltage
        self.outputAmplitude = outputAmplitude
    }

    /// The diode pair's current `f(v)` out of the node, amperes.
    @inlinable
    public func current(_ v: Double) -> Double {
        saturationCurrent * (exp((v - clampVoltage) / thermalVoltage) - exp((-v - clampVoltage) / thermalVoltage))
    }

    /// `f'(v)`, siemens.
    @inlinable
    public func slope(_ v: Double) -> Double {
        saturationCurrent / thermalVoltage * (exp((v - clampVoltage) / thermalVoltage) + exp((-v - clampVoltage) / thermalVoltage))
    }

    /// The largest voltage any source applies, volts (inputs, biases and the clamp sources
    /// `±V_b` of the output layer): every free-phase node lies within it.
    public var largestSource: Double { max(inputAmplitude, biasVoltage, clampVoltage) }

    /// The largest voltage any device can see, volts, in either phase: the nudge is a floating
    /// source `A_out·t` (`|t| ≤ 1`) between the nodes of an output pair, which can move nodes
    /// up to `A_out` beyond the sources, so every node lies within `largestSource + A_out` and
    /// a device between two nodes or a node and a source sees at most twice that.
    public var largestDeviceVoltage: Double { 2 * (largestSource + outputAmplitude) }

    /// Checks every value, naming the first that is out of range; every device must stay below
    /// `threshold` (the lower switching threshold) so that it acts as a resistor: a
    /// ``largestDeviceVoltage`` at or above it is refused, naming the largest source.
    public func validate(threshold: Double) throws {
        for (name, value) in [
            ("leak-conductance", leakConductance), ("saturation-current", saturationCurrent),
            ("thermal-voltage", thermalVoltage), ("clamp-voltage", clampVoltage), ("input-amplitude", inputAmplitude),
            ("bias-voltage", biasVoltage), ("output-amplitude", outputAmplitude),
        ] {
            try require(value > 0 && value.isFinite, name, "must be a finite number > 0, got \(value)")
        }
        let largest = [
            ("input-amplitude", inputAmplitude), ("bias-voltage", biasVoltage), ("clamp-voltage", clampVoltage),
            ("output-amplitude", outputAmplitude),
        ].max { $0.1 < $1.1 }!.0
        try require(
            largestDeviceVoltage < threshold, largest,
            "sources up to \(largestSource) V and the nudge target \(outputAmplitude) V put up to \(largestDeviceVoltage) V across a device, not below its \(threshold) V threshold")
    }
}

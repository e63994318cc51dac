/// Amplitudes and timing of the learning pulses.
///
/// Each pulse is a trapezoid: a linear edge of `edge` seconds, `plateau` seconds at full
/// amplitude, a linear edge back to 0; a new pulse starts every `period` seconds. Electrodes
/// get half amplitudes: in the potentiation phase rows get `+setAmplitude/2` and columns
/// `−setAmplitude/2`, so a device with both electrodes pulsed sees `setAmplitude`, one with a
/// single electrode pulsed (half-selected) sees `setAmplitude/2`. The depression phase uses
/// `resetAmplitude` with the signs reversed.
public struct PulseShape: Codable, Equatable, Sendable {
    /// Full potentiation amplitude `u₊` across a selected device, volts (> 0).
    public var setAmplitude: Double
    /// Full depression amplitude `|u₋|` across a selected device, volts (> 0).
    public var resetAmplitude: Double
    /// Time at full amplitude, seconds.
    public var plateau: Double
    /// Duration of each linear edge (rise and fall), seconds.
    public var edge: Double
    /// Pulse repetition period, seconds (≥ plateau + 2·edge).
    public var period: Double

    /// Creates a pulse shape; defaults are 1.8 V, 1 µs plateau, 100 ns edges, 2 µs period.
    public init(
        setAmplitude: Double = 1.8, resetAmplitude: Double = 1.8,
        plateau: Double = 1e-6, edge: Double = 1e-7, period: Double = 2e-6
    ) {
        self.setAmplitude = setAmplitude
        self.resetAmplitude = resetAmplitude
        self.plateau = plateau
        self.edge = edge
        self.period = period
    }

    /// Checks timing, and that the amplitudes switch a selected device but not a
    /// half-selected one: `V_th < u` and `u/2 < V_th` for each polarity.
    public func validate(for device: MemristorParameters) throws {
        try require(plateau > 0, "plateau", "must be > 0 s, got \(plateau)")
        try require(edge > 0, "edge", "must be > 0 s, got \(edge)")
        try require(
            period >= plateau + 2 * edge, "period",
            "must be ≥ plateau + 2·edge = \(plateau + 2 * edge) s, got \(period)")
        try require(
            setAmplitude > device.setThreshold, "setAmplitude",
            "\(setAmplitude) V does not exceed the SET threshold \(device.setThreshold) V: no pulse would switch")
        try require(
            resetAmplitude > device.resetThreshold, "resetAmplitude",
            "\(resetAmplitude) V does not exceed the RESET threshold \(device.resetThreshold) V: no pulse would switch")
        try require(
            setAmplitude / 2 < device.setThreshold, "setAmplitude",
            "half of \(setAmplitude) V reaches the SET threshold \(device.setThreshold) V: half-selected devices would switch")
        try require(
            resetAmplitude / 2 < device.resetThreshold, "resetAmplitude",
            "half of \(resetAmplitude) V reaches the RESET threshold \(device.resetThreshold) V: half-selected devices would switch")
    }
}

/// Amplitudes and timing of the learning pulses.
///
/// Each pulse is a trapezoid: a linear edge of `edge` seconds, `plateau` seconds at full
/// amplitude, a linear edge back to 0; a new pulse starts every `period` seconds. Electrodes
/// get half amplitudes: in the potentiation phase rows get `+setAmplitude/2` and columns
/// `−setAmplitude/2`, so a device with both electrodes pulsed sees `setAmplitude`, one with a
/// single electrode pulsed (half-selected) sees `setAmplitude/2`. The depression phase uses
/// `resetAmplitude` with the signs reversed. Netlists use the durations rounded to whole
/// femtoseconds (``gridEdge``, ``gridPlateau``, ``gridPeriod``), so every pulse corner is exact.
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

    /// The shortest allowed edge or plateau, seconds (1 ps: a thousand grid steps, so rounding
    /// to the femtosecond grid changes a duration by at most 0.05 %).
    public static let shortestDuration = 1e-12
    /// The longest allowed period, seconds (programming pulses are far shorter; the bound keeps
    /// steps of thousands of periods inside the grid's range of about 9000 s).
    public static let longestPeriod = 1.0
    /// The largest allowed ratio of the period to the shorter of edge and plateau.
    ///
    /// ngspice's transient takes steps of up to one period and relies on the PWL breakpoints
    /// to find the pulses; far enough apart, it steps over them. Measured with ngspice-39 and
    /// the default 100 ns edges and 1 µs plateau, final states differ from the 2 µs-period run
    /// by 3·10⁻¹⁰ at a ratio of 10⁶, 6·10⁻⁹ at 10⁷ and 2·10⁻⁹ at 10⁹; at 10¹⁰ (`--period 1e3`)
    /// no device moves at all. The bound keeps three decades of margin
    /// (`SpiceEngineTests.testLongestAllowedPeriodResolvesThePulses` checks it).
    public static let largestPeriodRatio = 1e6

    /// The edge on the time grid.
    public var gridEdge: GridTime { GridTime(seconds: edge) }
    /// The plateau on the time grid.
    public var gridPlateau: GridTime { GridTime(seconds: plateau) }
    /// The period on the time grid.
    public var gridPeriod: GridTime { GridTime(seconds: period) }

    /// The full amplitude across a selected device in a phase of `kind`, volts.
    public func amplitude(of kind: LearningPhase.Kind) -> Double {
        kind == .potentiation ? setAmplitude : resetAmplitude
    }

    /// Checks timing (finite, on the femtosecond grid, resolvable by the transient), and that
    /// the amplitudes switch a selected device but not a half-selected one: `V_th < u` and
    /// `u/2 < V_th` for each polarity. Parameters are named as the CLI options that set them.
    public func validate(for device: ThresholdDevice) throws {
        for (value, name) in [(setAmplitude, "set-amplitude"), (resetAmplitude, "reset-amplitude")] {
            try require(value.isFinite, name, "must be a finite number of volts, got \(value)")
        }
        for (value, name) in [(plateau, "pulse-width"), (edge, "rise-time")] {
            try require(
                value.isFinite && value >= Self.shortestDuration && value <= Self.longestPeriod, name,
                "must lie between \(Self.shortestDuration) s and \(Self.longestPeriod) s, got \(value)")
        }
        try require(period.isFinite && period > 0, "period", "must be a finite number > 0 s, got \(period)")
        try require(
            period <= Self.largestPeriodRatio * min(plateau, edge), "period",
            "\(period) s is more than \(Int(Self.largestPeriodRatio)) times the shorter of pulse-width and rise-time "
                + "(\(min(plateau, edge)) s): the transient, stepping up to one period, would miss the pulses")
        try require(period <= Self.longestPeriod, "period", "must be at most \(Self.longestPeriod) s, got \(period)")
        try require(
            gridPeriod >= gridPlateau + gridEdge + gridEdge, "period",
            "must be ≥ pulse-width + 2·rise-time = \((gridPlateau + gridEdge + gridEdge).seconds) s, got \(period)")
        try require(
            setAmplitude > device.setThreshold, "set-amplitude",
            "\(setAmplitude) V does not exceed the SET threshold \(device.setThreshold) V: no pulse would switch")
        try require(
            resetAmplitude > device.resetThreshold, "reset-amplitude",
            "\(resetAmplitude) V does not exceed the RESET threshold \(device.resetThreshold) V: no pulse would switch")
        try require(
            setAmplitude / 2 < device.setThreshold, "set-amplitude",
            "half of \(setAmplitude) V reaches the SET threshold \(device.setThreshold) V: half-selected devices would switch")
        try require(
            resetAmplitude / 2 < device.resetThreshold, "reset-amplitude",
            "half of \(resetAmplitude) V reaches the RESET threshold \(device.resetThreshold) V: half-selected devices would switch")
    }
}

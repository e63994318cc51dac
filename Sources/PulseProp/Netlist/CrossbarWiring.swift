/// Parasitic resistances of the crossbar's lines.
///
/// Rows are driven from their left end and columns from their top end; each driver has
/// `driverResistance` in series, and each line has `segmentResistance` between neighbouring
/// cross-points (and between the driver and the first cross-point). The far ends are open.
/// Zero means an ideal connection (no resistor is emitted).
public struct CrossbarWiring: Codable, Equatable, Sendable {
    /// Resistance of one line segment between cross-points, ohms (≥ 0).
    public var segmentResistance: Double
    /// Output resistance of each row and column driver, ohms (≥ 0).
    public var driverResistance: Double

    /// Creates a wiring; both resistances default to 0 (ideal wires).
    public init(segmentResistance: Double = 0, driverResistance: Double = 0) {
        self.segmentResistance = segmentResistance
        self.driverResistance = driverResistance
    }

    /// Ideal wires and drivers.
    public static let ideal = CrossbarWiring()

    /// True when neither resistance is set, so every device sees exactly `v_row − v_col`.
    public var isIdeal: Bool { segmentResistance == 0 && driverResistance == 0 }

    /// Checks that both resistances are finite and non-negative.
    public func validate() throws {
        try require(
            segmentResistance >= 0 && segmentResistance.isFinite, "wire-resistance",
            "must be a finite value ≥ 0 ohm, got \(segmentResistance)")
        try require(
            driverResistance >= 0 && driverResistance.isFinite, "driver-resistance",
            "must be a finite value ≥ 0 ohm, got \(driverResistance)")
    }
}

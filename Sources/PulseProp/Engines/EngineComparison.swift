import Foundation

/// The same learning step in SPICE and in the analytic engine, and how far apart their final
/// conductances are, as fractions of the device's conductance range `G_on − G_off`.
public struct EngineComparison: Codable, Equatable, Sendable {
    /// Crossbar rows.
    public var rows: Int
    /// Crossbar columns.
    public var cols: Int
    /// Pulse slots in each phase (the longest pulse train; the level count for the default
    /// ranges).
    public var slotsPerPhase: Int
    /// Wire segment resistance, ohms.
    public var wireResistance: Double
    /// Driver resistance, ohms.
    public var driverResistance: Double
    /// Devices compared.
    public var devices: Int
    /// RMS of `|G_spice − G_analytic|` over all devices, fraction of the range.
    public var rmsErrorFraction: Double
    /// Largest `|G_spice − G_analytic|`, fraction of the range.
    public var maxErrorFraction: Double
    /// Devices that had coincident pulses.
    public var coincidentDevices: Int
    /// RMS error over devices with coincidences only.
    public var coincidentRmsErrorFraction: Double
    /// Largest error over devices with coincidences only.
    public var coincidentMaxErrorFraction: Double
    /// Half-selected devices (no coincidences) whose SPICE state moved by more than 1e-9.
    public var disturbedDevices: Int
    /// Seconds of the SPICE step.
    public var spiceSeconds: Double
    /// Seconds of the analytic step.
    public var analyticSeconds: Double

    /// Runs `step` from `states` in both engines and compares them.
    public init(step: LearningStep, states: Matrix<Double>, spice: SpiceEngine, analytic: AnalyticEngine) throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let fromSpice = try spice.run(step, from: states)
        let t1 = DispatchTime.now().uptimeNanoseconds
        let fromModel = try analytic.run(step, from: states)
        let t2 = DispatchTime.now().uptimeNanoseconds
        let range = spice.circuit.device.onConductance - spice.circuit.device.offConductance
        let coincidences = step.coincidenceMatrix.elements
        let errors = zip(fromSpice.finalConductance.elements, fromModel.finalConductance.elements).map { abs($0 - $1) / range }
        let coincident = zip(errors, coincidences).filter { $0.1 != 0 }.map(\.0)
        func rms(_ v: [Double]) -> Double { v.isEmpty ? 0 : (v.map { $0 * $0 }.reduce(0, +) / Double(v.count)).squareRoot() }
        rows = step.rows
        cols = step.cols
        slotsPerPhase = step.slotsPerPhase
        wireResistance = spice.circuit.wiring.segmentResistance
        driverResistance = spice.circuit.wiring.driverResistance
        devices = errors.count
        rmsErrorFraction = rms(errors)
        maxErrorFraction = errors.max() ?? 0
        coincidentDevices = coincident.count
        coincidentRmsErrorFraction = rms(coincident)
        coincidentMaxErrorFraction = coincident.max() ?? 0
        disturbedDevices = zip(zip(fromSpice.finalState.elements, states.elements), coincidences)
            .filter { $0.1 == 0 && abs($0.0.0 - $0.0.1) > 1e-9 }.count
        spiceSeconds = Double(t1 - t0) / 1e9
        analyticSeconds = Double(t2 - t1) / 1e9
    }

    /// Pretty JSON with snake_case keys.
    public func json() throws -> String {
        try SnakeCaseJSON.string(self)
    }

    private enum CodingKeys: String, CodingKey {
        case rows, cols, slotsPerPhase, wireResistance, driverResistance, devices, rmsErrorFraction, maxErrorFraction
        case coincidentDevices, coincidentRmsErrorFraction, coincidentMaxErrorFraction, disturbedDevices, spiceSeconds
        case analyticSeconds
        /// What files written before the rename call `slotsPerPhase`.
        case levels
    }

    /// Decodes a comparison; files written before `slots_per_phase` existed call it `levels`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rows = try c.decode(Int.self, forKey: .rows)
        cols = try c.decode(Int.self, forKey: .cols)
        slotsPerPhase = try c.decodeIfPresent(Int.self, forKey: .slotsPerPhase) ?? c.decode(Int.self, forKey: .levels)
        wireResistance = try c.decode(Double.self, forKey: .wireResistance)
        driverResistance = try c.decode(Double.self, forKey: .driverResistance)
        devices = try c.decode(Int.self, forKey: .devices)
        rmsErrorFraction = try c.decode(Double.self, forKey: .rmsErrorFraction)
        maxErrorFraction = try c.decode(Double.self, forKey: .maxErrorFraction)
        coincidentDevices = try c.decode(Int.self, forKey: .coincidentDevices)
        coincidentRmsErrorFraction = try c.decode(Double.self, forKey: .coincidentRmsErrorFraction)
        coincidentMaxErrorFraction = try c.decode(Double.self, forKey: .coincidentMaxErrorFraction)
        disturbedDevices = try c.decode(Int.self, forKey: .disturbedDevices)
        spiceSeconds = try c.decode(Double.self, forKey: .spiceSeconds)
        analyticSeconds = try c.decode(Double.self, forKey: .analyticSeconds)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(cols, forKey: .cols)
        try c.encode(slotsPerPhase, forKey: .slotsPerPhase)
        try c.encode(wireResistance, forKey: .wireResistance)
        try c.encode(driverResistance, forKey: .driverResistance)
        try c.encode(devices, forKey: .devices)
        try c.encode(rmsErrorFraction, forKey: .rmsErrorFraction)
        try c.encode(maxErrorFraction, forKey: .maxErrorFraction)
        try c.encode(coincidentDevices, forKey: .coincidentDevices)
        try c.encode(coincidentRmsErrorFraction, forKey: .coincidentRmsErrorFraction)
        try c.encode(coincidentMaxErrorFraction, forKey: .coincidentMaxErrorFraction)
        try c.encode(disturbedDevices, forKey: .disturbedDevices)
        try c.encode(spiceSeconds, forKey: .spiceSeconds)
        try c.encode(analyticSeconds, forKey: .analyticSeconds)
    }

    /// A human-readable summary.
    public func table() -> String {
        String(
            format: """
                %dx%d crossbar, %d slots per phase, wires %.3g ohm, drivers %.3g ohm
                final conductance, analytic vs SPICE (fraction of G_on - G_off):
                  all %d devices:          rms %.4f %%  max %.4f %%
                  %d with coincidences:    rms %.4f %%  max %.4f %%
                  half-selected disturbed: %d
                time: SPICE %.3f s, analytic %.6f s

                """, rows, cols, slotsPerPhase, wireResistance, driverResistance, devices, 100 * rmsErrorFraction,
            100 * maxErrorFraction, coincidentDevices, 100 * coincidentRmsErrorFraction, 100 * coincidentMaxErrorFraction,
            disturbedDevices, spiceSeconds, analyticSeconds)
    }
}

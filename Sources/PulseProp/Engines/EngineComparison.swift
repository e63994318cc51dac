import Foundation

/// The same learning step in SPICE and in the analytic engine, and how far apart their final
/// conductances are, as fractions of the device's conductance range `G_on − G_off`.
///
/// With wires the analytic engine compared is the wire-aware one (``WiredAnalyticEngine``) and
/// the wire-free ``AnalyticEngine`` is reported beside it (the `wireFree…` fields); the read
/// of the same states through the wires (``WiredReader`` against ``SpiceReader``) gives
/// ``readErrorFraction``.
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
    /// Tile size limits (``CrossbarTiling``), when the crossbar was tiled (nil: untiled, as in
    /// files written before tiles).
    public var tileRows: Int?
    public var tileCols: Int?
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
    /// Written devices (with coincidences, moved by either engine) that both engines moved the
    /// same way, fraction (nil in files written before it was measured).
    public var directionAgreement: Double?
    /// How many devices ``directionAgreement`` is over (nil in files written before it was counted).
    public var writtenDevices: Int?
    /// ngspice's `reltol` for the SPICE step (nil: ngspice's default, 1e-3).
    public var spiceRelativeTolerance: Double?
    /// The wire-free analytic engine's RMS and max error and direction agreement, when it was
    /// compared beside a wire-aware one.
    public var wireFreeRmsErrorFraction: Double?
    public var wireFreeMaxErrorFraction: Double?
    public var wireFreeDirectionAgreement: Double?
    /// Largest `|I_model − I_spice|` of a read of the initial states over the largest
    /// `|I_spice|` (differential column currents), when a read was compared.
    public var readErrorFraction: Double?
    /// Seconds of the SPICE step.
    public var spiceSeconds: Double
    /// Seconds of the analytic step.
    public var analyticSeconds: Double

    /// The `reltol` `pulseprop validate` runs SPICE at unless told otherwise. ngspice leaves a
    /// device's state about `reltol` of its value from the converged solution, so SPICE's own
    /// error decides the direction of devices that move less. At the default (1e-3), on one
    /// 128×128 step behind 5 Ω wires and 100 Ω drivers, 2.6 % of the written devices moved
    /// the other way from the wire-aware engine, none at 1e-6; at 1e-6, on a 64×64 step of the
    /// `linear` preset at 20 Ω, 3 of 342 that moved about 1e-6 of the range, none at 1e-7
    /// (about 1.5× SPICE's time at 1e-6; docs/results/wire-sweep/README.md).
    public static let referenceRelativeTolerance = 1e-7

    /// Runs `step` from `states` in SPICE and in `analytic` (and in `wireFree` when given) and
    /// compares them.
    public init(
        step: LearningStep, states: Matrix<Double>, spice: SpiceEngine, analytic: CrossbarEngine, wireFree: CrossbarEngine? = nil
    ) throws {
        self.init(try StepRuns(step: step, states: states, spice: spice, analytic: analytic, wireFree: wireFree))
    }

    /// Compares the engines' results in `runs`.
    public init(_ runs: StepRuns) {
        let (fromSpice, fromModel, range) = (runs.spice, runs.analytic, runs.range)
        let coincidences = runs.step.coincidenceMatrix.elements
        let errors = zip(fromSpice.finalConductance.elements, fromModel.finalConductance.elements).map { abs($0 - $1) / range }
        let coincident = zip(errors, coincidences).filter { $0.1 != 0 }.map(\.0)
        func rms(_ v: [Double]) -> Double { v.isEmpty ? 0 : (v.map { $0 * $0 }.reduce(0, +) / Double(v.count)).squareRoot() }
        (directionAgreement, writtenDevices) = Self.directionAgreement(fromSpice, fromModel, coincidences: coincidences, range: range)
        spiceRelativeTolerance = runs.spiceRelativeTolerance
        if let other = runs.wireFree {
            let e = zip(fromSpice.finalConductance.elements, other.finalConductance.elements).map { abs($0 - $1) / range }
            wireFreeRmsErrorFraction = rms(e)
            wireFreeMaxErrorFraction = e.max() ?? 0
            wireFreeDirectionAgreement = Self.directionAgreement(fromSpice, other, coincidences: coincidences, range: range).fraction
        }
        rows = runs.step.rows
        cols = runs.step.cols
        slotsPerPhase = runs.step.slotsPerPhase
        wireResistance = runs.circuit.wiring.segmentResistance
        driverResistance = runs.circuit.wiring.driverResistance
        (tileRows, tileCols) = (runs.circuit.tiling.rows, runs.circuit.tiling.cols)
        devices = errors.count
        rmsErrorFraction = rms(errors)
        maxErrorFraction = errors.max() ?? 0
        coincidentDevices = coincident.count
        coincidentRmsErrorFraction = rms(coincident)
        coincidentMaxErrorFraction = coincident.max() ?? 0
        disturbedDevices = zip(zip(fromSpice.finalState.elements, runs.states.elements), coincidences)
            .filter { $0.1 == 0 && abs($0.0.0 - $0.0.1) > 1e-9 }.count
        spiceSeconds = runs.spiceSeconds
        analyticSeconds = runs.analyticSeconds
    }

    /// Over the written devices — devices with coincidences that either engine moved by more
    /// than ``CrossbarStepResult/changeThreshold`` of the range — the fraction that both moved
    /// the same way (a change within the threshold counts as none: SPICE leaves devices whose
    /// pulses stay below the threshold within ≈ 1e-15 of their start); 1 when none was
    /// written. Also returns how many were written.
    static func directionAgreement(
        _ a: CrossbarStepResult, _ b: CrossbarStepResult, coincidences: [Int], range: Double
    ) -> (fraction: Double, written: Int) {
        func direction(_ dg: Double) -> Int { abs(dg) / range > CrossbarStepResult.changeThreshold ? (dg > 0 ? 1 : -1) : 0 }
        let da = a.deltaConductance.elements.map(direction), db = b.deltaConductance.elements.map(direction)
        let written = coincidences.indices.filter { coincidences[$0] != 0 && (da[$0] != 0 || db[$0] != 0) }
        guard !written.isEmpty else { return (1, 0) }
        return (Double(written.filter { da[$0] == db[$0] }.count) / Double(written.count), written.count)
    }

    /// How far `model`'s read of `states` at row voltages `voltages` is from `spice`'s: the
    /// largest `|I_model − I_spice|` over every read's differential column currents, divided by
    /// the largest `|I_spice|`.
    public static func readErrorFraction(
        states: Matrix<Double>, voltages: [[Double]], spice: CrossbarReader, model: CrossbarReader
    ) throws -> Double {
        let exact = try spice.differentialCurrents(states: states, voltages: voltages).flatMap { $0 }
        let read = try model.differentialCurrents(states: states, voltages: voltages).flatMap { $0 }
        let scale = exact.map(abs).max() ?? 0
        guard scale > 0 else { return 0 }
        return zip(read, exact).map { abs($0 - $1) }.max()! / scale
    }

    /// Pretty JSON with snake_case keys.
    public func json() throws -> String {
        try SnakeCaseJSON.string(self)
    }

    private enum CodingKeys: String, CodingKey {
        case rows, cols, slotsPerPhase, wireResistance, driverResistance, tileRows, tileCols, devices, rmsErrorFraction, maxErrorFraction
        case coincidentDevices, coincidentRmsErrorFraction, coincidentMaxErrorFraction, disturbedDevices, spiceSeconds
        case analyticSeconds, directionAgreement, wireFreeRmsErrorFraction, wireFreeMaxErrorFraction
        case wireFreeDirectionAgreement, readErrorFraction, writtenDevices, spiceRelativeTolerance
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
        tileRows = try c.decodeIfPresent(Int.self, forKey: .tileRows)
        tileCols = try c.decodeIfPresent(Int.self, forKey: .tileCols)
        devices = try c.decode(Int.self, forKey: .devices)
        rmsErrorFraction = try c.decode(Double.self, forKey: .rmsErrorFraction)
        maxErrorFraction = try c.decode(Double.self, forKey: .maxErrorFraction)
        coincidentDevices = try c.decode(Int.self, forKey: .coincidentDevices)
        coincidentRmsErrorFraction = try c.decode(Double.self, forKey: .coincidentRmsErrorFraction)
        coincidentMaxErrorFraction = try c.decode(Double.self, forKey: .coincidentMaxErrorFraction)
        disturbedDevices = try c.decode(Int.self, forKey: .disturbedDevices)
        spiceSeconds = try c.decode(Double.self, forKey: .spiceSeconds)
        analyticSeconds = try c.decode(Double.self, forKey: .analyticSeconds)
        directionAgreement = try c.decodeIfPresent(Double.self, forKey: .directionAgreement)
        wireFreeRmsErrorFraction = try c.decodeIfPresent(Double.self, forKey: .wireFreeRmsErrorFraction)
        wireFreeMaxErrorFraction = try c.decodeIfPresent(Double.self, forKey: .wireFreeMaxErrorFraction)
        wireFreeDirectionAgreement = try c.decodeIfPresent(Double.self, forKey: .wireFreeDirectionAgreement)
        readErrorFraction = try c.decodeIfPresent(Double.self, forKey: .readErrorFraction)
        writtenDevices = try c.decodeIfPresent(Int.self, forKey: .writtenDevices)
        spiceRelativeTolerance = try c.decodeIfPresent(Double.self, forKey: .spiceRelativeTolerance)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(cols, forKey: .cols)
        try c.encode(slotsPerPhase, forKey: .slotsPerPhase)
        try c.encode(wireResistance, forKey: .wireResistance)
        try c.encode(driverResistance, forKey: .driverResistance)
        try c.encodeIfPresent(tileRows, forKey: .tileRows)
        try c.encodeIfPresent(tileCols, forKey: .tileCols)
        try c.encode(devices, forKey: .devices)
        try c.encode(rmsErrorFraction, forKey: .rmsErrorFraction)
        try c.encode(maxErrorFraction, forKey: .maxErrorFraction)
        try c.encode(coincidentDevices, forKey: .coincidentDevices)
        try c.encode(coincidentRmsErrorFraction, forKey: .coincidentRmsErrorFraction)
        try c.encode(coincidentMaxErrorFraction, forKey: .coincidentMaxErrorFraction)
        try c.encode(disturbedDevices, forKey: .disturbedDevices)
        try c.encode(spiceSeconds, forKey: .spiceSeconds)
        try c.encode(analyticSeconds, forKey: .analyticSeconds)
        try c.encodeIfPresent(directionAgreement, forKey: .directionAgreement)
        try c.encodeIfPresent(wireFreeRmsErrorFraction, forKey: .wireFreeRmsErrorFraction)
        try c.encodeIfPresent(wireFreeMaxErrorFraction, forKey: .wireFreeMaxErrorFraction)
        try c.encodeIfPresent(wireFreeDirectionAgreement, forKey: .wireFreeDirectionAgreement)
        try c.encodeIfPresent(readErrorFraction, forKey: .readErrorFraction)
        try c.encodeIfPresent(writtenDevices, forKey: .writtenDevices)
        try c.encodeIfPresent(spiceRelativeTolerance, forKey: .spiceRelativeTolerance)
    }

    /// A human-readable summary.
    public func table() -> String {
        var extra = ""
        if tileRows != nil || tileCols != nil {
            let tiles = CrossbarTiling(rows: tileRows, cols: tileCols).tiles(rows: rows, cols: cols)
            extra += "tiles: \(tiles.count) crossbars of at most \(tileRows ?? rows)x\(tileCols ?? cols), each with its own drivers and wires\n"
        }
        if let d = directionAgreement {
            let count = writtenDevices.map { " (\($0))" } ?? ""
            extra += String(format: "  same direction as SPICE:  %.2f %% of written devices", 100 * d) + count + "\n"
        }
        if let r = wireFreeRmsErrorFraction, let m = wireFreeMaxErrorFraction, let d = wireFreeDirectionAgreement {
            extra += String(format: "wire-free analytic vs SPICE: rms %.4f %%  max %.4f %%  same direction %.2f %%\n", 100 * r, 100 * m, 100 * d)
        }
        if let r = readErrorFraction { extra += String(format: "wired read vs SPICE read: max error %.3g %% of the largest current\n", 100 * r) }
        return String(
            format: """
                %dx%d crossbar, %d slots per phase, wires %.3g ohm, drivers %.3g ohm
                final conductance, analytic vs SPICE (fraction of G_on - G_off):
                  all %d devices:          rms %.4f %%  max %.4f %%
                  %d with coincidences:    rms %.4f %%  max %.4f %%
                  half-selected disturbed: %d
                time: SPICE %.3f s, analytic %.6f s

                """, rows, cols, slotsPerPhase, wireResistance, driverResistance, devices, 100 * rmsErrorFraction,
            100 * maxErrorFraction, coincidentDevices, 100 * coincidentRmsErrorFraction, 100 * coincidentMaxErrorFraction,
            disturbedDevices, spiceSeconds, analyticSeconds) + extra
    }
}

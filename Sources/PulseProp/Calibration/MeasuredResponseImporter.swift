import Foundation

/// Turns measured conductance-vs-pulse curves into a ``PulseResponseCalibration``.
///
/// The CSV has a header line and the columns `phase,pulse,conductance`: `phase` is
/// `potentiation` or `depression`, `pulse` counts identical pulses from 0 (the state before
/// the first pulse), `conductance` is in siemens. Each phase may hold several sequences (a new
/// sequence starts where `pulse` is 0 again); pulse numbers rise within a sequence and may skip
/// pulses (a curve sampled every `k` pulses is interpolated at every pulse). The lowest and highest conductance measured
/// become state 0 and 1; the table is fitted from consecutive pairs as for ngspice sweeps, and the fit error compares iterating it with the
/// measured sequences.
///
/// An optional fourth column `amplitude` gives each sequence's pulse amplitude, volts across
/// the device (a magnitude for depression too; one amplitude per sequence). The calibration
/// then has an ``AmplitudeAxis`` on the amplitudes measured, per phase: the highest is the
/// nominal one, whose sequences make the top-level table exactly as a file without the column
/// would. Below the lowest amplitude the table moves nothing, so a grid should start at an
/// amplitude that does not switch. Without the column the calibration has no amplitude axis.
public struct MeasuredResponseImporter {
    /// Grid states of the resulting table.
    public let gridStates: Int

    /// Largest rms state error (fraction of the conductance range) an imported table may
    /// reproduce its curves with.
    public static let maxRMSStateError = 0.1

    /// Creates an importer.
    public init(gridStates: Int = 101) { self.gridStates = gridStates }

    /// Reads `csvPath` and builds the calibration.
    public func calibration(csvPath: String) throws -> PulseResponseCalibration {
        try calibration(text: InputFile.text(atPath: csvPath), name: csvPath)
    }

    /// Builds the calibration from CSV `text` read from the file `csvPath`.
    public func calibration(text: String, name csvPath: String) throws -> PulseResponseCalibration {
        try require(gridStates >= 2, "grid", "must be ≥ 2 states")
        let curves = try MeasuredCurves(text: text, name: csvPath)
        let sequences = curves.sequences
        // The nominal amplitude of each phase: its highest (nil without an amplitude column).
        let nominal = sequences.mapValues { $0.compactMap { $0.first?.amplitude }.max() }
        let atNominal = Dictionary(
            uniqueKeysWithValues: sequences.map { phase, runs in (phase, runs.filter { $0.first?.amplitude == nominal[phase]! }) })
        for phase in ["potentiation", "depression"] where atNominal[phase]!.allSatisfy({ $0.count < 2 }) {
            throw DataError(csvPath, "has no \(phase) sequence of two or more pulses\(nominal[phase]!.map { " at its highest amplitude, \($0) V" } ?? "")")
        }
        for (phase, sign) in [("potentiation", 1.0), ("depression", -1.0)] {
            // Per pulse: a step over a gap of k pulses counts as k steps of its mean.
            let pairs = sequences[phase]!.flatMap { run in zip(run, run.dropFirst()) }
            let mean = pairs.map { $1.conductance - $0.conductance }.reduce(0, +)
                / Double(pairs.map { $1.pulse - $0.pulse }.reduce(0, +))
            guard sign * mean > 0 else {
                throw DataError(csvPath, String(
                    format: "has a %@ curve going the wrong way (mean change %.3g S per pulse); %@ must %@ the conductance",
                    phase, mean, phase, sign > 0 ? "raise" : "lower"))
            }
        }
        let all = sequences.values.flatMap { $0.flatMap { $0.map(\.conductance) } }
        let (gOff, gOn) = (all.min()!, all.max()!)
        guard gOn > gOff else { throw DataError(csvPath, "has a single conductance value; no range to calibrate") }
        let toState = { (g: Double) in (g - gOff) / (gOn - gOff) }
        let everyPulse = { (runs: [[MeasuredCurves.Sample]]) in runs.map { MeasuredCurves.everyPulse($0, toState: toState) } }
        let samples = { (runs: [[MeasuredCurves.Sample]]) in runs.map { $0.map { (pulse: $0.pulse, state: toState($0.conductance)) } } }
        let runs = atNominal.mapValues(everyPulse)
        let measured = atNominal.mapValues(samples)
        let grid = (0..<gridStates).map { Double($0) / Double(gridStates - 1) }
        let up = ResponseFitting.table(runs["potentiation"]!, grid: grid, potentiating: true)
        let down = ResponseFitting.table(runs["depression"]!, grid: grid, potentiating: false)
        var table = PulseResponseCalibration(
            source: "measurements", origin: (csvPath as NSString).lastPathComponent, device: nil, shape: nil,
            onConductance: gOn, offConductance: gOff, states: grid, potentiation: up, depression: down,
            fit: .init(rmsStateError: 0, maxStateError: 0, samples: 0))
        table.fit = ResponseFitting.fitError(table, setRuns: measured["potentiation"]!, resetRuns: measured["depression"]!)
        if curves.hasAmplitudes {
            func measured(_ phase: String) throws -> [AmplitudeAxisFitting.Measured] {
                let runs = sequences[phase]!
                return try Set(runs.compactMap { $0.first?.amplitude }).sorted().map { v in
                    let at = runs.filter { $0.first?.amplitude == v }
                    guard at.contains(where: { $0.count >= 2 }) else {
                        throw DataError(csvPath, "has no \(phase) sequence of two or more pulses at \(v) V")
                    }
                    return .init(amplitude: v, everyPulse: everyPulse(at), samples: samples(at))
                }
            }
            table.amplitudeAxis = AmplitudeAxisFitting.axis(
                origin: table.origin, states: grid, potentiation: (try measured("potentiation"), nominal["potentiation"]!!, up),
                depression: (try measured("depression"), nominal["depression"]!!, down))
        }
        try table.validate(name: csvPath)
        guard table.fit.rmsStateError <= Self.maxRMSStateError else {
            throw DataError(csvPath, String(
                format: "fits badly: the table reproduces the measured curves with an rms error of %.3g of the range, more than the bound %.3g (noisy or mixed devices?)",
                table.fit.rmsStateError, Self.maxRMSStateError))
        }
        return table
    }
}

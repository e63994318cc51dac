import Foundation

/// Turns measured conductance-vs-pulse curves into a ``PulseResponseCalibration``.
///
/// The CSV has a header line and the columns `phase,pulse,conductance`: `phase` is
/// `potentiation` or `depression`, `pulse` counts identical pulses from 0 (the state before
/// the first pulse), `conductance` is in siemens. Each phase may hold several sequences (a new
/// sequence starts where `pulse` is 0 again). The lowest and highest conductance measured
/// become state 0 and 1; the table is fitted from consecutive pairs as for ngspice sweeps, and the fit error compares iterating it with the
/// measured sequences.
public struct MeasuredResponseImporter {
    /// Grid states of the resulting table.
    public let gridStates: Int

    /// Creates an importer.
    public init(gridStates: Int = 101) { self.gridStates = gridStates }

    /// Reads `csvPath` and builds the calibration.
    public func calibration(csvPath: String) throws -> PulseResponseCalibration {
        try calibration(text: InputFile.text(atPath: csvPath), name: csvPath)
    }

    /// Builds the calibration from CSV `text` read from the file `csvPath`.
    public func calibration(text: String, name csvPath: String) throws -> PulseResponseCalibration {
        try require(gridStates >= 2, "grid", "must be ≥ 2 states")
        var lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let header = lines.first?.lowercased().replacingOccurrences(of: " ", with: ""),
              header == "phase,pulse,conductance"
        else { throw DataError(csvPath, "must start with the header 'phase,pulse,conductance'") }
        lines.removeFirst()
        var sequences: [String: [[Double]]] = ["potentiation": [], "depression": []]
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, sequences[fields[0]] != nil, let pulse = Int(fields[1]), pulse >= 0,
                  let g = Double(fields[2]), g.isFinite, g > 0
            else {
                throw DataError(csvPath, "line \(index + 2): expected potentiation|depression, a pulse number ≥ 0 and a conductance > 0, got '\(line)'")
            }
            if pulse == 0 || sequences[fields[0]]!.isEmpty { sequences[fields[0]]!.append([]) }
            sequences[fields[0]]![sequences[fields[0]]!.count - 1].append(g)
        }
        for phase in ["potentiation", "depression"] where sequences[phase]!.allSatisfy({ $0.count < 2 }) {
            throw DataError(csvPath, "has no \(phase) sequence of two or more pulses")
        }
        for (phase, sign) in [("potentiation", 1.0), ("depression", -1.0)] {
            let steps = sequences[phase]!.flatMap { run in zip(run, run.dropFirst()).map { $1 - $0 } }
            let mean = steps.reduce(0, +) / Double(steps.count)
            guard sign * mean > 0 else {
                throw DataError(csvPath, String(
                    format: "has a %@ curve going the wrong way (mean change %.3g S per pulse); %@ must %@ the conductance",
                    phase, mean, phase, sign > 0 ? "raise" : "lower"))
            }
        }
        let all = sequences.values.flatMap { $0.flatMap { $0 } }
        let (gOff, gOn) = (all.min()!, all.max()!)
        guard gOn > gOff else { throw DataError(csvPath, "has a single conductance value; no range to calibrate") }
        let toState = { (g: Double) in (g - gOff) / (gOn - gOff) }
        let runs = sequences.mapValues { $0.map { $0.map(toState) } }
        let grid = (0..<gridStates).map { Double($0) / Double(gridStates - 1) }
        let up = ResponseFitting.table(runs["potentiation"]!, grid: grid, potentiating: true)
        let down = ResponseFitting.table(runs["depression"]!, grid: grid, potentiating: false)
        var table = PulseResponseCalibration(
            source: "measurements", origin: (csvPath as NSString).lastPathComponent, device: nil, shape: nil,
            onConductance: gOn, offConductance: gOff, states: grid, potentiation: up, depression: down,
            fit: .init(rmsStateError: 0, maxStateError: 0, samples: 0))
        table.fit = ResponseFitting.fitError(table, setRuns: runs["potentiation"]!, resetRuns: runs["depression"]!)
        try table.validate(name: csvPath)
        return table
    }
}

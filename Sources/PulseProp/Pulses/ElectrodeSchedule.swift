/// The drive waveforms of every row and column electrode for one learning step.
///
/// Phase `p` (counted from 0) occupies `[p·T, (p+1)·T)` with `T = slotsPerPhase·period`; each
/// electrode sends its ``LearningStep/phases`` count of half-amplitude pulses of its polarity
/// from the start of the phase (see ``PulseShape`` for the amplitudes). Every corner is on
/// the femtosecond grid.
public struct ElectrodeSchedule: Sendable {
    /// Row drive waveforms, one per row.
    public let rows: [Waveform]
    /// Column drive waveforms, one per column.
    public let columns: [Waveform]
    /// Length of one phase.
    public let phaseLength: GridTime
    /// End of the last phase: every pulse has ended by then.
    public let stopTime: GridTime

    /// Builds the waveforms of `step` with pulses of `shape` (validated); throws when the step
    /// would outlast the time grid.
    public init(step: LearningStep, shape: PulseShape) throws {
        guard let phaseLength = GridTime.multiple(shape.gridPeriod, by: step.slotsPerPhase),
            let stopTime = GridTime.multiple(phaseLength, by: step.phases.count)
        else {
            throw ParameterError(
                "period", "\(step.phases.count)·\(step.slotsPerPhase) periods of \(shape.period) s exceed the time grid (about 9000 s)")
        }
        var rows = [Waveform](repeating: Waveform(), count: step.rows)
        var columns = [Waveform](repeating: Waveform(), count: step.cols)
        for (p, phase) in step.phases.enumerated() {
            let start = p * phaseLength
            let half = shape.amplitude(of: phase.kind) / 2
            for i in rows.indices {
                rows[i].appendTrain(count: phase.rowCounts[i], amplitude: Double(phase.rowPolarity) * half, start: start, shape: shape)
            }
            for j in columns.indices {
                columns[j].appendTrain(
                    count: phase.columnCounts[j], amplitude: Double(phase.columnPolarity) * half, start: start, shape: shape)
            }
        }
        for i in rows.indices { rows[i].append(stopTime, 0) }
        for j in columns.indices { columns[j].append(stopTime, 0) }
        self.rows = rows
        self.columns = columns
        self.phaseLength = phaseLength
        self.stopTime = stopTime
    }
}

/// The drive waveforms of every row and column electrode for one learning step.
///
/// Phase 1 occupies `[0, T)` and phase 2 `[T, 2T)` with `T = slotsPerPhase·period`; see
/// ``LearningStep`` for which electrodes pulse in which phase and ``PulseShape`` for the
/// half amplitudes.
public struct ElectrodeSchedule: Sendable {
    /// Row drive waveforms, one per row.
    public let rows: [Waveform]
    /// Column drive waveforms, one per column.
    public let columns: [Waveform]
    /// Length of one phase, seconds.
    public let phaseLength: Double
    /// End of phase 2, seconds.
    public var stopTime: Double { 2 * phaseLength }

    /// Builds the waveforms of `step` with pulses of `shape`.
    public init(step: LearningStep, shape: PulseShape) {
        let phaseLength = Double(step.slotsPerPhase) * shape.period
        let halfSet = shape.setAmplitude / 2
        let halfReset = shape.resetAmplitude / 2
        rows = step.rowCounts.map { n in
            var w = Waveform()
            w.appendTrain(count: n, amplitude: halfSet, start: 0, shape: shape)
            w.appendTrain(count: n, amplitude: -halfReset, start: phaseLength, shape: shape)
            w.append(2 * phaseLength, 0)
            return w
        }
        columns = step.columnCounts.map { n in
            var w = Waveform()
            if n < 0 { w.appendTrain(count: -n, amplitude: -halfSet, start: 0, shape: shape) }
            if n > 0 { w.appendTrain(count: n, amplitude: halfReset, start: phaseLength, shape: shape) }
            w.append(2 * phaseLength, 0)
            return w
        }
        self.phaseLength = phaseLength
    }
}

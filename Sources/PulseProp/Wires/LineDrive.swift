/// The voltages of the ideal sources behind every row and column driver of a crossbar at one
/// instant: one pulse slot of a learning step, or one read.
///
/// A line whose driver sits idle is held at 0 V (the netlists' sources return to 0 between
/// pulses), so every line stays driven through its driver resistance.
public struct LineDrive: Equatable, Sendable {
    /// Source voltage of each row driver, V.
    public var rows: [Double]
    /// Source voltage of each column driver (or sense input), V.
    public var columns: [Double]

    /// Creates a drive from its row and column source voltages.
    public init(rows: [Double], columns: [Double]) {
        self.rows = rows
        self.columns = columns
    }

    /// Refuses a drive that does not fit a `rows × cols` network or holds a non-finite voltage
    /// (``CrossbarNetwork``, ``CrossbarLineSolver``).
    func check(rows: Int, cols: Int) throws {
        try require(
            self.rows.count == rows && columns.count == cols, "drive",
            "has \(self.rows.count) rows and \(columns.count) columns; the network is \(rows)x\(cols)")
        try require((self.rows + columns).allSatisfy(\.isFinite), "drive", "every source voltage must be finite")
    }

    /// The read drive: row voltages `voltages`, every column held at 0 V by its sense
    /// amplifier's virtual ground (``CrossbarReadNetlist``).
    public static func read(_ voltages: [Double], columns: Int) -> LineDrive {
        LineDrive(rows: voltages, columns: [Double](repeating: 0, count: columns))
    }

    /// Slot `slot` (from 0) of `phase`, as ``ElectrodeSchedule`` and the SPICE netlist drive
    /// it: every train starts at the phase's first slot, so row `i` pulses while
    /// `slot < rowCounts[i]` at `rowPolarity·u/2` and column `j` while `slot < columnCounts[j]`
    /// at `columnPolarity·u/2`, with `u` the phase's full amplitude (``PulseShape/amplitude(of:)``);
    /// the others sit at 0 V. This is the pulse plateau; the edges are not modelled.
    public static func slot(_ slot: Int, of phase: LearningPhase, shape: PulseShape) -> LineDrive {
        let half = shape.amplitude(of: phase.kind) / 2
        return LineDrive(
            rows: phase.rowCounts.map { slot < $0 ? Double(phase.rowPolarity) * half : 0 },
            columns: phase.columnCounts.map { slot < $0 ? Double(phase.columnPolarity) * half : 0 })
    }

    /// Every slot of `step`'s phases in the order they run: `step.phases.count ×
    /// step.slotsPerPhase` drives, phase after phase.
    public static func slots(of step: LearningStep, shape: PulseShape) -> [LineDrive] {
        step.phases.flatMap { phase in (0..<step.slotsPerPhase).map { slot($0, of: phase, shape: shape) } }
    }
}

/// What the wire-aware write (``WiredAnalyticEngine``) needs of a tile's network in each pulse
/// slot: new device conductances, then the voltage across every device and at the lines'
/// first nodes for one drive.
protocol WiredSlotSolver: AnyObject {
    /// Takes the slot's device conductances; `first` marks a step's first slot (where a
    /// factor-based solver may refactor).
    func update(conductances: Matrix<Double>, first: Bool) throws
    /// Solves `drive`, writes every device's voltage into `deviceVoltages` and returns the
    /// voltages of the lines' first nodes, rows then columns.
    func solve(_ drive: LineDrive, deviceVoltages: inout Matrix<Double>) throws -> [Double]
    /// Conductance between a line's source and its first node, siemens.
    var endConductance: Double { get }
    var counts: SolverCounts { get }
    var warmStarts: Bool { get set }
}

/// Which solver a wired write uses for lines with segments (lines without segments are one
/// node each, and always go to ``CrossbarNetwork``).
public enum WiredWriteSolver: String, Sendable, CaseIterable {
    /// ``CrossbarLineSolver``: CG on the row lines' nodes, preconditioned by the row lines; nothing factored.
    case lines
    /// ``CrossbarNetwork``: CHOLMOD's factor, kept over a step to precondition CG.
    case cholesky
}

extension CrossbarLineSolver: WiredSlotSolver {
    func update(conductances: Matrix<Double>, first: Bool) throws { try update(conductances: conductances) }
}

/// The factor-based network: refactored at a step's first slot when `refactorsEachStep`, else
/// its stale factor preconditions CG (``CrossbarNetwork/update(conductances:refactor:)``).
final class CholeskySlotSolver: WiredSlotSolver {
    let network: CrossbarNetwork
    let refactorsEachStep: Bool

    init(_ network: CrossbarNetwork, refactorsEachStep: Bool) {
        self.network = network
        self.refactorsEachStep = refactorsEachStep
    }

    var endConductance: Double { network.endConductance }
    var counts: SolverCounts { network.counts }
    var warmStarts: Bool {
        get { network.warmStarts }
        set { network.warmStarts = newValue }
    }

    func update(conductances: Matrix<Double>, first: Bool) throws {
        try network.update(conductances: conductances, refactor: first && refactorsEachStep)
    }

    func solve(_ drive: LineDrive, deviceVoltages: inout Matrix<Double>) throws -> [Double] {
        let nodes = try network.nodeVoltages([drive])[0]
        let (rows, cols) = (network.rows, network.cols)
        deviceVoltages = Matrix(rows: rows, cols: cols) { i, j in nodes[self.network.rowNode(i, j)] - nodes[self.network.columnNode(j, i)] }
        return (0..<rows).map { nodes[network.rowNode($0, 0)] } + (0..<cols).map { nodes[network.columnNode($0, 0)] }
    }
}

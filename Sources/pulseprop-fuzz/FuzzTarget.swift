import Foundation
import PulseProp

/// The readers of untrusted input, each as a function of raw bytes. A target may throw (a
/// refused input is the reader doing its job); it must never crash.
enum FuzzTarget: String, CaseIterable {
    /// IDX images and labels (`train --data`), uncompressed.
    case idx
    /// Headerless numeric CSV (`simulate --x/--delta/--state`).
    case csv
    /// Device-parameter JSON (`--device`).
    case device
    /// Calibration JSON (`--calibration`).
    case calibration
    /// Measured conductance-vs-pulse curves (`calibrate --from-measurements`).
    case measured
    /// Equilibrium-propagation checkpoints (`eqprop export --checkpoint`, `eqprop train --resume`).
    case eqpropCheckpoint = "eqprop-checkpoint"
    /// A belief-net checkpoint (`dbn train --resume`), read and validated against its own
    /// configuration and shape, and the weight holder a resume builds from it.
    case dbnCheckpoint = "dbn-checkpoint"
    /// A sweep plan folder's `plan.json` header and a run's `status.json` (`sweep run/status`).
    case plan

    /// Feeds `bytes` to the reader; returns whether it accepted them.
    func run(_ bytes: [UInt8]) -> Bool {
        let name = "fuzz-input"
        do {
            switch self {
            case .idx:
                let file = try IDXFile(bytes: bytes, name: name)
                // What Dataset does with a file: every partial product of the dimensions.
                _ = file.dimensions.dropFirst().reduce(1, *)
            case .csv:
                let rows = try NumericCSV.rows(text: String(decoding: bytes, as: UTF8.self), name: name)
                _ = Matrix(rows.filter { $0.count == rows.first?.count })
            case .device:
                let device = try Device.decode(Data(bytes), name: name)
                try CrossbarCircuit(device: device).validate()
            case .calibration:
                let calibration = try PulseResponseCalibration.decode(Data(bytes), name: name)
                // What the analytic engine does with a table: compose it for a few pulses.
                let step = try LearningStep(rowCounts: [3], columnCounts: [-3], slotsPerPhase: 3)
                let circuit = CrossbarCircuit(
                    device: calibration.device ?? .threshold(ThresholdDevice(
                        onConductance: calibration.onConductance, offConductance: calibration.offConductance)),
                    shape: calibration.shape ?? PulseShape())
                _ = try AnalyticEngine(circuit: circuit, calibration: calibration)
                    .run(step, from: Matrix(rows: 1, cols: 1, elements: [0.5]))
                // What a wire-aware engine does: one pulse at amplitudes around the grid.
                let table = AmplitudeResponseTable(calibration)
                for kind in [LearningPhase.Kind.potentiation, .depression] {
                    for v in table.amplitudes(kind) + [0, 0.95, 1.5, 2.5] {
                        _ = table.state(afterPulseOf: kind, amplitude: v, from: 0.37)
                    }
                }
            case .measured:
                _ = try MeasuredResponseImporter(gridStates: 11).calibration(text: String(decoding: bytes, as: UTF8.self), name: name)
            case .eqpropCheckpoint:
                let checkpoint = try EqPropCheckpoint.decode(Data(bytes), name: name)
                // What `eqprop export` does with one: the netlist of its network's free phase.
                let network = checkpoint.network
                _ = try EqPropNetlist(network: network, input: Array(repeating: 0.5, count: network.inputs), nudge: nil)
            case .dbnCheckpoint:
                try Self.dbnCheckpoint(Data(bytes), name: name)
            case .plan:
                try Self.plan(Data(bytes))
            }
            return true
        } catch {
            return false
        }
    }
}

extension FuzzTarget {
    /// What `dbn train --resume` does with a checkpoint: read and check it against the
    /// configuration and data shape it claims, then (small nets, no circuit engine) build the
    /// weight holder from its saved state and find the next epoch.
    static func dbnCheckpoint(_ data: Data, name: String) throws {
        let claimed = try SnakeCaseJSON.decode(BeliefNetCheckpoint.self, from: data)
        try claimed.configuration.validate()
        guard let features = claimed.net.sizes.first, features > 0 else { return }
        let cost = BeliefNetCost(configuration: claimed.configuration, features: features, classes: claimed.net.classes)
        try cost.check(MemoryBudget(limit: 256e6))
        var checkpoint = try BeliefNetCheckpoint.read(
            data: data, path: name, configuration: claimed.configuration, features: features, classes: claimed.net.classes)
        _ = (checkpoint.next, checkpoint.epochsLeft, checkpoint.epochsTrained)
        if checkpoint.configuration.engine == nil, cost.parameters <= 100_000 {
            _ = try BeliefNetWeights(configuration: checkpoint.configuration, checkpoint: &checkpoint)
        }
    }

    /// A plan folder in the temporary directory (one per process).
    private static let planFolder: SweepFolder = {
        let path = NSTemporaryDirectory() + "pulseprop-fuzz-plan-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return SweepFolder(path)
    }()

    /// The bytes as a run's `status.json` (a refusal there is expected of a plan) and as a plan
    /// folder's `plan.json` (its header and the status of its first runs).
    static func plan(_ data: Data) throws {
        let folder = planFolder
        let status = folder.file("status.json")
        try data.write(to: URL(fileURLWithPath: folder.planPath))
        try data.write(to: URL(fileURLWithPath: status))
        _ = (try? RunStatus.read(at: status))??.failureReason
        let header = try folder.header()
        for run in header.runs.prefix(8) { _ = try folder.status(of: run) }
    }
}

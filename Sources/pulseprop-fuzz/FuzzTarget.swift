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
            case .measured:
                _ = try MeasuredResponseImporter(gridStates: 11).calibration(text: String(decoding: bytes, as: UTF8.self), name: name)
            case .eqpropCheckpoint:
                let checkpoint = try EqPropCheckpoint.decode(Data(bytes), name: name)
                // What `eqprop export` does with one: the netlist of its network's free phase.
                let network = checkpoint.network
                _ = try EqPropNetlist(network: network, input: Array(repeating: 0.5, count: network.inputs), nudge: nil)
            }
            return true
        } catch {
            return false
        }
    }
}

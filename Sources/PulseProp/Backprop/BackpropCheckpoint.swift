import Foundation

/// Everything needed to continue a run exactly where it stopped: a resumed run equals one that
/// never stopped, bit for bit, for ideal and device weights and every engine.
///
/// Written as `checkpoint.json` with snake_case keys (like every file PulseProp writes).
/// Checkpoints written before the keys were snake_case (camelCase, without device states or
/// monitor record) are still read: their keys decode alike, and a device run resumed from one
/// reprograms its devices from the float weights, as it did then (not bit-exact).
public struct BackpropCheckpoint: Codable, Equatable, Sendable {
    /// The run's configuration.
    public var configuration: BackpropConfiguration
    /// The network after the last finished epoch.
    public var network: Network
    /// The random generator after the last finished epoch (data order continues from it).
    public var generator: SeededGenerator
    /// Learning rate for the next epoch (the pulse gain, for device weights).
    public var nextLearningRate: Double
    /// Finished epochs.
    public var history: [BackpropEpoch]
    /// Device states of both crossbars in full precision (device weights).
    public var devices: DeviceStates?
    /// The circuit monitor's running record (device weights).
    public var monitor: CircuitMonitor.State?
    /// The stochastic-rounding dither generator of float weights (`--rounding stochastic`).
    public var roundingDither: SeededGenerator?
    /// The tiles device weights' layers were laid out on (`--tile-rows`, `--tile-cols`); absent
    /// for untiled crossbars, float weights and checkpoints written before tiles (all untiled).
    public var tiling: CrossbarTiling?

    /// Creates a checkpoint of a run that has not started yet.
    public init(configuration: BackpropConfiguration, network: Network, generator: SeededGenerator) {
        self.configuration = configuration
        self.network = network
        self.generator = generator
        nextLearningRate = configuration.learningRate
        history = []
    }

    /// Reads the checkpoint at `path` (snake_case or older camelCase keys) and checks it
    /// against the data it will train on; every problem is a ``DataError`` naming the file and
    /// the first bad field.
    public static func read(path: String, data: Data, features: Int, classes: Int) throws -> BackpropCheckpoint {
        let checkpoint: BackpropCheckpoint
        do {
            checkpoint = try SnakeCaseJSON.decode(BackpropCheckpoint.self, from: data)
        } catch {
            throw DataError(path, "is not a readable checkpoint: \(SnakeCaseJSON.reason(error))")
        }
        do {
            try checkpoint.validate(features: features, classes: classes)
        } catch let error as ParameterError {
            throw DataError(path, "is not a usable checkpoint: field \(error.parameter) \(error.problem)")
        }
        return checkpoint
    }

    /// The checkpoint as written to `checkpoint.json`: compact, sorted snake_case keys.
    public func json() throws -> Data {
        try SnakeCaseJSON.encode(self, pretty: false)
    }

    /// Checks every field against the configuration and the data's shape (`features` inputs,
    /// `classes` outputs), naming the first bad field by its JSON path.
    public func validate(features: Int, classes: Int) throws {
        try configuration.validate()
        let net = network
        try require(net.inputs == features, "network.inputs", "is \(net.inputs); the data has \(features) features")
        try require(net.outputs == classes, "network.outputs", "is \(net.outputs); the data has \(classes) classes")
        try require(net.hidden == configuration.hidden, "network.hidden", "is \(net.hidden); the configuration has \(configuration.hidden)")
        try require(net.activation == configuration.activation, "network.activation", "is \(net.activation.rawValue); the configuration has \(configuration.activation.rawValue)")
        try require(net.layers.count == 2, "network.layers", "holds \(net.layers.count) layers; the network has 2")
        for (index, (layer, shape)) in zip(net.layers, net.layerShapes).enumerated() {
            try layer.validate("network.layers[\(index)]", rows: shape.rows, cols: shape.cols)
        }
        switch configuration.feedback {
        case .const: try requireWeights(net.feedback ?? [], "network.feedback", count: net.hidden * classes)
        case .transposed: try require(net.feedback == nil, "network.feedback", "is present, but the configuration's feedback is transposed")
        }
        try require(
            nextLearningRate > 0 && Float(nextLearningRate).isFinite, "next_learning_rate",
            "must be a finite value > 0 (in single precision), got \(nextLearningRate)")
        try require(history.count <= configuration.epochs, "history", "holds \(history.count) epochs, more than the configuration's \(configuration.epochs)")
        for (index, record) in history.enumerated() {
            try require(record.epoch == index + 1, "history[\(index)].epoch", "is \(record.epoch), expected \(index + 1)")
            if let circuit = record.circuit {
                try require(
                    circuit.deviceEnergy.count == 2 && circuit.driverEnergy.count == 2, "history[\(index)].circuit",
                    "must hold the energy of both phases in device_energy and driver_energy")
            }
        }
        if let devices {
            guard let mapping = configuration.mapping else {
                throw ParameterError("devices", "are present, but the configuration's weights are ideal")
            }
            try devices.validate(layers: net.layers, mapping: mapping)
            for (index, (layer, held)) in zip(net.layers, devices.layers).enumerated() {
                try require(
                    layer.values == mapping.weights(of: held), "network.layers[\(index)]",
                    "does not match the weights held by devices.layers[\(index)]")
            }
        }
        try monitor?.validate(layers: net.layers, columnsPerWeight: configuration.mapping?.columnsPerWeight ?? 1)
    }

    private func requireWeights(_ values: [Float], _ field: String, count: Int) throws {
        try require(values.count == count, field, "holds \(values.count) values; the network needs \(count)")
        try require(values.allSatisfy(\.isFinite), field, "holds a value that is not finite")
    }
}

/// The checks an ``EqPropCheckpoint`` passes on load (as ``BeliefNetCheckpoint/read(path:configuration:features:classes:)``
/// checks a belief-net checkpoint): a checkpoint with states outside `[0, 1]`, `beta ≤ 0` or
/// `thermal_voltage` 0 would otherwise be exported as a negative resistor or a reversed nudge,
/// and one whose sizes disagree with its state matrices would crash the netlist writer.
extension EqPropCheckpoint {
    /// Checks every field, throwing a ``ParameterError`` whose parameter is the field's path as
    /// the file spells it (`network.hidden_states`, `configuration.beta`,
    /// `network.neuron.thermal_voltage`).
    public func validate() throws {
        try Self.field("network.device.") { try EqPropNetwork.validate(device: network.device) }
        let threshold = min(network.device.setThreshold, network.device.resetThreshold)
        try Self.field("network.neuron.") { try network.neuron.validate(threshold: threshold) }
        try Self.field("network.") { try network.validate() }
        try require(configuration.device == network.device, "configuration.device", "differs from network.device")
        try require(configuration.neuron == network.neuron, "configuration.neuron", "differs from network.neuron")
        try require(
            configuration.hidden == network.hidden, "configuration.hidden", "is \(configuration.hidden); the network has \(network.hidden)")
        try Self.field("configuration.") { try configuration.validate() }
        try require(
            history.count <= configuration.epochs, "history", "holds \(history.count) epochs; the run has \(configuration.epochs)")
    }

    /// Runs `check`, renaming a ``ParameterError``'s parameter to `prefix` + its snake-case name.
    private static func field(_ prefix: String, _ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as ParameterError {
            throw ParameterError(prefix + snakeCase(error.parameter), error.problem)
        }
    }

    /// `onConductance` → `on_conductance`, `thermal-voltage` → `thermal_voltage`.
    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character == "-" {
                result.append("_")
            } else if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
    }
}

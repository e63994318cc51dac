/// The options a checkpoint fixes: `eqprop export --checkpoint` exports the checkpoint's
/// network, so a `--hidden`, `--device` or neuron voltage that differs from it would be
/// accepted and ignored; it is refused instead.
extension EqPropCheckpoint {
    /// Throws a ``ParameterError`` naming the first given option that differs from the value
    /// this checkpoint (read from `path`) fixes.
    public func requireAgreement(
        path: String, hidden: Int? = nil, device: Device? = nil, clampVoltage: Double? = nil, thermalVoltage: Double? = nil,
        outputAmplitude: Double? = nil
    ) throws {
        func check<T: Equatable>(_ option: String, _ given: T?, _ fixed: T) throws {
            guard let given, given != fixed else { return }
            throw ParameterError(option, "is fixed at \(fixed) by the checkpoint \(path), got \(given): leave it out or give the same value")
        }
        try check("hidden", hidden, network.hidden)
        if let device, device != network.device {
            throw ParameterError("device", "is fixed by the checkpoint \(path), got another device: leave it out")
        }
        try check("clamp-voltage", clampVoltage, network.neuron.clampVoltage)
        try check("thermal-voltage", thermalVoltage, network.neuron.thermalVoltage)
        try check("output-amplitude", outputAmplitude, network.neuron.outputAmplitude)
    }
}

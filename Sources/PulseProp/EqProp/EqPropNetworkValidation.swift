/// The checks of an ``EqPropNetwork`` that did not come from its initializer (a checkpoint):
/// sizes within the device limit, state matrices of the sizes' shapes, every state in `[0, 1]`,
/// a device whose conductances an equilibrium can be solved with (a Verilog-A one checked and
/// measured), and neurons whose sources keep every device below its thresholds.
extension EqPropNetwork {
    /// The conductances, siemens, an equilibrium is solved with: a device outside (a 1 Ω or a
    /// 1 PΩ memristor, let alone `G_on = 1e300`) makes the node equations overflow or lose
    /// every digit against the 1 µS leak.
    public static let conductanceRange = 1e-15...1.0

    /// Checks `device` as an ``EqPropNetwork``'s: valid, with both conductances in
    /// ``conductanceRange`` (a Verilog-A device's as ``VerilogADeviceCheck`` measured them).
    public static func validate(device: Device) throws {
        try device.validate()
        if let own = device.verilogA, own.conductance == nil {
            throw ParameterError(
                "device", "the Verilog-A device \(own.module) has no measured conductances: run its check (VerilogADeviceCheck) first")
        }
        for (name, g) in [("onConductance", device.onConductance), ("offConductance", device.offConductance)] {
            try require(
                conductanceRange.contains(g), name,
                "must lie within \(conductanceRange.lowerBound)...\(conductanceRange.upperBound) S for an equilibrium to be solved, got \(g) S")
        }
    }

    /// Checks every field, naming the first that is wrong (`hidden_states`,
    /// `output_states`, or the size, device or neuron field).
    public func validate() throws {
        for (name, size) in [("inputs", inputs), ("hidden", hidden), ("outputs", outputs)] {
            try require(
                size >= 1 && size <= Self.largestDeviceCount, name, "must be in 1...\(Self.largestDeviceCount), got \(size)")
        }
        let (hiddenColumns, outputRows, outputColumns) = (2 * inputs + 2, 2 * outputs, hidden + 2)
        let devices = hidden * hiddenColumns + outputRows * outputColumns
        try require(
            devices <= Self.largestDeviceCount, "hidden",
            "\(inputs)-\(hidden)-\(outputs) needs \(devices) devices, more than \(Self.largestDeviceCount)")
        for (name, states, rows, cols) in [
            ("hidden_states", hiddenStates, hidden, hiddenColumns), ("output_states", outputStates, outputRows, outputColumns),
        ] {
            try require(
                states.rows == rows && states.cols == cols, name,
                "is \(states.rows)×\(states.cols); \(inputs) inputs, \(hidden) hidden and \(outputs) outputs need \(rows)×\(cols)")
            if let k = states.elements.firstIndex(where: { !(0...1).contains($0) }) {
                throw ParameterError(name, "holds \(states.elements[k]) at row \(k / cols), column \(k % cols); states lie in [0, 1]")
            }
        }
        try Self.validate(device: device)
        try neuron.validate(threshold: min(device.setThreshold, device.resetThreshold))
    }
}

/// The physical crossbar a learning step runs on: its devices, its pulses and its wires.
public struct CrossbarCircuit: Codable, Equatable, Sendable {
    /// The device model every cross-point holds.
    public var device: Device
    /// Amplitudes and timing of the learning pulses.
    public var shape: PulseShape
    /// Line and driver resistances.
    public var wiring: CrossbarWiring

    /// Creates a circuit description; everything defaults to the metal-oxide, ideal-wire case.
    public init(device: Device = .metalOxide, shape: PulseShape = PulseShape(), wiring: CrossbarWiring = .ideal) {
        self.device = device
        self.shape = shape
        self.wiring = wiring
    }

    /// Validates device, pulses (against the device thresholds) and wiring.
    public func validate() throws {
        try device.validate()
        try shape.validate(for: device.switching)
        try wiring.validate()
    }
}

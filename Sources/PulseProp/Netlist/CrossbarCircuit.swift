/// The physical crossbar a learning step runs on: its devices, its pulses and its wires.
public struct CrossbarCircuit: Codable, Equatable, Sendable {
    /// The device model every cross-point holds.
    public var device: Device
    /// Amplitudes and timing of the learning pulses.
    public var shape: PulseShape
    /// Line and driver resistances.
    public var wiring: CrossbarWiring
    /// Device-to-device variation and stuck devices (none by default).
    public var variation: DeviceVariation
    /// How each layer is laid out on crossbars (one per layer by default, ``CrossbarTiling``).
    public var tiling: CrossbarTiling

    /// Creates a circuit description; everything defaults to the metal-oxide, ideal-wire case.
    public init(device: Device = .metalOxide, shape: PulseShape = PulseShape(), wiring: CrossbarWiring = .ideal,
        variation: DeviceVariation = .none, tiling: CrossbarTiling = .whole
    ) {
        self.device = device
        self.shape = shape
        self.wiring = wiring
        self.variation = variation
        self.tiling = tiling
    }

    /// Validates device, pulses (against the device thresholds) and wiring.
    public func validate() throws {
        try device.validate()
        if !variation.isNone { try requireThresholdFamily(for: "device-to-device variation and stuck devices") }
        try shape.validate(for: device.switching)
        try wiring.validate()
        try variation.validate()
        try tiling.validate()
    }

    /// The crossbars a `rows × cols` layer of this circuit is laid out on (``CrossbarTiling``).
    public func tiles(rows: Int, cols: Int) -> [CrossbarTile] { tiling.tiles(rows: rows, cols: cols) }

    /// Throws unless the device is described by threshold-family equations, which `feature`
    /// (variation, cycle-to-cycle noise: doses scaled through those equations) is built on; a
    /// Verilog-A device's equations are its module's, which PulseProp does not know.
    public func requireThresholdFamily(for feature: String) throws {
        if device.verilogA != nil { throw VerilogADeviceError.needsThresholdFamily(feature: feature) }
    }

    /// Every device of a `rows × cols` crossbar of this circuit.
    public func population(rows: Int, cols: Int) -> DevicePopulation {
        DevicePopulation(device: device, variation: variation, rows: rows, cols: cols)
    }
}

extension CrossbarCircuit {
    private enum CodingKeys: String, CodingKey { case device, shape, wiring, variation, tiling }

    /// Decodes a circuit; `variation` may be absent (none), `tiling` too (one crossbar per
    /// layer, as every circuit was before tiles).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            device: try c.decode(Device.self, forKey: .device), shape: try c.decode(PulseShape.self, forKey: .shape),
            wiring: try c.decode(CrossbarWiring.self, forKey: .wiring),
            variation: try c.decodeIfPresent(DeviceVariation.self, forKey: .variation) ?? .none,
            tiling: try c.decodeIfPresent(CrossbarTiling.self, forKey: .tiling) ?? .whole)
    }

    /// Encodes a circuit; an untiled one leaves `tiling` out, so its JSON is what it was.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(device, forKey: .device)
        try c.encode(shape, forKey: .shape)
        try c.encode(wiring, forKey: .wiring)
        try c.encode(variation, forKey: .variation)
        if !tiling.isWhole { try c.encode(tiling, forKey: .tiling) }
    }
}

/// Which engine simulates a circuit: the crossbars of a device-weight network, or the
/// equilibria of an equilibrium-propagation network.
public enum EngineKind: String, Codable, CaseIterable, Sendable {
    /// The calibrated analytic engine (fast; wire-aware when the wiring is not ideal,
    /// ``WiredAnalyticEngine``), or the analytic Newton solver.
    case analytic
    /// ngspice: one transient per crossbar per example (small networks only), or its operating point.
    case spice
}

/// The physical side of device-weight training: the crossbar circuit, its calibration and
/// the engine that simulates it. Builds the ``DeviceWeightUpdater`` for a network.
public struct CrossbarHardware: Sendable {
    /// Devices, pulses and wires of every crossbar.
    public var circuit: CrossbarCircuit
    /// Engine that applies the learning steps.
    public var engine: EngineKind
    /// Calibration file for the analytic engine (nil: the shipped one).
    public var calibrationPath: String?

    /// Creates a hardware description.
    public init(circuit: CrossbarCircuit = CrossbarCircuit(), engine: EngineKind = .analytic, calibrationPath: String? = nil) {
        self.circuit = circuit
        self.engine = engine
        self.calibrationPath = calibrationPath
    }

    /// Whether engines report energy (SPICE integrates it, the analytic engine estimates it).
    public var measureEnergy = true
    /// Whether the forward pass reads the crossbars in SPICE (sub-threshold `.op`) instead of
    /// computing the ideal matrix product.
    public var spiceRead = false
    /// Whether the analytic forward pass reads the crossbars through their wires
    /// (``WiredReader``) when the wiring is not ideal; with ideal wiring, and when off, the
    /// forward pass is the ideal matrix product (the same code, bit for bit).
    public var wiredRead = false
    /// Largest row voltage of a SPICE or wired read, V (below both thresholds).
    public var readVoltage = 0.2
    /// Device form of the SPICE engines (compiled code model or B-source subcircuit).
    public var spiceModel = SpiceModelChoice.auto
    /// Linear solver of the SPICE engines and reads (KLU where the library has it, by default).
    public var spiceSolver = SpiceSolver.auto
    /// ngspice's `reltol` for the SPICE engines' transients (nil: ngspice's default, 1e-3).
    public var spiceRelativeTolerance: Double?
    /// Whether SPICE runs the two crossbars' steps of an example concurrently (one simulator
    /// each, on two cores; bit-identical to running them in turn).
    public var concurrentLayers = true

    /// The calibrated wire-free analytic engine for this circuit: the pulse response a
    /// refresh plans with, and the write engine with ideal wiring.
    public func analyticEngine() throws -> AnalyticEngine {
        let engine = try AnalyticEngine(
            circuit: circuit, calibration: PulseResponseCalibration.resolve(path: calibrationPath, for: circuit))
        engine.estimatesEnergy = measureEnergy
        return engine
    }

    /// The analytic engine that applies learning steps: with ideal wiring the wire-free
    /// ``AnalyticEngine`` (``analyticEngine()``), else the wire-aware ``WiredAnalyticEngine``,
    /// whose calibration must have an amplitude axis (``CalibrationError/noAmplitudeAxis(file:command:)``).
    public func analyticWriteEngine() throws -> CrossbarEngine {
        guard !circuit.wiring.isIdeal else { return try analyticEngine() }
        let calibration = try PulseResponseCalibration.resolve(path: calibrationPath, for: circuit, needsAmplitudeAxis: true)
        let engine = try WiredAnalyticEngine(circuit: circuit, calibration: calibration, calibrationName: calibrationPath ?? "calibration")
        engine.estimatesEnergy = measureEnergy
        return engine
    }

    /// The forward pass's read of the crossbars holding weights in `[−weightRange, weightRange]`
    /// as `kind` lays them out: in SPICE with ``spiceRead`` (against a reference column only),
    /// through the wired network with ``wiredRead`` and non-ideal wiring (against a reference
    /// column, or pairs as `I⁺ − I⁻` from the layers' `deviceStates`), else nil (the ideal product).
    public func readout(
        weightRange: Double, kind: WeightMapping.Kind = .reference, deviceStates: ((Int) -> Matrix<Double>)? = nil
    ) throws -> CircuitReadout? {
        let mapping = WeightMapping(kind, maxWeight: weightRange)
        if spiceRead {
            try require(kind == .reference, "spice-read", "reads a device against the reference column: use --weights reference")
            return try CircuitReadout(circuit: circuit, mapping: mapping, readVoltage: readVoltage, solver: spiceSolver)
        }
        guard wiredRead, !circuit.wiring.isIdeal else { return nil }
        let reader = try WiredReader(circuit: circuit, readVoltage: readVoltage, columns: kind == .pair ? .pairs : .reference)
        return try CircuitReadout(reader: reader, mapping: mapping, deviceStates: deviceStates)
    }

    /// A new engine of the configured kind for one crossbar.
    public func makeEngine(_ kind: EngineKind? = nil) throws -> CrossbarEngine {
        switch kind ?? engine {
        case .analytic: return try analyticWriteEngine()
        case .spice:
            return try SpiceEngine(
                circuit: circuit, measureEnergy: measureEnergy, model: spiceModel, solver: spiceSolver, relativeTolerance: spiceRelativeTolerance)
        }
    }

    /// The updater that holds `network`'s weights in crossbars of this hardware, one per layer, starting
    /// from `saved` device states when a checkpoint has them.
    public func updater(
        for network: Network, saved: DeviceStates? = nil, configuration: BackpropConfiguration
    ) throws -> DeviceWeightUpdater {
        guard let encoding = configuration.encoding, let mapping = configuration.mapping else {
            throw ParameterError("levels", "device weights are updated by whole pulses: give --levels ≥ 1")
        }
        // Each layer's crossbar draws its own device-to-device pattern, unless the run began
        // when all shared one.
        let engines = try network.layers.indices.map { layer in
            var hardware = self
            hardware.circuit.variation = circuit.variation.forLayer(layer, pattern: configuration.variationPattern)
            return try hardware.makeEngine()
        }
        if configuration.c2c > 0 {
            try circuit.requireThresholdFamily(for: "cycle-to-cycle noise")
            // Each crossbar's noise has its own stream, seeded from the run's seed.
            for (layer, engine) in engines.enumerated() {
                engine.cycleNoise = CycleToCycleNoise(sigma: configuration.c2c, seed: configuration.seed &+ 0xC2C0 &+ UInt64(layer))
            }
        }
        let refresh = PairRefresh(every: configuration.refreshEvery, saturation: configuration.refreshSaturation)
        let updater = try DeviceWeightUpdater(
            layers: network.layers, saved: saved, engines: engines, encoding: encoding,
            mapping: mapping, scheme: configuration.update, refresh: refresh,
            response: refresh.isEnabled ? analyticEngine() : nil, seed: configuration.seed, write: configuration.write,
            threshold: configuration.writeThreshold, pairStart: configuration.resolvedPairStart)
        try circuit.tiling.validate(layers: updater.states)
        updater.runsLayersConcurrently = engine == .spice && concurrentLayers
        return updater
    }
}

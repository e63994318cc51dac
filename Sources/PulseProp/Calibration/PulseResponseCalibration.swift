import Foundation

/// A device's per-pulse response: the state after one full-amplitude pulse of each polarity,
/// as a function of the state before it, tabulated on a grid.
///
/// JSON schema (version 1), keys as below:
///
/// | key | type | meaning |
/// |---|---|---|
/// | `schema_version` | int | 1 |
/// | `source` | string | `ngspice` or `measurements` |
/// | `origin` | string | ngspice version or the measurement file's name |
/// | `device` | object or null | the ``Device`` simulated, with its `kind` (null for measurements) |
/// | `shape` | object or null | the `PulseShape` simulated (null for measurements) |
/// | `on_conductance`, `off_conductance` | number | conductance at state 1 and 0, siemens |
/// | `states` | [number] | grid of states, increasing, from 0 to 1 |
/// | `potentiation` | [number] | state after one SET pulse from each grid state |
/// | `depression` | [number] | state after one RESET pulse from each grid state |
/// | `fit` | object | `rms_state_error`, `max_state_error`, `samples`: iterated response vs the source's own multi-pulse sequences |
public struct PulseResponseCalibration: Codable, Equatable, Sendable {
    /// How well the iterated per-pulse response reproduces the source's pulse sequences.
    public struct Fit: Codable, Equatable, Sendable {
        /// RMS state error over all compared samples (state units, range 1).
        public var rmsStateError: Double
        /// Largest state error.
        public var maxStateError: Double
        /// Number of compared samples.
        public var samples: Int

        /// Creates a fit record.
        public init(rmsStateError: Double, maxStateError: Double, samples: Int) {
            self.rmsStateError = rmsStateError
            self.maxStateError = maxStateError
            self.samples = samples
        }
    }

    /// Schema version, 1.
    public var schemaVersion: Int = 1
    /// `ngspice` or `measurements`.
    public var source: String
    /// ngspice version or measurement file name.
    public var origin: String
    /// Device parameters the table was simulated with (nil for measurements).
    public var device: Device?
    /// Pulse shape the table was simulated with (nil for measurements).
    public var shape: PulseShape?
    /// Conductance at state 1, siemens.
    public var onConductance: Double
    /// Conductance at state 0, siemens.
    public var offConductance: Double
    /// State grid, increasing from 0 to 1.
    public var states: [Double]
    /// State after one SET pulse from each grid state.
    public var potentiation: [Double]
    /// State after one RESET pulse from each grid state.
    public var depression: [Double]
    /// Fit error of the iterated response.
    public var fit: Fit

    /// Creates a calibration; call ``validate()`` before use.
    public init(
        source: String, origin: String, device: Device?, shape: PulseShape?, onConductance: Double,
        offConductance: Double, states: [Double], potentiation: [Double], depression: [Double], fit: Fit
    ) {
        self.source = source
        self.origin = origin
        self.device = device
        self.shape = shape
        self.onConductance = onConductance
        self.offConductance = offConductance
        self.states = states
        self.potentiation = potentiation
        self.depression = depression
        self.fit = fit
    }

    /// Checks the table: finite values in `[0, 1]`, an increasing grid from 0 to 1, responses
    /// that preserve order (a higher state never ends below a lower one) and move the right way.
    public func validate(name: String = "calibration") throws {
        func fail(_ problem: String) -> DataError { DataError(name, problem) }
        guard schemaVersion == 1 else { throw fail("has schema_version \(schemaVersion); this PulseProp reads 1") }
        guard states.count >= 2 else { throw fail("needs at least 2 grid states, has \(states.count)") }
        guard potentiation.count == states.count, depression.count == states.count else {
            throw fail("has \(states.count) states but \(potentiation.count) potentiation and \(depression.count) depression entries")
        }
        guard onConductance > offConductance, offConductance > 0 else {
            throw fail("needs on_conductance > off_conductance > 0, got \(onConductance) and \(offConductance)")
        }
        for (key, values) in [("states", states), ("potentiation", potentiation), ("depression", depression)] {
            if let k = values.firstIndex(where: { !$0.isFinite }) { throw fail("has a non-finite \(key) entry at index \(k)") }
            if let k = values.firstIndex(where: { $0 < 0 || $0 > 1 }) { throw fail("has \(key)[\(k)] = \(values[k]) outside [0, 1]") }
        }
        guard states.first == 0, states.last == 1 else { throw fail("states must run from 0 to 1") }
        for k in 1..<states.count {
            guard states[k] > states[k - 1] else { throw fail("states are not increasing at index \(k)") }
            guard potentiation[k] >= potentiation[k - 1] else { throw fail("potentiation is non-monotonic at index \(k)") }
            guard depression[k] >= depression[k - 1] else { throw fail("depression is non-monotonic at index \(k)") }
        }
        for k in 0..<states.count {
            guard potentiation[k] >= states[k] - 1e-12 else { throw fail("potentiation lowers the state at index \(k)") }
            guard depression[k] <= states[k] + 1e-12 else { throw fail("depression raises the state at index \(k)") }
        }
    }

    /// Throws unless this table was simulated for `circuit`'s device and pulses (a table from
    /// measurements matches any circuit with the same conductance range).
    public func requireMatch(_ circuit: CrossbarCircuit, name: String = "calibration") throws {
        if let device, device != circuit.device {
            throw DataError(name, "was made for other device parameters than the ones requested (\(Self.difference(device, circuit.device)))")
        }
        if let shape, shape != circuit.shape {
            throw DataError(name, "was made for other pulse amplitudes or timing than the ones requested")
        }
        if device == nil,
           abs(onConductance - circuit.device.onConductance) > 1e-12 * onConductance
            || abs(offConductance - circuit.device.offConductance) > 1e-12 * offConductance
        {
            throw DataError(name, "has a conductance range [\(offConductance), \(onConductance)] S other than the device's")
        }
    }

    private static func difference(_ a: Device, _ b: Device) -> String {
        guard a.kind == b.kind else { return "kind: file \(a.kind), requested \(b.kind)" }
        let mirror = zip(Mirror(reflecting: a.model).children, Mirror(reflecting: b.model).children)
        return mirror.compactMap { x, y in
            "\(x.value)" == "\(y.value)" ? nil : "\(x.label ?? "?"): file \(x.value), requested \(y.value)"
        }.joined(separator: "; ")
    }

    /// Reads and validates a calibration file.
    public static func load(path: String) throws -> PulseResponseCalibration {
        try decode(InputFile.data(atPath: path), name: path)
    }

    /// Decodes and validates calibration JSON; a missing or mistyped field is named.
    public static func decode(_ data: Data, name: String) throws -> PulseResponseCalibration {
        let calibration: PulseResponseCalibration
        do {
            calibration = try SnakeCaseJSON.decode(PulseResponseCalibration.self, from: data)
        } catch {
            throw DataError(name, "is not a calibration file: \(SnakeCaseJSON.reason(error))")
        }
        try calibration.validate(name: name)
        return calibration
    }

    /// Pretty JSON with snake_case keys.
    public func json() throws -> Data {
        try SnakeCaseJSON.encode(self)
    }
}

extension PulseResponseCalibration {
    /// The calibration shipped for the default metal-oxide device and default pulses
    /// (`calibrations/metal-oxide.json`, regenerated by `scripts/calibrate-default`).
    public static func shipped() throws -> PulseResponseCalibration {
        try shipped(preset: DevicePreset.all[0].name)
    }

    /// The shipped calibration of `preset` (`calibrations/<name>.json`, one per preset made by
    /// `scripts/calibrate-default` with the default pulses).
    public static func shipped(preset name: String) throws -> PulseResponseCalibration {
        guard let text = EmbeddedCalibrations.files["\(name).json"] else {
            throw DataError("calibrations/\(name).json", "is not embedded: run scripts/calibrate-default")
        }
        return try decode(Data(text.utf8), name: "calibrations/\(name).json")
    }

    /// The calibration at `path`, or when `path` is nil the shipped one of the preset whose
    /// device `circuit` holds; either must match `circuit`'s device and pulses.
    public static func resolve(path: String?, for circuit: CrossbarCircuit) throws -> PulseResponseCalibration {
        if let path {
            let calibration = try load(path: path)
            try calibration.requireMatch(circuit, name: path)
            return calibration
        }
        if let own = circuit.device.verilogA {
            throw DataError(
                "--calibration", "is needed for the Verilog-A device \(own.source) (none is shipped): run `pulseprop calibrate "
                    + "--device \(own.source) --output FILE` with the same options and pass --calibration FILE")
        }
        let preset = DevicePreset.all.first { $0.device == circuit.device } ?? DevicePreset.all[0]
        let calibration = try shipped(preset: preset.name)
        do {
            try calibration.requireMatch(circuit, name: "the shipped calibration")
        } catch let error as DataError {
            throw DataError(
                error.path, error.problem + "; run `pulseprop calibrate` with the same options and pass --calibration FILE")
        }
        return calibration
    }
}

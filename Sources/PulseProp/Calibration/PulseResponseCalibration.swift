import Foundation

/// A device's per-pulse response: the state after one pulse of each polarity, as a function of
/// the state before it, tabulated on a grid — at the full (nominal) amplitude and, from schema
/// version 2, on a grid of pulse amplitudes (``AmplitudeAxis``) for circuits whose wires lower
/// the voltage a device sees.
///
/// JSON schema (version 2; version 1 files, which have no `amplitude_axis`, still load), keys
/// as below:
///
/// | key | type | meaning |
/// |---|---|---|
/// | `schema_version` | int | 2 (1: no amplitude axis) |
/// | `source` | string | `ngspice` or `measurements` |
/// | `origin` | string | ngspice version or the measurement file's name (of the nominal tables) |
/// | `device` | object or null | the ``Device`` simulated, with its `kind` (null for measurements) |
/// | `shape` | object or null | the `PulseShape` simulated (null for measurements) |
/// | `on_conductance`, `off_conductance` | number | conductance at state 1 and 0, siemens |
/// | `states` | [number] | grid of states, increasing, from 0 to 1 |
/// | `potentiation` | [number] | state after one full-amplitude SET pulse from each grid state |
/// | `depression` | [number] | state after one full-amplitude RESET pulse from each grid state |
/// | `fit` | object | `rms_state_error`, `max_state_error`, `samples`: iterated response vs the source's own multi-pulse sequences |
/// | `amplitude_axis` | object, optional | version 2 only; absent: nominal amplitude only (wires are refused) |
/// | `amplitude_axis.origin` | string | ngspice version or measurement file of the other amplitudes' slices |
/// | `amplitude_axis.potentiation`, `.depression` | object | one polarity's slices, below |
/// | `….amplitudes` | [number] | volts across the device (magnitudes), increasing, > 0 |
/// | `….nominal` | number | the full amplitude, one of `amplitudes`; its slice equals the top-level table bit for bit |
/// | `….responses` | [[number]] | per amplitude, the state after one pulse from each grid state; more movement at higher amplitude |
/// | `….fit` | [object] | per amplitude, as `fit` (0 samples for slices fixed by the dead zone) |
/// | `….interpolation_check` | object, optional | `amplitudes` between nodes and, per amplitude, `rms_state_error`, `max_state_error` of the interpolated response against a direct measurement |
/// | `amplitude_axis.fit` | object | as `fit`, over every slice of both polarities |
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

    /// The schema version this PulseProp writes.
    public static let currentSchemaVersion = 2
    /// Schema versions this PulseProp reads.
    public static let readableSchemaVersions = [1, 2]

    /// Schema version: 2 for new calibrations, 1 for files read from version 1.
    public var schemaVersion: Int = Self.currentSchemaVersion
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
    /// Responses at other pulse amplitudes (nil: the nominal amplitude only, as version 1).
    public var amplitudeAxis: AmplitudeAxis?

    /// Creates a calibration; call ``validate()`` before use.
    public init(
        source: String, origin: String, device: Device?, shape: PulseShape?, onConductance: Double,
        offConductance: Double, states: [Double], potentiation: [Double], depression: [Double], fit: Fit,
        amplitudeAxis: AmplitudeAxis? = nil
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
        self.amplitudeAxis = amplitudeAxis
    }

    /// Checks the table: finite values in `[0, 1]`, an increasing grid from 0 to 1, responses
    /// that preserve order (a higher state never ends below a lower one) and move the right way;
    /// and the amplitude axis if there is one (``AmplitudeAxis``).
    public func validate(name: String = "calibration") throws {
        func fail(_ problem: String) -> DataError { DataError(name, problem) }
        guard Self.readableSchemaVersions.contains(schemaVersion) else {
            throw fail("has schema_version \(schemaVersion); this PulseProp reads \(Self.readableSchemaVersions.map(String.init).joined(separator: " and "))")
        }
        guard states.count >= 2 else { throw fail("needs at least 2 grid states, has \(states.count)") }
        guard onConductance > offConductance, offConductance > 0 else {
            throw fail("needs on_conductance > off_conductance > 0, got \(onConductance) and \(offConductance)")
        }
        if let k = states.firstIndex(where: { !$0.isFinite }) { throw fail("has a non-finite states entry at index \(k)") }
        guard states.first == 0, states.last == 1 else { throw fail("states must run from 0 to 1") }
        for k in 1..<states.count where states[k] <= states[k - 1] { throw fail("states are not increasing at index \(k)") }
        try ResponseChecks.check(potentiation, key: "potentiation", states: states, potentiating: true, name: name)
        try ResponseChecks.check(depression, key: "depression", states: states, potentiating: false, name: name)
        if let amplitudeAxis {
            guard schemaVersion >= 2 else { throw fail("has an amplitude_axis, which schema_version \(schemaVersion) does not have") }
            try amplitudeAxis.potentiation.validate(key: "potentiation", states: states, nominalTable: potentiation, name: name)
            try amplitudeAxis.depression.validate(key: "depression", states: states, nominalTable: depression, name: name)
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
    ///
    /// With `needsAmplitudeAxis` (an engine that knows the voltage each device sees), a
    /// calibration without an amplitude axis is refused too
    /// (``CalibrationError/noAmplitudeAxis(file:command:)``, naming the file).
    public static func resolve(
        path: String?, for circuit: CrossbarCircuit, needsAmplitudeAxis: Bool = false
    ) throws -> PulseResponseCalibration {
        if let path {
            let calibration = try load(path: path)
            try calibration.requireMatch(circuit, name: path)
            if needsAmplitudeAxis { try calibration.requireAmplitudeAxis(name: path) }
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
        if needsAmplitudeAxis { try calibration.requireAmplitudeAxis(name: "calibrations/\(preset.name).json") }
        return calibration
    }
}

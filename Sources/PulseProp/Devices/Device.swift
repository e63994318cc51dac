/// One device model of any registered kind: what a circuit holds and device JSON spells.
///
/// The JSON form is the kind's own fields (snake_case) beside a `kind` tag, e.g.
/// `{"kind": "pulse_response", "potentiation_levels": 97, …}`; a file without `kind` is a
/// threshold device (the form calibration files had before kinds existed).
public enum Device: Codable, Equatable, Sendable {
    case threshold(ThresholdDevice)
    case pulseResponse(PulseResponseDevice)
    case verilogA(VerilogADevice)

    /// Every kind, by its tag.
    public static let kinds: [String] = [ThresholdDevice.kind, PulseResponseDevice.kind, VerilogADevice.kind]

    /// The default metal-oxide device.
    public static let metalOxide = Device.threshold(.metalOxide)

    /// The model of whatever kind this is.
    public var model: any DeviceModel {
        switch self {
        case .threshold(let d): return d
        case .pulseResponse(let d): return d
        case .verilogA(let d): return d
        }
    }

    /// The Verilog-A model, when this device is one (the SPICE engine then simulates its
    /// module instead of the threshold subcircuit).
    public var verilogA: VerilogADevice? {
        if case .verilogA(let d) = self { return d }
        return nil
    }

    /// The `kind` tag.
    public var kind: String { type(of: model).kind }
    /// The threshold-family realisation every engine simulates.
    public var switching: ThresholdDevice { model.switching }
    /// SET threshold, volts.
    public var setThreshold: Double { model.setThreshold }
    /// RESET threshold magnitude, volts.
    public var resetThreshold: Double { model.resetThreshold }
    /// ON conductance, siemens.
    public var onConductance: Double { model.onConductance }
    /// OFF conductance, siemens.
    public var offConductance: Double { model.offConductance }

    /// Checks every parameter, naming the first one that is out of range.
    public func validate() throws { try model.validate() }

    /// This device with its thresholds replaced where given (the `--set-threshold` and
    /// `--reset-threshold` options).
    public func withThresholds(set: Double?, reset: Double?) -> Device {
        func apply<M: DeviceModel>(_ m: M) -> M {
            var m = m
            if let set { m.setThreshold = set }
            if let reset { m.resetThreshold = reset }
            return m
        }
        switch self {
        case .threshold(let d): return .threshold(apply(d))
        case .pulseResponse(let d): return .pulseResponse(apply(d))
        case .verilogA(let d): return .verilogA(apply(d))
        }
    }

    private enum KindKey: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decodeIfPresent(String.self, forKey: .kind)
            ?? ThresholdDevice.kind
        switch kind {
        case ThresholdDevice.kind: self = .threshold(try ThresholdDevice(from: decoder))
        case PulseResponseDevice.kind: self = .pulseResponse(try PulseResponseDevice(from: decoder))
        case VerilogADevice.kind: self = .verilogA(try VerilogADevice(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: KindKey.kind, in: try decoder.container(keyedBy: KindKey.self),
                debugDescription: "unknown kind '\(kind)'; known: \(Self.kinds.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        try model.encode(to: encoder)
    }
}

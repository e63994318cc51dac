/// A kind of device model: a physical description that every engine simulates through the
/// threshold family it is realised as (``switching``), with conductance linear in the state.
///
/// Kinds are registered in ``Device/kinds``; ``Device`` is the `Codable` form with a `kind`
/// tag that circuits, calibration files and `--device FILE.json` carry.
public protocol DeviceModel: Codable, Equatable, Sendable {
    /// The `kind` tag of this model in device JSON.
    static var kind: String { get }
    /// The threshold-family parameters that realise this device: the Swift equations
    /// (``ThresholdMemristor``) and the SPICE subcircuit are built from them.
    var switching: ThresholdDevice { get }
    /// SET (potentiation) threshold, volts.
    var setThreshold: Double { get set }
    /// RESET (depression) threshold magnitude, volts.
    var resetThreshold: Double { get set }
    /// Conductance of the fully ON device, siemens.
    var onConductance: Double { get }
    /// Conductance of the fully OFF device, siemens.
    var offConductance: Double { get }
    /// Checks every parameter, naming the first one that is out of range.
    func validate() throws
}

extension ThresholdDevice: DeviceModel {
    /// A threshold device is its own realisation.
    public var switching: ThresholdDevice { self }
}

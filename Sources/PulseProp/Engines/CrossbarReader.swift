/// Reads crossbars for the forward pass (``CircuitReadout``): each read drives the rows with
/// sub-threshold voltages, holds every column at 0 V and returns the column currents less the
/// reference column's, `I_j − I_ref = Σ_i (G_ij − G_ref)·v_i` less what the wires take.
/// ``SpiceReader`` simulates it in ngspice, ``WiredReader`` solves the same circuit directly
/// (and also reads differential pairs, `I⁺ − I⁻`, ``WiredReader/Columns/pairs``).
public protocol CrossbarReader: AnyObject {
    /// Devices and wires of the crossbars read.
    var circuit: CrossbarCircuit { get }
    /// Largest row voltage magnitude, V (below both switching thresholds).
    var readVoltage: Double { get }
    /// What reads, for messages: "SPICE read", "wired read".
    var label: String { get }
    /// `I_j − I_ref`, A, for devices at `states` (R×C in `[0, 1]`) and each row-voltage vector
    /// of `voltages` (R values of magnitude at most ``readVoltage``); a reader of pairs returns
    /// `I_{2j} − I_{2j+1}` (C/2 values).
    func differentialCurrents(states: Matrix<Double>, voltages: [[Double]]) throws -> [[Double]]
}

extension CrossbarCircuit {
    /// Conductance of the read's reference column, `G_ref = (G_on + G_off)/2`, siemens.
    public var referenceConductance: Double { (device.onConductance + device.offConductance) / 2 }

    /// The largest read voltage magnitude allowed: below both switching thresholds, V.
    public var readLimit: Double { min(device.setThreshold, device.resetThreshold) }

    /// Throws unless `readVoltage` lies in `(0, readLimit)`.
    public func checkReadVoltage(_ readVoltage: Double) throws {
        try require(
            readVoltage > 0 && readVoltage < readLimit, "read-voltage",
            "must lie between 0 and the lower switching threshold (\(readLimit) V), got \(readVoltage)")
    }
}

/// One device's electrodes and state through both learning phases, as ngspice computed them
/// at its own time points — the picture of Fig. 4 of Negrov et al. (2017): two trains of
/// half-amplitude pulses whose overlaps alone exceed the threshold across the device.
public struct ElectrodeTrace: Codable, Equatable, Sendable {
    /// The device traced.
    public var device: DeviceIndex
    /// Its row's and column's pulse counts in this step.
    public var rowPulses: Int
    /// Signed column pulse count (δ's sign).
    public var columnPulses: Int
    /// Coincident pulses, signed by the direction of change.
    public var coincidences: Int
    /// Simulator time points, s.
    public var time: [Double]
    /// Voltage of the device's row electrode, V.
    public var rowVoltage: [Double]
    /// Voltage of the device's column electrode, V.
    public var columnVoltage: [Double]
    /// Device state in `[0, 1]`.
    public var state: [Double]
    /// The switching thresholds, V (set > 0, reset as a positive magnitude).
    public var thresholds: [Double]

    /// `v_row − v_col`, the voltage across the device.
    public var acrossVoltage: [Double] { zip(rowVoltage, columnVoltage).map { $0 - $1 } }

    /// CSV with columns `time_s,row_v,column_v,across_v,state`.
    public func csv() throws -> String {
        let across = acrossVoltage
        var table = CSVTable(header: ["time_s", "row_v", "column_v", "across_v", "state"])
        for k in time.indices { table.append([time[k], rowVoltage[k], columnVoltage[k], across[k], state[k]]) }
        return try table.text()
    }
}

/// The memory an equilibrium-propagation run or netlist export needs, estimated from the
/// network's sizes before anything is allocated, so that a `--hidden` or a checkpoint too large
/// for the machine is refused with one line (``MemoryBudget``, `--max-memory`) instead of
/// dying in the allocator after minutes.
///
/// Rules of thumb per device (as ``BackpropCost``'s, meant to tell a request that fits from
/// one that cannot): ≈ 160 bytes for its state and conductance in doubles in every copy a run
/// holds (network, checkpoint, trainer, gradients of both phases) and the checkpoint's JSON;
/// ≈ 200 bytes for its netlist line (the line, the rendered text, the file); ≈ 1 kB for its
/// resistor in ngspice's circuit and matrix.
public struct EqPropCost: Sendable {
    public let inputs: Int
    public let hidden: Int
    public let outputs: Int

    public init(inputs: Int, hidden: Int, outputs: Int) {
        (self.inputs, self.hidden, self.outputs) = (inputs, hidden, outputs)
    }

    /// The network's devices (as a `Double`: absurd sizes cannot overflow).
    public var devices: Double {
        let (n, h, o) = (Double(inputs), Double(hidden), Double(outputs))
        return h * (2 * n + 2) + 2 * o * (h + 2)
    }

    /// Bytes of the network's copies and its checkpoint.
    public var networkBytes: Double { 160 * devices }
    /// Bytes of one netlist.
    public var netlistBytes: Double { 200 * devices }
    /// Bytes of ngspice's circuit.
    public var spiceBytes: Double { 1000 * devices }

    /// Throws a ``ParameterError`` for `hidden` unless the run (or export, `netlist` without
    /// `spice`) fits `budget`; `spice`: the equilibria are ngspice operating points.
    public func check(_ budget: MemoryBudget, netlist: Bool, spice: Bool) throws {
        let bytes = networkBytes + (netlist || spice ? netlistBytes : 0) + (spice ? spiceBytes : 0)
        try budget.check(
            bytes, option: "hidden",
            request: "a \(inputs)-\(hidden)-\(outputs) eqprop network\(spice ? " solved by ngspice" : netlist ? "'s netlist" : "")",
            detail: String(format: "%.3g devices", devices))
    }
}

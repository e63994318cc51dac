import Foundation

/// The equilibrium of an ``EqPropNetwork`` as ngspice's operating point of its
/// ``EqPropNetlist``, in process through a private ``NgspiceLibrary`` copy; and the continuous
/// rule's nudged phase as an ngspice transient (``EqPropDrift``). One solver is one simulator
/// instance (not shared between threads). A Verilog-A device's compiled module is loaded into
/// it (by OSDI, as ``SpiceEngine`` loads it) before the first network of that device runs.
public final class EqPropSpiceSolver: EqPropDriftEngine {
    private let library: NgspiceLibrary
    /// The Verilog-A files whose compiled modules are loaded.
    private var loaded: [String] = []
    /// The pulse simulators of Verilog-A devices (``pulses(for:pulse:)``).
    private var simulators: [(device: Device, pulse: PulseShape, simulator: EqPropSpicePulses)] = []

    /// Opens a private ngspice instance.
    public init() throws {
        library = try NgspiceLibrary()
    }

    /// Loads the compiled module of `device` unless it is loaded (or the device is not a
    /// Verilog-A one).
    private func prepare(_ device: Device) throws {
        guard let own = device.verilogA, !loaded.contains(own.source) else { return }
        if let model = try CompiledDeviceModel.resolve(.compiled, device: device, capabilities: library.capabilities) {
            try library.load(compiled: model)
        }
        loaded.append(own.source)
    }

    /// The simulator of `device`'s programming pulses (a Verilog-A device's updates come from
    /// the model in ngspice), opened once per device and pulse shape.
    func pulses(for device: Device, pulse: PulseShape) throws -> EqPropSpicePulses {
        if let known = simulators.first(where: { $0.device == device && $0.pulse == pulse }) { return known.simulator }
        let simulator = try EqPropSpicePulses(device: device, pulse: pulse)
        simulators.append((device, pulse, simulator))
        return simulator
    }

    /// The operating point; a run ngspice cannot finish is an ``EqPropError`` naming the phase
    /// and the node ngspice names (`unknown` when it names none). `start` is not used: ngspice
    /// finds the operating point from its own guess.
    public func equilibrium(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge?, start: [Double]?) throws -> [Double] {
        try prepare(network.device)
        let netlist = try EqPropNetlist(network: network, input: input, nudge: nudge)
        return try simulate(netlist, nudge) { try netlist.nodes.map { try library.requiredVector($0, "node voltage")[0] } }
    }

    /// The transient of ``EqPropDrift``: node voltages and device states at its end.
    public func nudgedDrift(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge, drift: EqPropDrift) throws
        -> (nudged: [Double], network: EqPropNetwork)
    {
        let netlist = try EqPropNetlist(network: network, input: input, nudge: nudge, drift: drift)
        return try simulate(netlist, nudge) {
            func last(_ name: String, _ what: String) throws -> Double { try library.requiredVector(name, what).last! }
            let states = try netlist.stateVectors.map { try last($0, "device state") }
            var next = network
            let split = network.hiddenStates.elements.count
            next.hiddenStates.elements = Array(states[..<split])
            next.outputStates.elements = Array(states[split...])
            return (try netlist.nodes.map { try last($0, "node voltage") }, next)
        }
    }

    /// Runs `netlist` and reads its results with `read`; ngspice's failures become
    /// ``EqPropError``s of the phase of `nudge`.
    private func simulate<T>(_ netlist: EqPropNetlist, _ nudge: EqPropNudge?, _ read: () throws -> T) throws -> T {
        do {
            return try library.withResults(of: netlist.text, read)
        } catch let error as SpiceError {
            let text = error.description
            let node = text.range(of: #"node [A-Za-z0-9_]+"#, options: .regularExpression).map { String(text[$0].dropFirst(5)) }
            throw EqPropError(phase: EqPropPhase(nudge), node: node ?? "unknown", problem: text)
        }
    }
}

/// The continuous-time rule simulated in SPICE: the nudged phase as an ngspice transient in
/// which every device's state drifts under a drive that makes the rule hold (Zoppo et al. 2019).
///
/// The network part is the nudged phase's circuit (``EqPropNetlist``), its devices the
/// resistors `1/G(s)` of the states at the start of the phase. Each device `ij` between nodes
/// `a`, `b` also has a programming path, three elements:
///
///     st_ij = η·κ·(ΔV_ij(0)² − (v(a) − v(b))²)      B voltage source: the requested step Δs*
///     dr_ij = v_drive(st_ij)                          B voltage source: ``EqPropDrive``'s law
///     xd_ij  dr_ij 0  pp_memristor x0=s_ij           the device subcircuit of the crossbars
///
/// with `κ = (G_on − G_off)/(2 β_S)` (``EqPropGradient``), `η` the layer's rate and the free
/// phase's drops `ΔV_ij(0)` as parameters; `v(a) − v(b)` is the nudged drop ngspice solves for,
/// so `st_ij = −η·∂C/∂s_ij` is the equilibrium-propagation estimate computed by the circuit.
/// The device's state equation (its SET/RESET drift, window and thresholds, the same
/// subcircuit the learning-step netlists use) integrates the drive for `T` (``EqPropDrive/time``),
/// and the states are read back at `t = T` from the state nodes `xd_ij.s`, as the crossbar
/// engine reads its devices. Over one phase the network keeps the conductances it started the
/// phase with (a sample-and-hold of the read path; the step's `O(Δs)` feedback on the drops is
/// not simulated), which is what the analytic twin assumes, so the two differ only by ngspice's
/// integration of the state equation against its exact solution.
public struct EqPropDrift: Sendable {
    /// The free phase's node voltages (``EqPropNetwork/nodeName(_:)`` order).
    public let free: [Double]
    /// The drive law of each layer (``EqPropUpdater/drives``).
    public let drives: (hidden: EqPropDrive, output: EqPropDrive)

    public init(free: [Double], drives: (hidden: EqPropDrive, output: EqPropDrive)) {
        self.free = free
        self.drives = drives
    }

    /// The transient's largest time step is `T/steps`: the drive is constant over the phase, so
    /// ten trapezoidal steps integrate the state within 1e-6 of the step the Swift integration
    /// makes (the drift test), 4.4× faster than a hundred on the patterns network.
    static let steps = 10.0

    /// The programming paths of the devices as netlist lines, and their state vectors.
    struct Lines {
        var lines: [String] = []
        var stateVectors: [String] = []

        /// The three elements of device `id` between nodes `a` and `b`: free drop `freeDrop`,
        /// state `state`, step gain `gain` (`η·κ`) and its layer's drive law.
        mutating func add(_ id: String, _ a: String, _ b: String, freeDrop: Double, state: Double, gain: Double, drive: EqPropDrive) {
            let f = SpiceFormatting.number
            let drop = "(v(\(a))-v(\(b)))"
            lines += [
                "bst\(id) st\(id) 0 V = \(f(gain))*(\(f(freeDrop * freeDrop))-\(drop)*\(drop))",
                "bdr\(id) dr\(id) 0 V = \(drive.spiceExpression(step: "v(st\(id))"))",
                "xd\(id) dr\(id) 0 \(CrossbarNetlist.deviceModelName) x0=\(f(state))",
            ]
            stateVectors.append("xd\(id).s")
        }
    }
}

/// An engine that simulates the continuous rule itself (``EqPropDrift``), rather than leaving
/// the drift to ``EqPropUpdater``'s integration.
public protocol EqPropDriftEngine: EqPropEngine {
    /// The nudged phase of `input` with its devices drifting under the drives of `drift`:
    /// the nudged node voltages and the network with the states at the end of the drive.
    func nudgedDrift(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge, drift: EqPropDrift) throws
        -> (nudged: [Double], network: EqPropNetwork)
}

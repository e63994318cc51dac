/// What one learning step of an R×C crossbar costs in memory, estimated before anything is
/// allocated, so that impossible sizes are refused with one line (``MemoryBudget``).
///
/// The constants are peak resident sizes measured with `/usr/bin/time -v` on
/// `pulseprop netlist` and `pulseprop simulate` (x86-64, Swift 6.3 debug build, ngspice-39; netlists up to
/// 400 000 slots and 360 000 devices, transients up to 5 000 slots and 3 600 devices):
/// the netlist costs ≈ 270 bytes per electrode and pulse slot (PWL corners as numbers,
/// strings, template context and text) and ≈ 1.1 kB per device; ngspice adds ≈ 620 bytes
/// per electrode and slot (its PWL tables) and ≈ 13 kB per device (subcircuit expansion,
/// B-sources, matrix), over a base of ≈ 35 MB.
public struct StepCost: Sendable {
    /// Crossbar rows.
    public let rows: Int
    /// Crossbar columns.
    public let cols: Int
    /// Pulse slots per phase.
    public let slots: Int

    /// The cost of a step of `rows × cols` devices with `slots` pulse slots per phase.
    public init(rows: Int, cols: Int, slots: Int) {
        self.rows = rows
        self.cols = cols
        self.slots = slots
    }

    private var devices: Double { Double(rows) * Double(cols) }
    private var electrodeSlots: Double { (Double(rows) + Double(cols)) * Double(slots) }

    /// Bytes to build the netlist's text.
    public var netlistBytes: Double { 35e6 + 270 * electrodeSlots + 1100 * devices }

    /// Bytes to build and simulate the step in ngspice.
    public var spiceBytes: Double { netlistBytes + 10e6 + 620 * electrodeSlots + 13e3 * devices }

    /// Time points of the transient, at least: one per PWL corner (four per pulse, two
    /// phases) — the breakpoints the simulator must stop at.
    public var timePoints: Double { 8 * Double(slots) + 2 }

    /// Bytes of an analytic step: the response tables of both polarities, extended to
    /// `slots` pulses on `grid` states, and the device states.
    public func analyticBytes(grid: Int) -> Double { 2 * (Double(slots) + 1) * Double(grid) * 8 + 16 * devices }

    /// The option a refusal names: `levels` when the pulse slots outnumber the crossbar's
    /// longer side, else `sizeOption` (the rows, or what sets them).
    public func dominantOption(size sizeOption: String = "rows") -> String {
        Double(slots) > Double(max(rows, cols)) ? "levels" : sizeOption
    }

    /// `a 2x2 crossbar at 1000 pulse slots per phase`.
    public var request: String { "a \(rows)x\(cols) crossbar at \(slots) pulse slots per phase" }

    /// Throws unless building the netlist fits `budget`.
    public func checkNetlist(_ budget: MemoryBudget) throws {
        try budget.check(netlistBytes, option: dominantOption(), request: "the netlist of \(request)")
    }

    /// Throws unless simulating the step in ngspice fits `budget`; `sizeOption` names what
    /// sets the rows.
    public func checkSpice(_ budget: MemoryBudget, sizeOption: String = "rows") throws {
        try budget.check(
            spiceBytes, option: dominantOption(size: sizeOption), request: "simulating \(request)",
            detail: String(format: "≥ %.3g time points", timePoints))
    }

    /// Throws unless an analytic step on `grid` calibration states fits `budget`.
    public func checkAnalytic(_ budget: MemoryBudget, grid: Int) throws {
        let tables = 16 * (Double(slots) + 1) * Double(grid)
        try budget.check(
            analyticBytes(grid: grid), option: tables > 16 * devices ? "levels" : "rows",
            request: "the analytic engine for \(request)")
    }
}

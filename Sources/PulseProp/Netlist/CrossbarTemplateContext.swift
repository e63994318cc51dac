/// `templates/<dialect>/crossbar.cir` and its partials: `common/step-header` (rendered in the
/// `header` section), `common/pwl-sources`, `common/wires` or `vacask/wires` (in the `wires`
/// section) and `common/batch-exit`, which has no variables.
///
/// Every dialect's template is rendered from the same context; the fields a dialect does not
/// use are empty (energy lines and `interp` are ngspice's, `measureTime` is LTspice's, `loads`
/// and `initialConditionLines` are VACASK's).
struct CrossbarTemplateContext: TemplateContext {
    /// One device instance line.
    struct DeviceLine {
        let name: String
        let row: String
        let col: String
        let model: String
        let x0: String
        let stateNode: String
    }

    /// `common/step-header`: the comment block that says what the netlist is.
    struct Header {
        /// What starts a comment line in the dialect (``SpiceDialect/comment``).
        let comment: String
        let title: String
        let dialectLabel: String
        let rows: Int
        let cols: Int
        let phaseLength: String
        let stopTime: String
        let halfSet: String
        let halfReset: String
        let rowCounts: String
        let columnCounts: String
        let segmentResistance: String
        let driverResistance: String
    }

    let header: Header
    let subcircuit: String
    let sources: [PWLSourceLines]
    let wires: WireLines
    /// ngspice: the driver-energy integrator.
    let hasEnergy: Bool
    let energyLines: [String]
    let devices: [DeviceLine]
    /// `.save` lines (ngspice, LTspice).
    let saveLines: [String]
    /// ngspice: whether the `.control` block prints the final states (the batch program's
    /// output; the shared library reads the vectors instead).
    let reportsFinalStates: Bool
    /// Names of the state vectors printed by ngspice's `.control` block, 8 per line.
    let printLines: [String]
    /// The saved vectors, 8 per line: Xyce's `.PRINT TRAN` continuation lines, VACASK's `save`
    /// lines.
    let vectorLines: [String]
    /// ngspice: output interpolated at every period (no probe).
    let interp: Bool
    /// `.tran` arguments.
    let step: String
    let transientStop: String
    let maxStep: String
    /// ngspice: `.tran … uic` (the devices' state capacitors start at their `IC=`); false for a
    /// Verilog-A device, whose module holds its state node at its initial state in the
    /// operating point the transient then starts from.
    let useInitialConditions: Bool
    /// LTspice: when the `.meas` lines read the final states (the end of the last phase,
    /// strictly inside the transient).
    let measureTime: String
    /// ngspice: the `.options` line choosing the linear solver (exports), if any.
    let solverLines: [String]
    /// ngspice: the compiled model file the `.control` block loads with `pre_osdi` (exports of
    /// the OSDI form; the shared library loads it with its `osdi` command instead), if any.
    let preOsdi: [String]
    /// VACASK: the Verilog-A files the netlist loads by name from its own folder.
    let loads: [String]
    /// VACASK: the initial state of every state node as the `ic` list of the analysis,
    /// `"x<row>_<col>:s", x0,` four devices per line.
    let initialConditionLines: [String]
}

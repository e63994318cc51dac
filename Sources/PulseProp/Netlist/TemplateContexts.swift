import Foundation

/// A value a template of `templates/` renders from. Templates look names up as the stored
/// properties of the context (by reflection); `NetlistTests` checks that every name every
/// template uses, partials included, is a stored property of the context type it is given.
protocol TemplateContext {}

/// One voltage source of `common/pwl-sources` (also the Xyce and VACASK forms): name, positive
/// node and the corners, four per line: `t v` for SPICE's continuation lines, `t, v,` for the
/// lines of VACASK's `wave=[…]` vector.
struct PWLSourceLines {
    let name: String
    let node: String
    let lines: [String]

    /// The source `name` driving `node` with `waveform` in `dialect`; times on the grid, with
    /// scale suffixes.
    init(_ name: String, node: String, _ waveform: Waveform, dialect: SpiceDialect) {
        let times = waveform.points.map { SpiceFormatting.time($0.time) }
        let volts = waveform.points.map { SpiceFormatting.number($0.volts) }
        self.name = name
        self.node = node
        if dialect == .vacask {
            lines = SpiceFormatting.listLines(zip(times, volts).map { "\($0), \($1)" }, perLine: 4)
        } else {
            lines = SpiceFormatting.lines(zip(times, volts).map { "\($0) \($1)" }, perLine: 4)
        }
    }
}

/// One resistor line of `common/wires`.
struct ResistorLine {
    let name: String
    let a: String
    let b: String
    let value: String

    init(_ resistor: CrossbarLines.Resistor) {
        (name, a, b, value) = (resistor.name, resistor.a, resistor.b, SpiceFormatting.number(resistor.ohms))
    }
}

/// One DC voltage source from `node` to ground.
struct DCSourceLine {
    let name: String
    let node: String
    let volts: String
}

/// The driver and wire resistors of `common/wires`.
struct WireLines {
    let hasResistors: Bool
    let resistors: [ResistorLine]

    init(_ lines: CrossbarLines) {
        resistors = lines.resistors.map(ResistorLine.init)
        hasResistors = !resistors.isEmpty
    }
}

/// `templates/<dialect>/memristor.cir`: the device subcircuit.
struct MemristorTemplateContext: TemplateContext {
    let name: String
    let energy: Bool
    let setThreshold: String
    let resetThreshold: String
    let setRate: String
    let resetRate: String
    let setExponent: String
    let resetExponent: String
    let onConductance: String
    let offConductance: String
    let conductanceRange: String
    let setOverdrive: String
    let resetOverdrive: String
    /// Whether the windows are the plain `1 − x` and `x` (no offset), each and both.
    let plainSetWindow: Bool
    let plainResetWindow: Bool
    let plainWindows: Bool
    /// Offsets `o` and bend slopes `s` of ``ThresholdWindow``.
    let setWindowOffset: String
    let setWindowSlope: String
    let resetWindowOffset: String
    let resetWindowSlope: String
    let windowBoundWidth: String
    /// Scale of the energy integrator (``CrossbarNetlist/energyScale``).
    let energyScale: String

    /// The subcircuit `name` of `device`, with an energy integrator when `energy` is set.
    init(name: String, device: ThresholdDevice, energy: Bool) {
        let f = SpiceFormatting.number
        self.name = name
        self.energy = energy
        (setThreshold, resetThreshold) = (f(device.setThreshold), f(device.resetThreshold))
        (setRate, resetRate) = (f(device.setRate), f(device.resetRate))
        (setExponent, resetExponent) = (f(device.setExponent), f(device.resetExponent))
        (onConductance, offConductance) = (f(device.onConductance), f(device.offConductance))
        conductanceRange = f(device.onConductance - device.offConductance)
        setOverdrive = SpiceFormatting.overdrive(voltage: "v(p,n)", threshold: device.setThreshold, exponent: device.setExponent)
        resetOverdrive = SpiceFormatting.overdrive(
            voltage: "-v(p,n)", threshold: device.resetThreshold, exponent: device.resetExponent)
        energyScale = f(CrossbarNetlist.energyScale)
        let (set, reset) = (device.setWindow, device.resetWindow)
        (plainSetWindow, plainResetWindow) = (set.offset == 0, reset.offset == 0)
        plainWindows = plainSetWindow && plainResetWindow
        (setWindowOffset, setWindowSlope) = (f(set.offset), f(set.boundSlope))
        (resetWindowOffset, resetWindowSlope) = (f(reset.offset), f(reset.boundSlope))
        windowBoundWidth = f(ThresholdWindow.boundWidth)
    }

    /// The values as parameters of the Verilog-A module (`codemodels/verilog-a/pp_threshold_memristor.va`),
    /// `name=value`, four per line: the one mapping every netlist that instantiates the module uses.
    var verilogAParameterLines: [String] {
        let parameters = [
            ("v_set", setThreshold), ("v_reset", resetThreshold), ("k_set", setRate), ("k_reset", resetRate),
            ("a_set", setExponent), ("a_reset", resetExponent), ("g_on", onConductance), ("g_off", offConductance),
            ("e_scale", energyScale), ("w_set", setWindowOffset), ("w_reset", resetWindowOffset), ("w_bound", windowBoundWidth),
        ]
        return SpiceFormatting.lines(parameters.map { "\($0)=\($1)" }, perLine: 4)
    }
}

/// `ngspice/memristor-codemodel.cir`: the memristor as PulseProp's XSPICE code model, with the
/// B-source form's values (``MemristorTemplateContext``, rendered inside a `device` section).
struct CodeModelMemristorTemplateContext: TemplateContext {
    let device: MemristorTemplateContext
    let codeModelType: String
    let codeModelPath: String
    let codeModelBuild: String

    init(device: MemristorTemplateContext, codeModel: CodeModel) {
        self.device = device
        codeModelType = CodeModel.modelType
        codeModelPath = SpiceFormatting.comment(codeModel.path)
        codeModelBuild = SpiceFormatting.comment(codeModel.builtFor)
    }
}

/// `ngspice/memristor-osdi.cir`: the memristor as PulseProp's Verilog-A module compiled to OSDI,
/// with the B-source form's values (``MemristorTemplateContext``, rendered inside a `device`
/// section).
struct OSDIMemristorTemplateContext: TemplateContext {
    let device: MemristorTemplateContext
    /// The module instantiated: with the energy port `e` when the device measures energy.
    let module: String
    let osdiFile: String
    let compiler: String
    /// The `.model` line's parameters (``MemristorTemplateContext/verilogAParameterLines``).
    let parameterLines: [String]

    init(device: MemristorTemplateContext, model: OSDIModel) {
        self.device = device
        module = device.energy ? OSDIModel.thresholdEnergyModule : OSDIModel.thresholdModule
        osdiFile = SpiceFormatting.comment(URL(fileURLWithPath: model.path).lastPathComponent)
        compiler = SpiceFormatting.comment(model.compiler)
        parameterLines = device.verilogAParameterLines
    }
}

/// `vacask/memristor.cir`: the memristor as the Verilog-A module of `source`, which the VACASK
/// netlist loads and VACASK compiles, with the B-source form's values
/// (``MemristorTemplateContext``, rendered inside a `device` section). VACASK netlists measure
/// no energy, so the module is always the one without the energy port.
struct VacaskMemristorTemplateContext: TemplateContext {
    let device: MemristorTemplateContext
    let module: String
    /// The file the netlist loads (a plain name: ``VerilogAFile`` refuses others).
    let sourceFile: String
    /// The model's parameters (``MemristorTemplateContext/verilogAParameterLines``).
    let parameterLines: [String]

    init(device: MemristorTemplateContext, source: VerilogAFile) {
        self.device = device
        module = OSDIModel.thresholdModule
        sourceFile = source.fileName
        parameterLines = device.verilogAParameterLines
    }
}

/// `ngspice/memristor-verilog-a.cir`: a user's Verilog-A module (``VerilogADevice``) inside the
/// device subcircuit every crossbar instantiates, with its model card.
struct VerilogAMemristorTemplateContext: TemplateContext {
    let name: String
    let energy: Bool
    let module: String
    /// The `.va` file's name and the `.osdi` an export writes beside the netlist.
    let sourceFile: String
    let osdiFile: String
    let stateNode: String
    let initialStateParameter: String
    /// `name=value` of every model parameter, a few per continuation line.
    let parameterLines: [String]
    /// Whether any parameter is set (VACASK refuses an empty parameter list).
    let hasParameters: Bool
    let energyScale: String

    init(name: String, device: VerilogADevice, energy: Bool) {
        let file = URL(fileURLWithPath: device.source)
        self.name = name
        self.energy = energy
        module = device.module
        sourceFile = SpiceFormatting.comment(file.lastPathComponent)
        osdiFile = SpiceFormatting.comment(file.deletingPathExtension().lastPathComponent + ".osdi")
        stateNode = device.stateNode
        initialStateParameter = device.initialStateParameter
        parameterLines = SpiceFormatting.lines(
            device.parameters.map { "\($0.name)=\(SpiceFormatting.number($0.value))" }, perLine: 4)
        hasParameters = !device.parameters.isEmpty
        energyScale = SpiceFormatting.number(CrossbarNetlist.energyScale)
    }
}

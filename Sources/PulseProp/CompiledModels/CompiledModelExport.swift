import Foundation

/// What an exported netlist in the compiled form needs beside it.
///
/// The OSDI form (whenever the Verilog-A compiler is installed) writes the model's source
/// `pp_threshold_memristor.va` and its compiled `pp_threshold_memristor.osdi` into the netlist's
/// folder; the netlist loads the `.osdi` by a relative `pre_osdi` line, so the folder runs as it
/// is in ngspice ≥ 42 (`ngspice -b netlist.cir`), and the `.va` recompiles it for another
/// compiler (`openvaf-r pp_threshold_memristor.va`). Without the compiler, the XSPICE code model
/// of ngspice 39.3 is named instead (loaded by a `.spiceinit`, as the netlist's header says).
public struct CompiledModelExport {
    /// The model the netlist is rendered with (its path is the copy beside the netlist).
    public let model: CompiledDeviceModel
    /// The file name for the netlist's `pre_osdi` line (OSDI form only).
    public let preOsdi: String?
    /// One line for the user: what was written and how it loads.
    public let note: String

    /// Prepares the compiled model for a netlist written to `output` (`-`: standard output,
    /// files then go to the current folder) in `dialect`. For a Verilog-A `device` it is the
    /// user's own file, copied beside the netlist with its `.osdi` (no code-model fallback).
    public static func prepare(beside output: String, dialect: SpiceDialect, device: Device = .metalOxide) throws
        -> CompiledModelExport
    {
        try require(
            dialect == .ngspice || device.verilogA != nil, "spice-model",
            "the compiled model exists for ngspice only; export \(dialect.label) netlists with the B-source model")
        if device.verilogA != nil, dialect != .ngspice { throw VerilogADeviceError.dialect(dialect.label) }
        let folder = ExportFolder.beside(output)
        if let own = device.verilogA {
            return try copy(VerilogACompiler.locate().compile(file: own.source), named: URL(fileURLWithPath: own.source).lastPathComponent, into: folder)
        }
        let compiler: VerilogACompiler
        do { compiler = try VerilogACompiler.locate() } catch {
            let codeModel = try CodeModel()
            return CompiledModelExport(
                model: .xspice(codeModel), preOsdi: nil,
                note: "it needs the code model (no Verilog-A compiler: \(error)): run it with a .spiceinit holding \"codemodel \(codeModel.path)\"")
        }
        return try copy(OSDIModel.threshold(compiler: compiler), named: OSDIModel.thresholdSource, into: folder)
    }

    /// Writes `built`'s source as `name` and its `.osdi` beside it into `folder`.
    private static func copy(_ built: OSDIModel, named name: String, into folder: URL) throws -> CompiledModelExport {
        let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
        let source = folder.appendingPathComponent(name).path
        let binary = folder.appendingPathComponent(stem + ".osdi").path
        if URL(fileURLWithPath: built.sourcePath).standardizedFileURL.path != URL(fileURLWithPath: source).standardizedFileURL.path {
            try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: built.sourcePath)), to: source)
        }
        try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: built.path)), to: binary)
        return CompiledModelExport(
            model: .osdi(OSDIModel(path: binary, sourcePath: source, compiler: built.compiler)), preOsdi: stem + ".osdi",
            note: "wrote \(source) and \(stem).osdi beside it: ngspice ≥ 42 loads the model by the netlist's pre_osdi line")
    }
}

/// A Verilog-A model compiled to OSDI by ``VerilogACompiler``, which ngspice ≥ 42 loads with its
/// `osdi` command before a netlist that instantiates its modules is parsed.
public struct OSDIModel: Equatable, Sendable {
    /// The `.osdi` file (in the compiler's cache).
    public let path: String
    /// The Verilog-A source it was compiled from (the file a user gave, or the cache's copy of
    /// a built-in source).
    public let sourcePath: String
    /// The compiler's version line, part of the cache key.
    public let compiler: String

    /// PulseProp's own threshold memristor: ports `p n s` (state on node `s`).
    public static let thresholdModule = "pp_threshold_memristor"
    /// The same with an energy integrator port `e`: ports `p n s e`.
    public static let thresholdEnergyModule = "pp_threshold_memristor_e"
    /// Name of the built-in source (`codemodels/verilog-a/`, embedded in the library).
    public static let thresholdSource = "pp_threshold_memristor.va"

    /// The built-in threshold memristor compiled by `compiler` (from its cache when current).
    public static func threshold(compiler: VerilogACompiler) throws -> OSDIModel {
        try compiler.compile(source: VerilogAFile.threshold.text, named: thresholdSource)
    }
}

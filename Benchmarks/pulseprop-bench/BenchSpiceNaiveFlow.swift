import Foundation
import PulseProp

/// The flow a researcher would script without PulseProp, as the baseline of `bench spice`:
/// write a netlist with a textbook VTEAM B-source subcircuit (`u()` and `pow()` in the
/// expressions, every node saved) and 10 ns pulse edges, `.tran 100n <stop> uic` (an output
/// step of a tenth of the pulse width; ngspice then limits its step to 100 ns), run
/// `ngspice -b -r` with an ASCII raw file, and parse the raw file for each device's last
/// state. Same devices, pulse trains and learning step as the library path.
struct NaiveSpiceFlow {
    /// Edge time of the naive flow's pulses (a common choice; PulseProp uses 100 ns).
    static let edge = 10e-9
    /// The `.tran` output step of the naive flow.
    static let outputStep = 100e-9
    let folder: URL

    /// Writes, runs and parses one step; returns the final states (R×C).
    func run(_ step: LearningStep, from states: Matrix<Double>, device: ThresholdDevice, shape: PulseShape, name: String) throws -> Matrix<Double> {
        var naiveShape = shape
        naiveShape.edge = Self.edge
        let schedule = try ElectrodeSchedule(step: step, shape: naiveShape)
        let d = device
        var lines = [
            "* naive flow: textbook VTEAM B-source memristor, \(step.rows)x\(step.cols) crossbar",
            ".subckt vteam p n params: x0=0.5",
            "Cx x 0 1 IC={x0}",
            "Bx 0 x I = u(v(p,n)-\(d.setThreshold))*\(d.setRate)*pow(v(p,n)/\(d.setThreshold)-1,\(d.setExponent))*(1-v(x))"
                + " - u(-v(p,n)-\(d.resetThreshold))*\(d.resetRate)*pow(-v(p,n)/\(d.resetThreshold)-1,\(d.resetExponent))*v(x)",
            "Bm p n I = v(p,n)*(\(d.offConductance)+\(d.onConductance - d.offConductance)*v(x))",
            ".ends vteam",
        ]
        for (prefix, waveforms) in [("r", schedule.rows), ("c", schedule.columns)] {
            for (k, waveform) in waveforms.enumerated() {
                lines.append("V\(prefix)\(k) \(prefix)\(k) 0 PWL(" + waveform.points.map { "\($0.time.seconds) \($0.volts)" }.joined(separator: " ") + ")")
            }
        }
        for i in 0..<step.rows {
            for j in 0..<step.cols { lines.append("Xd\(i)_\(j) r\(i) c\(j) vteam x0=\(states[i, j])") }
        }
        lines += [".tran \(Self.outputStep) \(schedule.stopTime.seconds) uic", ".end"]
        let netlist = folder.appendingPathComponent("\(name).cir")
        let raw = folder.appendingPathComponent("\(name).raw")
        try (lines.joined(separator: "\n") + "\n").write(to: netlist, atomically: true, encoding: .utf8)
        try "set filetype=ascii\n".write(to: folder.appendingPathComponent(".spiceinit"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ngspice", "-b", "-r", raw.path, netlist.path]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ParameterError("naive flow", "ngspice -b exited with \(process.terminationStatus)") }
        return try Self.lastStates(rawFile: raw.path, rows: step.rows, cols: step.cols)
    }

    /// Reads the last point of `v(xd<i>_<j>.x)` from an ASCII raw file.
    static func lastStates(rawFile path: String, rows: Int, cols: Int) throws -> Matrix<Double> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let variablesLine = lines.firstIndex(where: { $0.hasPrefix("Variables:") }),
              let valuesLine = lines.firstIndex(where: { $0.hasPrefix("Values:") }),
              let countLine = lines.first(where: { $0.hasPrefix("No. Variables:") }),
              let count = Int(countLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        else { throw ParameterError("naive flow", "\(path) is not an ASCII raw file") }
        var index: [String: Int] = [:]
        for line in lines[(variablesLine + 1)..<(variablesLine + 1 + count)] {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let k = Int(fields[0]) { index[String(fields[1]).lowercased()] = k }
        }
        // Values: "<point>\t<value 0>" then one value per line; the last block is the last point.
        let values = lines[(valuesLine + 1)...].map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }.filter { !$0.isEmpty }
        let lastBlock = values.suffix(count)
        let numbers = lastBlock.enumerated().map { k, fields in Double(fields[k == 0 ? 1 : 0]) ?? .nan }
        return try Matrix(rows: rows, cols: cols) { i, j in
            guard let k = index["v(xd\(i)_\(j).x)"] else { return .nan }
            return numbers[k]
        }.validated()
    }
}

private extension Matrix where Element == Double {
    func validated() throws -> Matrix<Double> {
        guard elements.allSatisfy({ $0.isFinite }) else { throw ParameterError("naive flow", "a device state is missing from the raw file") }
        return self
    }
}

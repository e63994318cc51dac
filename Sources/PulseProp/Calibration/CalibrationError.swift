/// A calibration that cannot serve what is asked of it. The description is one line, naming
/// the file and what to run.
public enum CalibrationError: Error, CustomStringConvertible, Equatable {
    /// The calibration has no pulse-amplitude axis (schema version 1, or measurements without
    /// an amplitude column), which a circuit with wires needs: its devices see less than the
    /// full amplitude. `command` re-calibrates it.
    case noAmplitudeAxis(file: String, command: String)

    public var description: String {
        switch self {
        case .noAmplitudeAxis(let file, let command):
            return "\(file) has no pulse-amplitude axis (it tabulates the full amplitude only), which wire resistance needs: "
                + "re-calibrate with `\(command)`"
        }
    }
}

extension PulseResponseCalibration {
    /// Throws ``CalibrationError/noAmplitudeAxis(file:command:)`` unless this calibration has
    /// an amplitude axis; `name` is the file it was read from, which the error names with the
    /// command that makes a calibration with the axis in its place.
    public func requireAmplitudeAxis(name: String = "calibration") throws {
        guard amplitudeAxis == nil else { return }
        throw CalibrationError.noAmplitudeAxis(file: name, command: recalibrationCommand(output: name))
    }

    /// The `pulseprop calibrate` command that makes this calibration again, with its amplitude
    /// axis, into `output`: from the measurement file (given an amplitude column), for the
    /// device's preset, or with the device and pulse options it was made for.
    func recalibrationCommand(output: String) -> String {
        let out = "--output \(shellWord(output))"
        if source == "measurements" {
            return "pulseprop calibrate --from-measurements \(shellWord(origin)) \(out) (with an amplitude column in the CSV)"
        }
        if let device, let preset = DevicePreset.all.first(where: { $0.device == device }) {
            let options = shape == PulseShape() ? "" : " with the pulse options it was made for"
            return "pulseprop calibrate --device \(preset.name) \(out)\(options)"
        }
        return "pulseprop calibrate \(out) with the device and pulse options it was made for"
    }
}

import Foundation

extension Device {
    /// The device `--device` names: a preset (``DevicePreset``) or a device JSON file (a path
    /// ending in `.json` or containing `/`). An unknown preset names the known ones.
    public static func resolve(_ nameOrPath: String) throws -> Device {
        if let preset = DevicePreset.named(nameOrPath) { return preset.device }
        guard nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") else {
            throw ParameterError(
                "device", "unknown preset '\(nameOrPath)'; known: \(DevicePreset.all.map(\.name).joined(separator: ", ")) "
                    + "(or a device JSON file)")
        }
        return try load(path: nameOrPath)
    }

    /// Reads and validates a device JSON file: the `device` object of a calibration file.
    public static func load(path: String) throws -> Device {
        try decode(InputFile.data(atPath: path), name: path)
    }

    /// Decodes and validates device JSON read from the file `name`; a bad field is named as
    /// the file spells it.
    public static func decode(_ data: Data, name: String) throws -> Device {
        let device: Device
        do {
            device = try SnakeCaseJSON.decode(Device.self, from: data)
        } catch {
            throw DataError(name, "is not a device JSON file: \(SnakeCaseJSON.reason(error))")
        }
        do {
            try device.validate()
        } catch let error as ParameterError {
            throw DataError(name, "has a bad '\(error.parameter.snakeCased)': \(error.problem)")
        }
        return device
    }
}

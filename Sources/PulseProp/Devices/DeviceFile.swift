import Foundation

extension Device {
    /// The device `--device` names: a preset (``DevicePreset``), a Verilog-A file (a path ending
    /// in `.va`: ``VerilogADevice``, state on node `x`, its first module) or a device JSON file
    /// (a path ending in `.json` or containing `/`). An unknown preset names the known ones.
    public static func resolve(_ nameOrPath: String) throws -> Device {
        if let preset = DevicePreset.named(nameOrPath) { return preset.device }
        if nameOrPath.lowercased().hasSuffix(".va") { return .verilogA(try VerilogADevice.file(nameOrPath)) }
        guard nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") else {
            throw ParameterError(
                "device", "unknown preset '\(nameOrPath)'; known: \(DevicePreset.all.map(\.name).joined(separator: ", ")) "
                    + "(or a device JSON file)")
        }
        return try load(path: nameOrPath)
    }

    /// Reads and validates a device JSON file: the `device` object of a calibration file. A
    /// Verilog-A device's relative `source` is resolved against the file's folder, and its
    /// module, when not named, is the source's first.
    public static func load(path: String) throws -> Device {
        let device = try decode(InputFile.data(atPath: path), name: path)
        guard case .verilogA(var model) = device else { return device }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        model.source = URL(fileURLWithPath: model.source, relativeTo: folder).standardizedFileURL.path
        if model.module.isEmpty {
            model.module = try VerilogADevice.file(model.source).module
        }
        return .verilogA(model)
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

import Foundation

/// Which form of the threshold memristor a SPICE engine simulates (`--spice-model`).
public enum SpiceModelChoice: String, CaseIterable, Codable, Sendable {
    /// The compiled model when it can be had for the loaded ngspice, else the B-source
    /// subcircuit with one line on stderr saying why.
    case auto
    /// The compiled model: Verilog-A compiled to OSDI on an ngspice with OSDI (≥ 42), the XSPICE
    /// code model on one without (39.3); an error when it cannot be had.
    case compiled
    /// The B-source subcircuit (portable: the form every export uses by default).
    case behavioral
}

extension CompiledDeviceModel {
    /// Resolves `choice` for an ngspice with `capabilities`: the compiled model to load, or nil
    /// for the B-source subcircuit. `auto` falls back with one stderr line (once per process);
    /// `compiled` rethrows why the compiled model cannot be used. `codeModelPath` is where the
    /// XSPICE `.cm` is looked for (ngspice without OSDI only); `compilerPath` overrides
    /// ``VerilogACompiler/locate()``.
    ///
    /// A Verilog-A `device` (``VerilogADevice``) exists only compiled: its own file, compiled
    /// into the same cache, on an ngspice with OSDI, whatever `choice` (`behavioral` is refused).
    static func resolve(
        _ choice: SpiceModelChoice, device: Device = .metalOxide, capabilities: NgspiceCapabilities,
        codeModelPath: String = CodeModel.defaultPath, compilerPath: String? = nil
    ) throws -> CompiledDeviceModel? {
        if let model = device.verilogA {
            guard choice != .behavioral else { throw VerilogADeviceError.behavioralForm }
            guard capabilities.hasOSDI else { throw SpiceError.capabilityMissing(.osdi, ngspice: capabilities.version) }
            let compiler = try compilerPath.map(VerilogACompiler.init(path:)) ?? VerilogACompiler.locate()
            return .osdi(try compiler.compile(file: model.source))
        }
        func compiled() throws -> CompiledDeviceModel {
            if capabilities.hasOSDI {
                let compiler = try compilerPath.map(VerilogACompiler.init(path:)) ?? VerilogACompiler.locate()
                return .osdi(try OSDIModel.threshold(compiler: compiler))
            }
            let model = try CodeModel(path: codeModelPath)
            try model.check(against: capabilities.build)
            return .xspice(model)
        }
        switch choice {
        case .behavioral:
            return nil
        case .compiled:
            return try compiled()
        case .auto:
            do {
                return try compiled()
            } catch {
                FallbackNotice.once("pulseprop: SPICE uses the B-source memristor (\(error)); --spice-model behavioral silences this")
                return nil
            }
        }
    }
}

/// Prints a notice on stderr the first time only (several engines resolve the same choice).
enum FallbackNotice {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var printed = false

    static func once(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !printed else { return }
        printed = true
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

import Foundation

/// A Verilog-A device model's file: the name a netlist loads it by, and its text.
///
/// A VACASK netlist names the file (`load "pp_threshold_memristor.va"`) and VACASK compiles
/// it with its own `openvaf-r` when it reads the netlist, so an export writes the file beside
/// the netlist and nothing else (``write(beside:)``). The built-in threshold memristor is
/// ``threshold``; a user's model is read from its path (``init(file:)``), so every netlist that
/// loads Verilog-A takes the file as a parameter rather than assuming the built-in one.
public struct VerilogAFile: Equatable, Sendable {
    /// The file name the netlist loads it by, without a folder (`pp_threshold_memristor.va`).
    public let fileName: String
    /// The Verilog-A text.
    public let text: String

    /// `text` loaded as `fileName`. The name must be a plain file name ending in `.va`: it is
    /// written into a netlist between quotes and into the netlist's folder.
    public init(fileName: String, text: String) throws {
        try require(
            fileName.hasSuffix(".va") && fileName.count > 3 && !fileName.contains("/") && !fileName.contains("\"")
                && !ControlCharacters.occur(in: fileName),
            "device", "a Verilog-A file name must end in .va and hold no '/', quote or control character: \(ControlCharacters.escaped(fileName))")
        self.fileName = fileName
        self.text = text
    }

    /// The source file at `path`, loaded by its own file name.
    public init(file path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CompiledModelError.sourceUnreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(fileName: URL(fileURLWithPath: path).lastPathComponent, text: text)
    }

    /// PulseProp's threshold memristor, `codemodels/verilog-a/pp_threshold_memristor.va`
    /// (embedded in the library by `scripts/embed-resources`): modules ``OSDIModel/thresholdModule``
    /// and ``OSDIModel/thresholdEnergyModule``.
    public static let threshold: VerilogAFile = {
        guard let text = EmbeddedVerilogA.files[OSDIModel.thresholdSource] else {
            preconditionFailure("\(OSDIModel.thresholdSource) is not embedded: run scripts/embed-resources")
        }
        return try! VerilogAFile(fileName: OSDIModel.thresholdSource, text: text)
    }()

    /// Writes the source into the folder of a netlist written to `output` (`-`: standard
    /// output, then the current folder) under ``fileName``, and returns its path.
    @discardableResult
    public func write(beside output: String) throws -> String {
        let path = ExportFolder.beside(output).appendingPathComponent(fileName).path
        try AtomicFile.write(text, to: path)
        return path
    }
}

/// The folder an export's companion files go to: the netlist's own, or the current folder when
/// the netlist goes to standard output.
enum ExportFolder {
    static func beside(_ output: String) -> URL {
        AtomicFile.isStandardOutput(output)
            ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            : URL(fileURLWithPath: output).deletingLastPathComponent()
    }
}

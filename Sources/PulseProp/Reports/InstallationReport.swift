import COpenBLAS
import Foundation

/// What this installation of PulseProp has (`pulseprop doctor`): the simulator and its
/// capabilities, the compiled device models, the Verilog-A compiler, VACASK, BLAS, the training
/// kernels and the datasets. Each part that is missing says why and what installs it.
public struct InstallationReport: Codable, Sendable {
    public struct Ngspice: Codable, Sendable {
        /// The shared library PulseProp loads, or nil with `error`.
        public var library: String?
        public var version: String?
        public var build: String?
        public var klu: Bool
        public var osdi: Bool
        /// The `ngspice` program on PATH (what exported netlists are checked with) and its version.
        public var program: String?
        public var programVersion: String?
        public var error: String?
    }

    public struct CompiledModel: Codable, Sendable {
        /// Whether the model file exists (compiled or built).
        public var built: Bool
        /// Whether the loaded ngspice loads it (and it is the form `--spice-model compiled` uses).
        public var loadable: Bool
        public var path: String?
        /// The compiler (OSDI) or the ngspice build (XSPICE) it was made with.
        public var madeBy: String?
        public var error: String?
    }

    public struct Compiler: Codable, Sendable {
        public var path: String?
        public var version: String?
        public var error: String?
    }

    /// A program PulseProp runs exports in (VACASK), or why it is missing.
    public struct Program: Codable, Sendable {
        public var path: String?
        public var error: String?
    }

    public struct Blas: Codable, Sendable {
        public var core: String
        public var threads: Int
    }

    public struct DatasetFolder: Codable, Sendable {
        public var name: String
        public var path: String
        public var found: Bool
    }

    public var ngspice: Ngspice
    public var osdiModel: CompiledModel
    public var xspiceModel: CompiledModel
    public var verilogACompiler: Compiler
    /// VACASK, which runs `--dialect vacask` exports (``VacaskProgram``).
    public var vacask: Program
    public var blas: Blas
    public var kernelInstructionSet: String
    public var datasets: [DatasetFolder]

    /// Looks at this installation (opens one ngspice instance; compiles the Verilog-A model
    /// into the cache when it is not there yet).
    public static func gather() -> InstallationReport {
        var ngspice = Ngspice(klu: false, osdi: false)
        var capabilities: NgspiceCapabilities?
        do {
            ngspice.library = try NgspiceLibrary.locate()
            let probe = try SpiceEngine(circuit: CrossbarCircuit(), model: .behavioral)
            capabilities = probe.capabilities
            ngspice.version = probe.capabilities.version
            ngspice.build = probe.capabilities.build
            ngspice.klu = probe.capabilities.hasKLU
            ngspice.osdi = probe.capabilities.hasOSDI
        } catch {
            ngspice.error = "\(error)"
        }
        if let run = try? ProgramRun.run("ngspice", arguments: ["--version"]), run.succeeded {
            ngspice.program = ProgramRun.onPath("ngspice")
            ngspice.programVersion = run.output.split(separator: " ").first { $0.hasPrefix("ngspice-") }.map(String.init)
        }

        var compiler = Compiler()
        var osdi = CompiledModel(built: false, loadable: false)
        do {
            let found = try VerilogACompiler.locate()
            (compiler.path, compiler.version) = (found.path, found.version)
            let model = try OSDIModel.threshold(compiler: found)
            (osdi.built, osdi.path, osdi.madeBy) = (true, model.path, model.compiler)
        } catch {
            compiler.error = "\(error)"
            osdi.error = "\(error)"
        }
        if osdi.built, let capabilities {
            if capabilities.hasOSDI {
                do {
                    _ = try SpiceEngine(circuit: CrossbarCircuit(), model: .compiled)
                    osdi.loadable = true
                } catch {
                    osdi.error = "\(error)"
                }
            } else {
                osdi.error = "\(SpiceError.capabilityMissing(.osdi, ngspice: capabilities.version))"
            }
        }

        var xspice = CompiledModel(built: false, loadable: false)
        do {
            let model = try CodeModel()
            (xspice.built, xspice.path, xspice.madeBy) = (true, model.path, model.builtFor)
            if let capabilities {
                try model.check(against: capabilities.build)
                xspice.loadable = !capabilities.hasOSDI
                if capabilities.hasOSDI { xspice.error = "not used: this ngspice loads the OSDI model" }
            }
        } catch {
            // ngspice with OSDI never uses the XSPICE model (and 46's source, which it needs, is not served).
            xspice.error = capabilities?.hasOSDI == true ? "not needed: this ngspice loads the OSDI model" : "\(error)"
        }

        var vacask = Program()
        do { vacask.path = try VacaskProgram.locate() } catch { vacask.error = "\(error)" }

        let checkout = PulsePropCache.checkout
        let datasets = [
            DatasetFolder(name: "MNIST", path: checkout.appendingPathComponent("../shared/data/mnist").standardizedFileURL.path, found: false),
            DatasetFolder(name: "Fashion-MNIST", path: "/usr/share/datasets/fashion-mnist", found: false),
        ].map { folder -> DatasetFolder in
            var folder = folder
            folder.found = (try? Dataset.mnistFiles(directory: folder.path)) != nil
            return folder
        }
        return InstallationReport(
            ngspice: ngspice, osdiModel: osdi, xspiceModel: xspice, verilogACompiler: compiler, vacask: vacask,
            blas: Blas(core: String(cString: openblas_get_corename()), threads: Int(openblas_get_num_threads())),
            kernelInstructionSet: Kernels.instructionSet, datasets: datasets)
    }

    /// The report as aligned text lines.
    public var text: String {
        func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
        func model(_ m: CompiledModel) -> String {
            m.loadable ? "loadable, \(m.path ?? "?")" : m.built ? "built, not loadable: \(m.error ?? "?")" : "not built: \(m.error ?? "?")"
        }
        var lines = [
            "ngspice library     " + (ngspice.library.map { "\($0) (\(ngspice.version ?? "?"))" } ?? "missing: \(ngspice.error ?? "?")"),
            "  KLU               " + yes(ngspice.klu) + (ngspice.klu ? "" : " (\(NgspiceCapability.klu.remedy))"),
            "  OSDI              " + yes(ngspice.osdi) + (ngspice.osdi ? "" : " (\(NgspiceCapability.osdi.remedy))"),
            "ngspice program     " + (ngspice.program.map { "\($0) (\(ngspice.programVersion ?? "?"))" } ?? "not on PATH (install Debian's ngspice)"),
            "openvaf-r           " + (verilogACompiler.path.map { "\($0) (\(verilogACompiler.version ?? "?"))" } ?? "missing: \(verilogACompiler.error ?? "?")"),
            "OSDI model          " + model(osdiModel),
            "XSPICE model        " + model(xspiceModel),
            "vacask              " + (vacask.path ?? "missing: \(vacask.error ?? "?")"),
            "BLAS                OpenBLAS, \(blas.core) kernels, \(blas.threads) threads",
            "training kernels    \(kernelInstructionSet)",
        ]
        lines += datasets.map { "\($0.name.padding(toLength: 20, withPad: " ", startingAt: 0))\($0.found ? "found at" : "not found at") \($0.path)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

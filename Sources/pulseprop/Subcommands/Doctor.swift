import ArgumentParser
import PulseProp

/// `pulseprop doctor`: what this installation has.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report what this installation has: ngspice (KLU, OSDI), compiled models, openvaf-r, VACASK, BLAS, kernels, datasets.",
        discussion: """
            Opens one ngspice instance and compiles the Verilog-A memristor into the cache when it \\
            is not there yet (so scripts/setup runs it once). Each missing part says what installs it.
            """)

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        guard format != .csv else { throw ValidationError("--format takes table or json") }
    }

    func run() throws {
        let report = InstallationReport.gather()
        try StandardOutput.write(format == .json ? try SnakeCaseJSON.string(report) : report.text, terminator: format == .json ? "\n" : "")
    }
}

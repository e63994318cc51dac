import ArgumentParser
import PulseProp

/// `pulseprop devices`: the device presets `--device NAME` takes.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the device presets (--device NAME) with their parameters.",
        discussion: """
            JSON gives each preset's device object (what --device FILE.json and the 'device' \
            object of calibration files hold) and the threshold-family parameters it is realised with.
            """)

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        guard format != .csv else { throw ValidationError("--format takes table or json") }
    }

    func run() throws {
        let list = DeviceList()
        try StandardOutput.write(format == .json ? try list.json() : list.table(), terminator: format == .json ? "\n" : "")
    }
}

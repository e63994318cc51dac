import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop reproduce devices`: MNIST on device pairs, every device × update scheme beside
/// ideal weights (issue 9). The device study planned into `--output`, run here and collected:
/// the same as `sweep plan devices` + `sweep run` + `sweep collect`; running it again resumes.
/// Results: `devices.md`, `devices.csv`, `devices.svg`.
struct ReproduceDevices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Train [784-110-10] on device pairs (bidirectional, unidirectional) beside ideal weights; tabulate mean ± std.")

    @OptionGroup var study: DevicesStudyOptions

    @Option(help: "Trials run at once (each single-threaded).")
    var jobs: Int = 2

    @Option(help: "Output folder (a sweep plan folder).")
    var output: String = "out/devices"

    func run() throws {
        let folder = SweepFolder(output)
        try DevicesStudy.plan(study.study(), into: folder)
        try SweepCLI.runAndCollect(folder, jobs: jobs)
    }
}

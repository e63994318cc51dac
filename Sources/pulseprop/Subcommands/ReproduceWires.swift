import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop reproduce wires`: MNIST with the crossbars' wires (issue 27, item 7), every
/// device × segment resistance × tile rows, written through the wires and read ideally or
/// through them too. The wires study planned into `--output`, run here and collected: the same
/// as `sweep plan wires` + `sweep run` + `sweep collect`; running it again resumes. Results:
/// `wires.md`, `wires.csv`, `wires.svg`.
struct ReproduceWires: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wires",
        abstract: "Train [784-110-10] on device pairs through wired crossbars (IR drop) per segment resistance × tile rows; tabulate mean ± std.")

    @OptionGroup var study: WiresStudyOptions

    @Option(help: "Trials run at once (each single-threaded).")
    var jobs: Int = 2

    @Option(help: "Output folder (a sweep plan folder).")
    var output: String = "out/wires"

    func run() throws {
        let folder = SweepFolder(output)
        try WiresStudy.plan(study.study(), into: folder)
        try SweepCLI.runAndCollect(folder, jobs: jobs)
    }
}

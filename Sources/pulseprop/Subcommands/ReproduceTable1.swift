import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop reproduce table1`: all twelve cells of Table 1 of Negrov et al. (2017).
///
/// The Table 1 study planned into `--output`, run here and collected: the same as
/// `sweep plan table1` + `sweep run` + `sweep collect`. Each trial is a `pulseprop train`
/// child with its own folder and checkpoint, `--jobs` at a time; running the command again
/// resumes unfinished trials and skips finished ones. Results: `table1.md`, `table1.csv`,
/// and `fig6-<resolution>.svg`.
struct ReproduceTable1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table1",
        abstract: "Run the 12 cells of Table 1 (MNIST, [784-110-10]) and tabulate mean ± std beside the paper.")

    @OptionGroup var study: Table1StudyOptions

    @Option(help: "Trials run at once (each single-threaded).")
    var jobs: Int = 2

    @Option(help: "Output folder (a sweep plan folder).")
    var output: String = "out/table1"

    func run() throws {
        let folder = SweepFolder(output)
        try Table1Study.plan(study.study(), into: folder)
        try SweepCLI.runAndCollect(folder, jobs: jobs)
    }
}

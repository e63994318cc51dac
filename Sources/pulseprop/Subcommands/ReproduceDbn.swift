import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop reproduce dbn`: the memristive deep belief net of Wang et al. (2022) on MNIST,
/// ideal weights and every device preset written per batch and by accumulate-then-fire
/// (issue 12). The study planned into `--output`, run here and collected: the same as
/// `sweep plan dbn` + `sweep run` + `sweep collect`; running it again resumes.
/// Results: `dbn.md`, `dbn.csv`, `dbn.svg`.
struct ReproduceDbn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Train the deep belief net with ideal weights and on device pairs (per-batch vs accumulate writes); tabulate mean ± std.")

    @OptionGroup var study: BeliefNetStudyOptions

    @Option(help: "Trials run at once (each single-threaded).")
    var jobs: Int = 2

    @Option(help: "Output folder (a sweep plan folder).")
    var output: String = "out/dbn"

    func run() throws {
        let folder = SweepFolder(output)
        try BeliefNetStudy.plan(study.study(), into: folder)
        try SweepCLI.runAndCollect(folder, jobs: jobs)
    }
}

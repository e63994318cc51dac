import ArgumentParser
import PulseProp

/// `pulseprop sweep plan STUDY …`: writes a plan folder.
struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Expand a study into a plan folder of runs (planning again keeps finished runs).",
        subcommands: [Table1.self, WireSweep.self, WireTraining.self, Devices.self, Dbn.self, Wires.self])

    /// Plans `study` with `options` into `output` and says what is there.
    static func plan<S: Study>(_ study: S.Type, _ options: S.Options, output: String) throws {
        let folder = SweepFolder(output)
        try study.plan(options, into: folder)
        try StandardOutput.write(try SweepProgress(of: folder).text, terminator: "")
        try StandardOutput.write("planned in \(folder.path); next: pulseprop sweep run \(shellWord(output)) (or sweep slurm, sweep commands)")
    }

    struct Table1: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "table1", abstract: "Table 1 of Negrov et al. (2017): cells × seeds of MNIST training.")
        @OptionGroup var options: Table1StudyOptions
        @Option(help: "Plan folder.") var output: String

        func run() throws { try plan(Table1Study.self, options.study(), output: output) }
    }

    struct WireSweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wire-sweep", abstract: "Analytic engine vs SPICE over array sizes × wire resistances.")
        @OptionGroup var sweep: WireSweepStudyOptions
        @Option(help: "Pulse levels of the step.") var levels: Int = 20
        @Option(help: "Seed of the step's signals and states.") var seed: UInt64 = 1
        @Option(help: "Plan folder.") var output: String

        func run() throws {
            try plan(WireSweepStudy.self, sweep.study(levels: levels, seed: seed, validateArguments: []), output: output)
        }
    }

    struct WireTraining: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wire-training", abstract: "Circuit-in-the-loop training of the built-in task per wire/driver resistance.")
        @OptionGroup var options: WireTrainingStudyOptions
        @Option(help: "Plan folder.") var output: String

        func run() throws { try plan(WireTrainingStudy.self, options.study(), output: output) }
    }

    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "devices", abstract: "MNIST on device pairs: devices × update schemes beside ideal weights.")
        @OptionGroup var options: DevicesStudyOptions
        @Option(help: "Plan folder.") var output: String

        func run() throws { try plan(DevicesStudy.self, options.study(), output: output) }
    }

    struct Dbn: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dbn", abstract: "MNIST deep belief nets: ideal weights and device pairs × write schemes.")
        @OptionGroup var options: BeliefNetStudyOptions
        @Option(help: "Plan folder.") var output: String

        func run() throws { try plan(BeliefNetStudy.self, options.study(), output: output) }
    }

    struct Wires: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wires", abstract: "MNIST with wires (IR drop): devices × segment resistances × tile rows, wired write and read.")
        @OptionGroup var options: WiresStudyOptions
        @Option(help: "Plan folder.") var output: String

        func run() throws { try plan(WiresStudy.self, options.study(), output: output) }
    }
}

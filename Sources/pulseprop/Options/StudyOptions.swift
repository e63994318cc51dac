import ArgumentParser
import Foundation
import PulseProp

/// Options of the Table 1 study (`reproduce table1`, `sweep plan table1`).
struct Table1StudyOptions: ParsableArguments {
    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Trials (seeds 1…trials) per cell.")
    var trials: Int = 10

    @Option(help: "Epochs per trial.")
    var epochs: Int = 50

    @Option(help: "Comma-separated resolutions to run: 0 (continuous), 100, 20 (default: all three).")
    var levels: String?

    @Option(help: "Train on the first N training examples only (a quick look, not the paper's setting).")
    var trainLimit: Int?

    @Option(help: "Test on the first N test examples only.")
    var testLimit: Int?

    @Option(help: "Pulse quanta of every trial: shared or separate (see train --quantisation).")
    var quantisation: PulseQuantisation?

    @Option(help: "Rounding of every trial's pulse counts: nearest or floor.")
    var rounding: PulseRounding?

    @Option(help: "LABEL=DIR: tabulate the finished trials of another Table 1 folder beside this study in comparison.md/csv (repeatable; this study's column first).")
    var beside: [String] = []

    /// The study's options, validated, with the data folder checked before any run starts.
    func study() throws -> Table1Study.Options {
        let columns = try beside.map { text -> Table1Study.Options.Beside in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                throw ParameterError("beside", "must be LABEL=DIR, got '\(text)'")
            }
            return .init(label: String(text[..<equals]), folder: String(text[text.index(after: equals)...]))
        }
        let options = Table1Study.Options(
            data: data, trials: trials, epochs: epochs,
            levels: try levels.map { try integerList($0, name: "levels") }, trainLimit: trainLimit, testLimit: testLimit,
            quantisation: quantisation, rounding: rounding, beside: columns.isEmpty ? nil : columns)
        try options.validate()
        try options.checkFoldersBeside()
        _ = try Dataset.mnist(directory: options.data)
        return options
    }
}

/// Options of the wire-sweep study (`validate --sweep-*`, `sweep plan wire-sweep`).
struct WireSweepStudyOptions: ParsableArguments {
    @Option(help: "Comma-separated square sizes for a wire sweep.")
    var sweepSizes: String?

    @Option(help: "Comma-separated wire resistances (ohm per segment) for a wire sweep.")
    var sweepResistances: String?

    /// The study's options for steps of `levels` levels from `seed`; `validateArguments` are
    /// passed to every run.
    func study(levels: Int, seed: UInt64, validateArguments: [String]) throws -> WireSweepStudy.Options {
        let options = WireSweepStudy.Options(
            sizes: try integerList(sweepSizes ?? "4,8,16", name: "sweep-sizes"),
            resistances: try numberList(sweepResistances ?? "0,1,2,5,10,20", name: "sweep-resistances"),
            levels: levels, seed: seed, validateArguments: validateArguments)
        try options.validate()
        return options
    }
}

/// Options of the wire-training study (`sweep plan wire-training`, `scripts/wire-training`).
struct WireTrainingStudyOptions: ParsableArguments {
    @Option(help: "Epochs per run.")
    var epochs: Int = 8

    @Option(help: "Side of the built-in task's stroke image (passed to every run's train --task-grid; default 3).")
    var taskGrid: Int?

    @Argument(help: "SEGMENT:DRIVER resistance pairs in ohms (default: 0:0 2:0 10:0 50:0 200:0 0:200 10:200 0:1000 0:3000).")
    var pairs: [String] = []

    func study() throws -> WireTrainingStudy.Options {
        let parsed = try pairs.map { text -> WireTrainingStudy.Options.Pair in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let s = Double(parts[0]), let d = Double(parts[1]) else {
                throw ParameterError("pairs", "'\(text)' is not SEGMENT:DRIVER in ohms, e.g. 10:200")
            }
            return .init(segment: s, driver: d)
        }
        try taskGrid.map(BuiltinTask.validate(side:))
        let options = WireTrainingStudy.Options(
            pairs: parsed.isEmpty ? WireTrainingStudy.Options.defaultPairs : parsed, epochs: epochs,
            trainArguments: taskGrid.map { ["--task-grid", String($0)] } ?? [])
        try options.validate()
        return options
    }
}

/// A comma-separated list of numbers; one line naming `name` for a bad entry.
func numberList(_ text: String, name: String) throws -> [Double] {
    try text.split(separator: ",").map {
        guard let v = Double($0.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw ParameterError(name, "'\($0)' is not a number")
        }
        return v
    }
}

/// A comma-separated list of whole numbers; one line naming `name` for a bad entry.
func integerList(_ text: String, name: String) throws -> [Int] {
    try text.split(separator: ",").map {
        guard let v = Int($0.trimmingCharacters(in: .whitespaces)) else { throw ParameterError(name, "'\($0)' is not a whole number") }
        return v
    }
}

/// A comma-separated list of write schemes, each one of `allowed`; one line naming `name` and
/// the allowed spellings for a bad entry.
func writeList(_ text: String, name: String, allowed: [DeviceWrite] = DeviceWrite.allCases) throws -> [DeviceWrite] {
    try text.split(separator: ",").map { entry in
        let spelled = entry.trimmingCharacters(in: .whitespaces)
        guard let write = DeviceWrite(rawValue: spelled), allowed.contains(write) else {
            let choices = allowed.map(\.rawValue)
            throw ParameterError(name, "'\(spelled)' is not \(choices.dropLast().joined(separator: ", ")) or \(choices.last!)")
        }
        return write
    }
}

/// Options of the device study (`reproduce devices`, `sweep plan devices`).
struct DevicesStudyOptions: ParsableArguments {
    @OptionGroup var runs: MNISTStudyRunOptions

    @Option(help: "Learning rate eta of every cell (ideal weights: --lr; device pairs: --device-eta).")
    var eta: Double = 1e-4

    @Option(help: "Unidirectional cells refresh a layer when both devices of a pair reach this state.")
    var refreshSaturation: Double = 0.8

    @Option(help: "Comma-separated device presets (default: all, see 'pulseprop devices').")
    var devices: String?

    @Option(help: "Comma-separated device-to-device variations (--d2d sigma; 0 = none).")
    var variations = "0,0.1"

    @Option(help: "Comma-separated write schemes of the device cells: per-example, per-batch, accumulate (default: all three).")
    var writes = DeviceWrite.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Pulse quanta per fired pulse of the accumulate cells (train --threshold).")
    var threshold = 1.0

    /// The study's options, validated, with the data folder checked before any run starts.
    func study() throws -> DevicesStudy.Options {
        try requireFinite(["eta": eta, "refresh-saturation": refreshSaturation, "threshold": threshold])
        let schemes = try writeList(writes, name: "writes")
        let options = DevicesStudy.Options(
            data: runs.data, trials: runs.trials, epochs: runs.epochs, levels: runs.levels, eta: eta, refreshSaturation: refreshSaturation,
            devices: devices.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                ?? DevicePreset.all.map(\.name),
            variations: try numberList(variations, name: "variations"), writes: schemes, threshold: threshold,
            trainLimit: runs.trainLimit, testLimit: runs.testLimit)
        try options.validate()
        _ = try Dataset.mnist(directory: options.data)
        return options
    }
}

/// Options of the belief-net study (`reproduce dbn`, `sweep plan dbn`).
struct BeliefNetStudyOptions: ParsableArguments {
    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Trials (seeds 1…trials) per cell.")
    var trials: Int = 3

    @Option(help: "Epochs of pre-training per RBM.")
    var epochs: Int = 30

    @Option(help: "Hidden units of each RBM from the input up, comma-separated.")
    var layers = "500,500,2000"

    @Option(help: "Minibatch size (and the accumulate threshold: one pulse per batch-size counts).")
    var batch = 100

    @Option(help: "Comma-separated device presets (default: all, see 'pulseprop devices').")
    var devices: String?

    @Option(help: "Comma-separated write schemes: per-batch, accumulate.")
    var writes = "per-batch,accumulate"

    @Option(help: "CD statistics of every run: probabilities (the default of 'dbn train') or samples (binary units, as Wang et al.'s code).")
    var statistics: BeliefNetStatistics?

    @Option(help: "Momentum of every run (default: that of 'dbn train', 0.9).")
    var momentum: Double?

    @Option(help: "Weight cost of every run (default: that of 'dbn train', 0.0002).")
    var weightDecay: Double?

    @Option(help: "Train on the first N training examples only (a quick look).")
    var trainLimit: Int?

    @Option(help: "Test on the first N test examples only.")
    var testLimit: Int?

    /// The study's options, validated, with the data folder checked before any run starts.
    func study() throws -> BeliefNetStudy.Options {
        let schemes = try writeList(writes, name: "writes", allowed: DeviceWrite.minibatchWrites)
        let options = BeliefNetStudy.Options(
            data: data, trials: trials, epochs: epochs, layers: try integerList(layers, name: "layers"), batch: batch,
            devices: devices.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                ?? DevicePreset.all.map(\.name),
            writes: schemes, statistics: statistics, momentum: momentum,
            weightDecay: weightDecay, trainLimit: trainLimit, testLimit: testLimit)
        try options.validate()
        _ = try Dataset.mnist(directory: options.data)
        return options
    }
}

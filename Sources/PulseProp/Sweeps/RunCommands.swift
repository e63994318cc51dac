import Foundation

/// The `pulseprop` command lines studies plan, typed: a study fills in fields, and each command
/// renders its arguments here, the one place in the library that spells the executable's flag
/// names (a test parses every planned run of every study with the real parser, so a renamed
/// flag fails in seconds).
public protocol RunCommand {
    /// The arguments of `pulseprop` (without the executable).
    var arguments: [String] { get }
}

/// Appends `--name value` for each value present.
private struct ArgumentList {
    private(set) var words: [String]

    init(_ command: [String]) { words = command }

    mutating func add(_ name: String, _ value: String?) {
        if let value { words += ["--\(name)", value] }
    }

    mutating func add(_ name: String, _ value: Int?) { add(name, value.map(String.init)) }
    mutating func add(_ name: String, _ value: UInt64?) { add(name, value.map(String.init)) }
    mutating func add(_ name: String, _ value: Double?) { add(name, value?.shortDecimal) }
    mutating func add<Value: RawRepresentable>(_ name: String, _ value: Value?) where Value.RawValue == String {
        add(name, value?.rawValue)
    }

    mutating func flag(_ name: String, _ on: Bool) {
        if on { words.append("--\(name)") }
    }

    mutating func append(_ more: [String]) { words += more }
}

/// `pulseprop train …`, writing into `output` and resuming its checkpoint.
public struct TrainCommand: RunCommand, Equatable, Sendable {
    public var data: String?
    public var method: UpdateMethod?
    public var feedback: FeedbackKind?
    public var levels: Int?
    public var epochs: Int?
    public var seed: UInt64?
    public var weights: WeightMode?
    public var device: String?
    public var d2d: Double?
    public var update: UpdateScheme?
    public var rounding: PulseRounding?
    public var quantisation: PulseQuantisation?
    public var lr: Double?
    public var deviceEta: Double?
    public var refreshSaturation: Double?
    public var write: DeviceWrite?
    public var threshold: Double?
    public var engine: EngineKind?
    public var compare = false
    public var spiceRead = false
    /// Reads the forward products through the wires (``CrossbarHardware/wiredRead``).
    public var wiredRead = false
    public var wireResistance: Double?
    public var driverResistance: Double?
    /// Tiles (``CrossbarTiling``); absent from older run.json files, which ran untiled.
    public var tileRows: Int?
    public var tileCols: Int?
    /// Threads per run (studies run runs side by side, one core each).
    public var threads: Int?
    public var trainLimit: Int?
    public var testLimit: Int?
    /// Further options the user gave the study, passed through as they are.
    public var extra: [String] = []
    public var output: String

    public init(output: String) { self.output = output }

    public var arguments: [String] {
        var list = ArgumentList(["train"])
        list.add("data", data)
        list.add("method", method)
        list.add("feedback", feedback)
        list.add("levels", levels)
        list.add("epochs", epochs)
        list.add("seed", seed)
        list.add("weights", weights)
        list.add("device", device)
        list.add("d2d", d2d)
        list.add("update", update)
        list.add("rounding", rounding)
        list.add("quantisation", quantisation)
        list.add("lr", lr)
        list.add("device-eta", deviceEta)
        list.add("refresh-saturation", refreshSaturation)
        list.add("write", write)
        list.add("threshold", threshold)
        list.add("engine", engine)
        list.flag("compare", compare)
        list.flag("spice-read", spiceRead)
        list.flag("wired-read", wiredRead)
        list.add("wire-resistance", wireResistance)
        list.add("driver-resistance", driverResistance)
        list.add("tile-rows", tileRows)
        list.add("tile-cols", tileCols)
        list.add("threads", threads)
        list.add("train-limit", trainLimit)
        list.add("test-limit", testLimit)
        list.append(extra)
        list.add("output", output)
        list.flag("resume", true)
        return list.words
    }
}

/// `pulseprop dbn train …`, writing into `output` and resuming its checkpoint.
public struct BeliefNetTrainCommand: RunCommand, Equatable, Sendable {
    public var data: String?
    public var layers: [Int]
    public var epochs: Int
    public var batch: Int
    public var seed: UInt64
    /// Device pairs of this preset written this way (nil: float weights).
    public var pairs: (device: String, write: DeviceWrite)?
    public var statistics: BeliefNetStatistics?
    public var momentum: Double?
    public var weightDecay: Double?
    public var trainLimit: Int?
    public var testLimit: Int?
    public var output: String

    public init(layers: [Int], epochs: Int, batch: Int, seed: UInt64, output: String) {
        (self.layers, self.epochs, self.batch, self.seed, self.output) = (layers, epochs, batch, seed, output)
    }

    public static func == (a: Self, b: Self) -> Bool { a.arguments == b.arguments }

    public var arguments: [String] {
        var list = ArgumentList(["dbn", "train"])
        list.add("data", data)
        list.add("layers", layers.map(String.init).joined(separator: ","))
        list.add("epochs", epochs)
        list.add("batch", batch)
        list.add("seed", seed)
        if let pairs {
            list.add("weights", WeightMode.pair)
            list.add("device", pairs.device)
            list.add("write", pairs.write)
        }
        list.add("statistics", statistics)
        list.add("momentum", momentum.map { String($0) })
        list.add("weight-decay", weightDecay.map { String($0) })
        list.add("train-limit", trainLimit)
        list.add("test-limit", testLimit)
        list.add("output", output)
        list.flag("resume", true)
        return list.words
    }
}

/// `pulseprop validate …`: one random step in SPICE and the analytic engine, the comparison
/// printed as JSON.
public struct ValidateCommand: RunCommand, Equatable, Sendable {
    public var size: Int
    public var levels: Int
    public var seed: UInt64
    public var wireResistance: Double
    /// Further options the user gave the study (circuit options), passed through as they are.
    public var extra: [String] = []

    public init(size: Int, levels: Int, seed: UInt64, wireResistance: Double, extra: [String] = []) {
        (self.size, self.levels, self.seed, self.wireResistance, self.extra) = (size, levels, seed, wireResistance, extra)
    }

    public var arguments: [String] {
        var list = ArgumentList(["validate"])
        list.add("rows", size)
        list.add("cols", size)
        list.add("levels", levels)
        list.add("seed", seed)
        list.append(extra)
        list.add("wire-resistance", wireResistance)
        list.add("format", "json")
        return list.words
    }
}

extension SweepRun {
    /// A run of `command`.
    public init(id: String, command: some RunCommand, seed: UInt64? = nil, stdoutFile: String? = nil) {
        self.init(id: id, arguments: command.arguments, seed: seed, stdoutFile: stdoutFile)
    }
}

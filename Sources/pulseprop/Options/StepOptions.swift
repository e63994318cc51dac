import ArgumentParser
import PulseProp

/// Options that choose one learning step: crossbar size, encoding, and signals and states
/// drawn from a seed or read from CSV files.
struct StepOptions: ParsableArguments {
    @Option(help: "Number of crossbar rows (inputs x).")
    var rows: Int = 4

    @Option(help: "Number of crossbar columns (errors delta).")
    var cols: Int = 4

    @Option(help: "Pulse levels N over the x range [0, x-max] (one pulse = x-max/N).")
    var levels: Int = 20

    @Option(help: "Seed for the random signals and initial states.")
    var seed: UInt64 = 1

    @Option(help: "Upper end of the x range.")
    var xMax: Double = 5

    @Option(help: "Lower end of the delta range.")
    var deltaMin: Double = -1

    @Option(help: "Upper end of the delta range.")
    var deltaMax: Double = 2

    @Option(name: .customLong("x"), help: "CSV file of the rows' forward signals x (instead of the seed).")
    var xFile: String?

    @Option(name: .customLong("delta"), help: "CSV file of the columns' errors delta (instead of the seed).")
    var deltaFile: String?

    @Option(name: .customLong("state"), help: "CSV file of initial device states in [0,1], one line per row (instead of the seed).")
    var stateFile: String?

    func validate() throws {
        try requireFinite(["x-max": xMax, "delta-min": deltaMin, "delta-max": deltaMax])
    }

    /// The pulse encoding, validated.
    func encoding() throws -> PulseEncoding {
        try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
        let encoding = PulseEncoding(levels: levels, xMax: xMax, deltaMin: deltaMin, deltaMax: deltaMax)
        try encoding.validate()
        return encoding
    }

    /// The memory cost of the step these options choose (sizes and encoding validated).
    func cost() throws -> StepCost {
        try require(rows >= 1, "rows", "must be ≥ 1, got \(rows)")
        try require(cols >= 1, "cols", "must be ≥ 1, got \(cols)")
        return StepCost(rows: rows, cols: cols, slots: try encoding().maxCount)
    }

    /// The step's inputs: drawn from the seed, with any CSV file replacing its part.
    func inputs() throws -> StepInputs {
        _ = try cost()
        let random = try StepInputs.random(rows: rows, cols: cols, seed: seed, encoding: encoding())
        return try StepInputs(
            x: try xFile.map { try NumericCSV.vector(atPath: $0, count: rows, name: "x") } ?? random.x,
            delta: try deltaFile.map { try NumericCSV.vector(atPath: $0, count: cols, name: "delta") } ?? random.delta,
            states: try stateFile.map { try NumericCSV.matrix(atPath: $0, rows: rows, cols: cols, name: "state") }
                ?? random.states)
    }
}

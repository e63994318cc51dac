import Foundation

/// What one epoch of training measured.
public struct EqPropEpochResult: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Mean free-phase cost `C/A_out² = ½ Σ_o (y_o − t_o)²` over the training examples.
    public let trainLoss: Double
    /// Test error (the task's metric) after the epoch.
    public let error: Double
    /// Mean cosine similarity between the applied state changes and the ones the other update
    /// mode would have made from the same states, over the first examples of the epoch.
    public let modeCosine: Double
    /// Over the same examples, the mean RMS (over devices) of the applied state changes and of
    /// their difference from the other mode's (nil in epochs of checkpoints written before
    /// they were measured).
    public let stepRms: Double?
    public let modeRmsDifference: Double?
    public let seconds: Double
}

/// What one pass over the training examples measured (``EqPropTrainer/epoch(_:_:using:)``).
public struct EqPropEpochStatistics: Equatable, Sendable {
    /// Mean free-phase cost `C/A_out²`.
    public var loss = 0.0
    /// Mode comparison (``EqPropEpochResult``), means over the compared examples.
    public var modeCosine = 0.0
    public var stepRms = 0.0
    public var modeRmsDifference = 0.0
}

/// Equilibrium-propagation training: per example a free and a nudged equilibrium from
/// `engine`, the gradient estimate (``EqPropGradient``) and a device update (``EqPropUpdater``).
/// In the continuous mode an engine that simulates the drift (``EqPropDriftEngine``: SPICE)
/// runs the nudged phase with the devices drifting in it instead; the gradient for the mode
/// comparison then comes from that phase's node voltages.
public struct EqPropTrainer {
    public let engine: any EqPropEngine
    /// Nudging strength `β`.
    public let beta: Double
    public private(set) var updater: EqPropUpdater
    /// The other mode, for the mode comparison only (never applied).
    private var shadow: EqPropUpdater
    /// How many examples per epoch the mode comparison covers.
    public var comparedExamples = 100

    /// A trainer of devices `device` (a Verilog-A one's pulses simulated in the SPICE engine's
    /// ngspice, or through `calibration` with the analytic one: ``EqPropUpdater``). An engine
    /// that simulates the continuous rule's drift needs the device's drive law, which a
    /// Verilog-A device does not have: that combination is refused.
    public init(
        engine: any EqPropEngine, beta: Double, mode: EqPropUpdateMode, rate: Double, hiddenRate: Double? = nil, device: Device, seed: UInt64,
        calibration: PulseResponseCalibration? = nil
    ) throws {
        try require(beta > 0 && beta.isFinite, "beta", "must be a finite number > 0, got \(beta)")
        self.engine = engine
        self.beta = beta
        let solver = engine as? EqPropSpiceSolver
        updater = try EqPropUpdater(
            mode: mode, rate: rate, hiddenRate: hiddenRate, device: device, seed: seed, calibration: calibration, solver: solver)
        shadow = try EqPropUpdater(
            mode: mode == .pulses ? .continuous : .pulses, rate: rate, hiddenRate: hiddenRate, device: device, seed: seed &+ 1,
            calibration: calibration, solver: solver)
        if mode == .continuous, engine is any EqPropDriftEngine, updater.drives == nil { throw EqPropConfiguration.continuousSpiceError }
    }

    /// Free and nudged equilibria of `example`.
    public func phases(_ network: EqPropNetwork, _ example: EqPropExample) throws -> (free: [Double], nudged: [Double]) {
        let free = try engine.equilibrium(of: network, input: example.input, nudge: nil, start: nil)
        let nudge = EqPropNudge(beta: beta, targets: example.target)
        return (free, try engine.equilibrium(of: network, input: example.input, nudge: nudge, start: free))
    }

    /// One pass over `examples` in an order shuffled by `generator`.
    public mutating func epoch(_ network: inout EqPropNetwork, _ examples: [EqPropExample], using generator: inout SeededGenerator) throws -> EqPropEpochStatistics {
        var sums = EqPropEpochStatistics()
        var compared = 0
        let drifting = updater.mode == .continuous ? engine as? any EqPropDriftEngine : nil
        for (k, example) in examples.shuffled(using: &generator).enumerated() {
            var next = network
            let (free, nudged): ([Double], [Double])
            if let drifting {
                free = try engine.equilibrium(of: network, input: example.input, nudge: nil, start: nil)
                (nudged, next) = try drifting.nudgedDrift(
                    of: network, input: example.input, nudge: EqPropNudge(beta: beta, targets: example.target),
                    drift: EqPropDrift(free: free, drives: updater.drives!))
            } else {
                (free, nudged) = try phases(network, example)
            }
            sums.loss += zip(network.outputValues(free), example.target).reduce(0) { $0 + 0.5 * ($1.0 - $1.1) * ($1.0 - $1.1) }
            let gradient = EqPropGradient(network: network, input: example.input, free: free, nudged: nudged, beta: beta)
            if drifting == nil { try updater.apply(gradient, to: &next) }
            if k < comparedExamples {
                var copy = network
                let (applied, other) = (Self.stateChanges(from: network, to: next), try shadow.apply(gradient, to: &copy))
                sums.modeCosine += Self.cosine(applied, other)
                sums.stepRms += Self.rms(applied)
                sums.modeRmsDifference += Self.rms(zip(applied, other).map { $0 - $1 })
                compared += 1
            }
            network = next
        }
        let n = compared > 0 ? Double(compared) : .nan
        return EqPropEpochStatistics(
            loss: sums.loss / Double(examples.count), modeCosine: sums.modeCosine / n, stepRms: sums.stepRms / n,
            modeRmsDifference: sums.modeRmsDifference / n)
    }

    /// The task's error of `network` on `examples` (free phase).
    public func error(_ network: EqPropNetwork, on examples: [EqPropExample], metric: EqPropMetric) throws -> Double {
        try examples.reduce(0) { sum, example in
            let v = try engine.equilibrium(of: network, input: example.input, nudge: nil, start: nil)
            return sum + metric.error(network.outputValues(v), example.target)
        } / Double(examples.count)
    }

    /// The state changes from `a` to `b` (hidden layer then output layer, row-major).
    static func stateChanges(from a: EqPropNetwork, to b: EqPropNetwork) -> [Double] {
        zip(b.hiddenStates.elements + b.outputStates.elements, a.hiddenStates.elements + a.outputStates.elements).map { $0 - $1 }
    }

    /// `√(Σ a²/n)`.
    static func rms(_ a: [Double]) -> Double {
        (a.reduce(0) { $0 + $1 * $1 } / Double(a.count)).squareRoot()
    }

    /// `a·b/(|a||b|)`; 1 when both are zero.
    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        return norms > 0 ? dot / norms : 1
    }
}

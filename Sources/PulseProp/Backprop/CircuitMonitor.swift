/// Per-epoch circuit figures of device training.
public struct CircuitEpochStats: Codable, Equatable, Sendable {
    /// Learning steps (one per crossbar per example that sent pulses; with per-batch writes one
    /// per written row of a crossbar per minibatch).
    public var steps = 0
    /// Pulses sent by all drivers (rows pulse in both phases, columns in one).
    public var pulsesSent = 0
    /// Coincident (writing) pulses summed over devices.
    public var coincidentPulses = 0
    /// Devices whose state moved although they had no coincidence (half-select disturb).
    public var disturbedDevices = 0
    /// Energy dissipated in devices in phase 1 and phase 2, J (engine's own figure).
    public var deviceEnergy = [0.0, 0.0]
    /// Energy delivered by drivers in phase 1 and phase 2, J.
    public var driverEnergy = [0.0, 0.0]
    /// The analytic model's device-energy estimate for the same steps (when shadowed), J.
    public var analyticEnergy = 0.0
    /// RMS of `|ΔG_engine − ΔG_analytic|` over written devices, fraction of the range (when shadowed).
    public var deltaGRMSDifference = 0.0
    /// Written devices whose ΔG had the same sign in both engines, fraction (when shadowed), of
    /// those that moved in either engine by more than ``CrossbarStepResult/changeThreshold`` of
    /// the range (before December 2026 every coincident device counted, so a device neither
    /// engine moved counted by the sign of SPICE's 1e-16 noise).
    public var directionAgreement = 1.0
    /// Column outputs read from the crossbars in SPICE (`--spice-read`).
    public var readProducts = 0
    /// RMS of the read product minus the ideal product `Σ x·w` (pre-activation units).
    public var readRMSError = 0.0
    /// That error relative to the RMS of the ideal product.
    public var readRelativeError = 0.0
    /// Pair refreshes (one per layer refreshed); their steps are counted in the figures above too.
    public var refreshes = 0
    /// Pulses sent by refresh steps (part of ``pulsesSent``).
    public var refreshPulses = 0
    /// Coincident potentiation pulses of learning writes (refreshes not included).
    public var potentiationPulses = 0
    /// Coincident depression pulses of learning writes (refreshes not included).
    public var depressionPulses = 0
    /// `Σ_devices min(P, D)` over the epoch, `P` and `D` a device's potentiation and depression
    /// pulses: the pulses that undid each other on one device. On a device whose up and down
    /// steps differ they leave a drift instead of nothing; a write of net counts would have
    /// cancelled them before any pulse (as per-batch writes do within a minibatch).
    public var opposedPulses = 0
    /// Pairs (crossbar columns `2j`, `2j + 1`): `Σ_pairs min(P⁺, P⁻)` over the epoch, the
    /// potentiation pulses of a pair's two devices that cancel in its weight. Unidirectional
    /// updates undo a weight change this way: both devices climb toward saturation.
    public var pairOpposedPulses = 0

    /// Creates empty figures.
    public init() {}

    /// Decodes figures; fields added later (refreshes) read as 0 from older logs.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decode(Int.self, forKey: .steps)
        pulsesSent = try c.decode(Int.self, forKey: .pulsesSent)
        coincidentPulses = try c.decode(Int.self, forKey: .coincidentPulses)
        disturbedDevices = try c.decode(Int.self, forKey: .disturbedDevices)
        deviceEnergy = try c.decode([Double].self, forKey: .deviceEnergy)
        driverEnergy = try c.decode([Double].self, forKey: .driverEnergy)
        analyticEnergy = try c.decode(Double.self, forKey: .analyticEnergy)
        deltaGRMSDifference = try c.decode(Double.self, forKey: .deltaGRMSDifference)
        directionAgreement = try c.decode(Double.self, forKey: .directionAgreement)
        readProducts = try c.decode(Int.self, forKey: .readProducts)
        readRMSError = try c.decode(Double.self, forKey: .readRMSError)
        readRelativeError = try c.decode(Double.self, forKey: .readRelativeError)
        refreshes = try c.decodeIfPresent(Int.self, forKey: .refreshes) ?? 0
        refreshPulses = try c.decodeIfPresent(Int.self, forKey: .refreshPulses) ?? 0
        potentiationPulses = try c.decodeIfPresent(Int.self, forKey: .potentiationPulses) ?? 0
        depressionPulses = try c.decodeIfPresent(Int.self, forKey: .depressionPulses) ?? 0
        opposedPulses = try c.decodeIfPresent(Int.self, forKey: .opposedPulses) ?? 0
        pairOpposedPulses = try c.decodeIfPresent(Int.self, forKey: .pairOpposedPulses) ?? 0
    }

    /// The figures of every epoch of `history` that has them, summed; the ratios and RMS
    /// figures are those of the last epoch. Nil when no epoch has circuit figures.
    public static func total(of history: [BackpropEpoch]) -> CircuitEpochStats? {
        let epochs = history.compactMap(\.circuit)
        guard let first = epochs.first else { return nil }
        return epochs.dropFirst().reduce(into: first) { total, e in
            total.steps += e.steps
            total.pulsesSent += e.pulsesSent
            total.coincidentPulses += e.coincidentPulses
            total.disturbedDevices += e.disturbedDevices
            total.deviceEnergy = zip(total.deviceEnergy, e.deviceEnergy).map(+)
            total.driverEnergy = zip(total.driverEnergy, e.driverEnergy).map(+)
            total.analyticEnergy += e.analyticEnergy
            total.deltaGRMSDifference = e.deltaGRMSDifference
            total.directionAgreement = e.directionAgreement
            total.readProducts += e.readProducts
            total.readRMSError = e.readRMSError
            total.readRelativeError = e.readRelativeError
            total.refreshes += e.refreshes
            total.refreshPulses += e.refreshPulses
            total.potentiationPulses += e.potentiationPulses
            total.depressionPulses += e.depressionPulses
            total.opposedPulses += e.opposedPulses
            total.pairOpposedPulses += e.pairOpposedPulses
        }
    }

    private enum CodingKeys: String, CodingKey {
        case steps, pulsesSent, coincidentPulses, disturbedDevices, deviceEnergy, driverEnergy, analyticEnergy
        case deltaGRMSDifference = "dgRmsDifference"
        case directionAgreement, readProducts
        case readRMSError = "readRmsError"
        case readRelativeError, refreshes, refreshPulses, potentiationPulses, depressionPulses, opposedPulses, pairOpposedPulses
    }
}

/// One ΔG pair of the shadow comparison.
public struct DeltaGPair: Codable, Equatable, Sendable {
    /// Global step number.
    public var step: Int
    /// Layer (0 or 1).
    public var layer: Int
    /// ΔG from the driving engine (SPICE), siemens.
    public var engine: Double
    /// ΔG from the analytic shadow, siemens.
    public var analytic: Double
}

/// The RMS ΔG difference between the engines in one step of one layer.
public struct StepDivergence: Codable, Equatable, Sendable {
    /// Global step number.
    public var step: Int
    /// Layer (0 or 1).
    public var layer: Int
    /// RMS of `|ΔG_engine − ΔG_analytic|` over the step's written devices, fraction of the range.
    public var rms: Double
}

/// Watches device training: counts pulses, writes, disturb and energy, and — with a shadow
/// engine — applies every step to the analytic model from the same states to record how far
/// the two engines' conductance changes diverge (SPICE drives, analytic shadows).
public final class CircuitMonitor {
    /// What the monitor has gathered over all finished epochs; a checkpoint keeps it so a
    /// resumed run continues the step numbering, write counts and comparison files.
    public struct State: Codable, Equatable, Sendable {
        /// Steps seen in all epochs.
        public var stepCount = 0
        /// Coincident pulses per device so far, per layer.
        public var writes: [Matrix<Int>?] = [nil, nil]
        /// ΔG pairs of written devices (the first ``CircuitMonitor/pairLimit``).
        public var pairs: [DeltaGPair] = []
        /// Per-step divergence of the engines.
        public var divergence: [StepDivergence] = []

        /// Checks the write counts' shapes against the crossbars of the weight `layers`
        /// (`columnsPerWeight` crossbar columns per weight column), naming the field.
        public func validate(layers: [WeightLayer], columnsPerWeight: Int = 1) throws {
            try require(stepCount >= 0, "monitor.step_count", "must be ≥ 0, got \(stepCount)")
            try require(
                writes.count == layers.count, "monitor.writes", "holds \(writes.count) layers; the network has \(layers.count)")
            let shapes = layers.map { ($0.rows, $0.cols * columnsPerWeight) }
            for (layer, (rows, cols)) in shapes.enumerated() {
                guard let w = writes[layer] else { continue }
                try require(
                    w.rows == rows && w.cols == cols, "monitor.writes[\(layer)]",
                    "is \(w.rows)×\(w.cols); the crossbar is \(rows)×\(cols)")
            }
        }
    }

    private let device: ThresholdMemristor
    private let shadow: CrossbarEngine?
    private var current = CircuitEpochStats()
    /// This epoch's coincident potentiation and depression pulses per device, per layer
    /// (learning writes only; kept for ``CircuitEpochStats/opposedPulses``).
    private var epochPulses: [(up: [Int], down: [Int])?] = []
    private var squaredDifference = 0.0
    private var compared = 0
    /// Written devices that moved in either engine (more than ``CrossbarStepResult/changeThreshold``
    /// of the range), and those of them that moved the same way: a coincident device that
    /// neither engine moves (below threshold behind the wires) has no direction to agree on,
    /// as `validate` counts.
    private var directed = 0
    private var agreeing = 0
    /// Everything gathered so far (restore it from a checkpoint before the first step).
    public var state = State()
    /// Steps seen in all epochs.
    public var stepCount: Int { state.stepCount }
    /// Coincident pulses per device so far, per layer.
    public var writes: [Matrix<Int>?] { state.writes }
    /// ΔG pairs of every written device (kept for the first `pairLimit`).
    public var pairs: [DeltaGPair] { state.pairs }
    /// Per-step divergence of the engines.
    public var divergence: [StepDivergence] { state.divergence }
    /// How many ΔG pairs to keep.
    public var pairLimit = 20000
    /// Whether the crossbars hold weights in pairs of adjacent columns (for
    /// ``CircuitEpochStats/pairOpposedPulses``).
    public var pairedColumns = false
    /// The first step of layer 0 that wrote a device, for waveform capture.
    public private(set) var firstWritingStep: (step: LearningStep, states: Matrix<Double>)?

    /// Creates a monitor for `circuit`; `shadow` is the analytic engine to compare with.
    public init(circuit: CrossbarCircuit, shadow: CrossbarEngine?) throws {
        device = try ThresholdMemristor(circuit.device)
        self.shadow = shadow
    }

    /// Records one step (install as ``DeviceWeightUpdater/observer``).
    public func record(_ event: DeviceStepEvent) throws {
        let step = event.step
        state.stepCount += 1
        current.steps += 1
        let sent = step.phases.reduce(0) { $0 + $1.pulsesSent }
        current.pulsesSent += sent
        if event.refresh != nil { current.refreshPulses += sent }
        if event.refresh == .reset { current.refreshes += 1 }
        startWrites(layer: event.layer, rows: step.rows, cols: step.cols)
        var tallied: [(device: Int, signed: Int)] = []
        var shadowStates = event.before
        let shadowEnergy = try shadow.map { try $0.apply(step, to: &shadowStates) } ?? nil
        if let shadowEnergy { current.analyticEnergy += shadowEnergy.deviceTotal }
        add(event.energy)
        var stepSquares = 0.0
        var stepWritten = 0
        // A device coincides only where its row and its column pulse in one phase; every other
        // device is only checked for disturb (a row step of a per-batch write pulses one row).
        var (pulsingRows, pulsingColumns) = ([Bool](repeating: false, count: step.rows), [Bool](repeating: false, count: step.cols))
        for i in step.pulsingRows { pulsingRows[i] = true }
        for j in step.pulsingColumns { pulsingColumns[j] = true }
        let (beforeStates, afterStates) = (event.before.elements, event.after.elements)
        for i in 0..<step.rows {
            for j in 0..<step.cols {
                let k = pulsingRows[i] && pulsingColumns[j] ? abs(step.coincidences(row: i, col: j)) : 0
                if k == 0 {
                    let moved = afterStates[i * step.cols + j] - beforeStates[i * step.cols + j]
                    if moved > CrossbarStepResult.changeThreshold || -moved > CrossbarStepResult.changeThreshold {
                        current.disturbedDevices += 1
                    }
                    continue
                }
                current.coincidentPulses += k
                state.writes[event.layer]![i, j] += k
                if event.refresh == nil { tallied.append((i * step.cols + j, step.coincidences(row: i, col: j))) }
                if firstWritingStep == nil, event.layer == 0 { firstWritingStep = (step, event.before) }
                guard shadow != nil else { continue }
                let dgEngine = device.conductance(state: event.after[i, j]) - device.conductance(state: event.before[i, j])
                let dgShadow = device.conductance(state: shadowStates[i, j]) - device.conductance(state: event.before[i, j])
                let difference = (dgEngine - dgShadow) / device.conductanceRange
                stepSquares += difference * difference
                stepWritten += 1
                let limit = CrossbarStepResult.changeThreshold * device.conductanceRange
                if abs(dgEngine) > limit || abs(dgShadow) > limit {
                    directed += 1
                    if (dgEngine > 0) == (dgShadow > 0) { agreeing += 1 }
                }
                compared += 1
                squaredDifference += difference * difference
                if state.pairs.count < pairLimit { state.pairs.append(DeltaGPair(step: stepCount, layer: event.layer, engine: dgEngine, analytic: dgShadow)) }
            }
        }
        tally(layer: event.layer, devices: step.rows * step.cols, tallied)
        if stepWritten > 0 {
            state.divergence.append(StepDivergence(step: stepCount, layer: event.layer, rms: (stepSquares / Double(stepWritten)).squareRoot()))
        }
    }

    /// Records one minibatch write an analytic engine made in one pass (install as
    /// ``DeviceWeightUpdater/writeObserver``): its row steps, pulses and energy, and every
    /// device's coincident pulses. The analytic engine disturbs no half-selected device and
    /// is not shadowed.
    public func record(write event: DeviceWriteEvent) {
        let report = event.report
        state.stepCount += report.rowSteps
        current.steps += report.rowSteps
        current.pulsesSent += report.pulsesSent
        current.coincidentPulses += report.coincidentPulses
        let counts = event.counts
        startWrites(layer: event.layer, rows: counts.rows, cols: counts.cols)
        var tallies = takeTallies(layer: event.layer, devices: counts.rows * counts.cols)
        var (potentiation, depression) = (0, 0)
        // One pass over the written devices; the write's convention: −n potentiates by n.
        state.writes[event.layer]!.elements.withUnsafeMutableBufferPointer { writes in
            tallies.up.withUnsafeMutableBufferPointer { up in
                tallies.down.withUnsafeMutableBufferPointer { down in
                    for (k, n) in zip(counts.positions, counts.counts) {
                        writes[k] += abs(n)
                        let (p, d) = (max(-n, 0), max(n, 0))
                        up[k] += p
                        down[k] += d
                        potentiation += p
                        depression += d
                    }
                }
            }
        }
        epochPulses[event.layer] = tallies
        current.potentiationPulses += potentiation
        current.depressionPulses += depression
        add(report.energy)
    }

    /// Adds `pulses`, each a device of layer `layer` (`devices` in its crossbar) and its signed
    /// coincident pulses (positive: potentiation), to this epoch's tallies and totals.
    private func tally<Pulses: Sequence>(layer: Int, devices: Int, _ pulses: Pulses) where Pulses.Element == (device: Int, signed: Int) {
        var tallies = takeTallies(layer: layer, devices: devices)
        for (device, signed) in pulses {
            if signed > 0 {
                tallies.up[device] += signed
                current.potentiationPulses += signed
            } else {
                tallies.down[device] -= signed
                current.depressionPulses -= signed
            }
        }
        epochPulses[layer] = tallies
    }

    /// Layer `layer`'s tallies of this epoch (zeros if none yet), taken out of ``epochPulses``
    /// so that they are updated in place, not copied; the caller puts them back.
    private func takeTallies(layer: Int, devices: Int) -> (up: [Int], down: [Int]) {
        while epochPulses.count <= layer { epochPulses.append(nil) }
        defer { epochPulses[layer] = nil }
        return epochPulses[layer] ?? ([Int](repeating: 0, count: devices), [Int](repeating: 0, count: devices))
    }

    /// Starts layer `layer`'s count of coincident pulses per device at zero, if not yet started.
    private func startWrites(layer: Int, rows: Int, cols: Int) {
        if state.writes[layer] == nil { state.writes[layer] = Matrix(rows: rows, cols: cols) { _, _ in 0 } }
    }

    /// Adds a step's or write's energy, when known, to the epoch's.
    private func add(_ energy: StepEnergy?) {
        guard let energy else { return }
        for p in 0..<2 {
            current.deviceEnergy[p] += energy.devices[p]
            current.driverEnergy[p] += energy.drivers[p]
        }
    }

    /// The figures since the last call, and a fresh start for the next epoch.
    public func takeEpochStats() -> CircuitEpochStats {
        var stats = current
        if pairedColumns {
            stats.pairOpposedPulses = epochPulses.compactMap { $0 }.reduce(0) { total, layer in
                total + stride(from: 0, to: layer.up.count - 1, by: 2).reduce(0) { $0 + min(layer.up[$1], layer.up[$1 + 1]) }
            }
        }
        stats.opposedPulses = epochPulses.compactMap { $0 }.reduce(0) { total, layer in
            total + zip(layer.up, layer.down).reduce(0) { $0 + min($1.0, $1.1) }
        }
        epochPulses = []
        if compared > 0 {
            stats.deltaGRMSDifference = (squaredDifference / Double(compared)).squareRoot()
            stats.directionAgreement = directed > 0 ? Double(agreeing) / Double(directed) : 1
        }
        current = CircuitEpochStats()
        (squaredDifference, compared, directed, agreeing) = (0, 0, 0, 0)
        return stats
    }
}

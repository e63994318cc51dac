/// A device-weight training run with its crossbars, engines and circuit monitor wired
/// together: the network's layers live in crossbars simulated by `hardware.engine`; every
/// step is counted (pulses, writes, disturb, energy) and, with `compare`, shadowed by the
/// analytic engine from the same device states. With `hardware.spiceRead` (or
/// `hardware.wiredRead` on wired crossbars), every forward product is read from the crossbars
/// in SPICE (or through their wires; pairs as `I⁺ − I⁻`)
/// (``CrossbarHardware/readout(weightRange:kind:deviceStates:)``).
public final class CircuitTraining {
    /// The training run (epochs, schedule, checkpoints).
    public let run: BackpropRun
    /// Pulse, write, energy and divergence figures.
    public let monitor: CircuitMonitor
    /// The crossbars' updater (device states of both layers).
    public let updater: DeviceWeightUpdater
    /// The SPICE or wired read of the forward pass, when `hardware` asks for one.
    public let readout: CircuitReadout?

    /// Builds the run; `configuration.weights` must be a device mapping (reference or pair).
    public init(
        configuration: BackpropConfiguration, hardware: CrossbarHardware, train: Dataset, test: Dataset, compare: Bool,
        checkpointPath: String? = nil, resume: Bool = false
    ) throws {
        try require(configuration.weights.isDevice, "weights", "circuit training needs --weights reference or pair")
        try require(
            !hardware.spiceRead || configuration.weights == .reference, "spice-read",
            "reads a device against the reference column: use --weights reference")
        try require(!(hardware.spiceRead && hardware.wiredRead), "wired-read", "give --spice-read or --wired-read, not both")
        let monitor = try CircuitMonitor(
            circuit: hardware.circuit, shadow: compare && hardware.engine != .analytic ? hardware.analyticWriteEngine() : nil)
        monitor.pairedColumns = configuration.weights == .pair
        self.monitor = monitor
        var made: DeviceWeightUpdater?
        run = try BackpropRun(
            configuration: configuration, train: train, test: test, checkpointPath: checkpointPath, resume: resume
        ) { checkpoint in
            if checkpoint.devices != nil { try Self.requireSameTiles(checkpoint, hardware.circuit.tiling, path: checkpointPath) }
            let updater = try hardware.updater(
                for: checkpoint.network, saved: checkpoint.devices, configuration: checkpoint.configuration)
            if let saved = checkpoint.monitor { monitor.state = saved }
            updater.observer = { try monitor.record($0) }
            updater.writeObserver = { monitor.record(write: $0) }
            made = updater
            return updater
        }
        // BackpropRun builds its weight updater in its initializer, so `made` is set here.
        let updater = made!
        self.updater = updater
        let readout = try hardware.readout(
            weightRange: configuration.weightRange, kind: configuration.weights == .pair ? .pair : .reference,
            deviceStates: { updater.states[$0] })
        self.readout = readout
        run.product = readout
        run.circuitStats = {
            var stats = monitor.takeEpochStats()
            readout?.take(into: &stats)
            return stats
        }
        run.completeCheckpoint = {
            $0.devices = updater.saved
            $0.monitor = monitor.state
            $0.tiling = hardware.circuit.tiling.isWhole ? nil : hardware.circuit.tiling
        }
    }

    /// Per-step divergence between the engines as CSV: `step,layer,dg_rms_difference`.
    public func divergenceCSV() throws -> String {
        var table = CSVTable(header: ["step", "layer", "dg_rms_difference"])
        for d in monitor.divergence { table.append([d.step, d.layer, d.rms]) }
        return try table.text()
    }

    /// Both engines' ΔG of every compared written device (the first ``CircuitMonitor/pairLimit``)
    /// as CSV: `step,layer,dg_spice_s,dg_analytic_s`.
    public func deltaGCSV() throws -> String {
        var table = CSVTable(header: ["step", "layer", "dg_spice_s", "dg_analytic_s"])
        for p in monitor.pairs { table.append([p.step, p.layer, p.engine, p.analytic]) }
        return try table.text()
    }

    /// Refuses to resume a run's devices on other tiles than it was trained on (its devices'
    /// states were written through those tiles' wires), naming the option.
    static func requireSameTiles(_ checkpoint: BackpropCheckpoint, _ tiling: CrossbarTiling, path: String?) throws {
        let saved = checkpoint.tiling ?? .whole
        guard saved != tiling else { return }
        func describe(_ t: CrossbarTiling) -> String {
            t.isWhole ? "untiled" : "on tiles of at most \(t.rows.map(String.init) ?? "all") rows and \(t.cols.map(String.init) ?? "all") columns"
        }
        throw ParameterError(
            saved.rows != tiling.rows ? "tile-rows" : "tile-cols",
            "\(path ?? "the checkpoint") was trained \(describe(saved)), not \(describe(tiling)); resume with the same tiles")
    }
}

/// A study whose runs are `pulseprop train` runs of a fixed number of epochs, each complete
/// when its `summary.json` covers them (``DevicesStudy``, ``WiresStudy``): the shared
/// completion check, progress line and result check.
public protocol TrainingStudy: Study where Options: TrainingPlanOptions {}

/// Options of a ``TrainingStudy``: the epochs every run trains.
public protocol TrainingPlanOptions: PlanOptions {
    var epochs: Int { get }
}

extension TrainingStudy {
    public static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool {
        BackpropReport.Summary.read(in: folder)?.epochs == options.epochs
    }

    public static func describe(_ run: SweepRun, folder: String) -> String? {
        BackpropReport.Summary.read(in: folder).map { String(format: "test %.2f %%", 100 * $0.testError) }
    }

    public static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String? {
        RunResultFile.trainingSummaryProblem(in: folder, epochs: options.epochs)
    }

    /// Each cell's summaries of finished runs that cover the plan's epochs.
    static func summaries<Cell: Hashable>(
        of cells: [Cell], id: (Cell) -> String, options: Options, finished: [SweepRun], in folder: SweepFolder
    ) throws -> [Cell: [BackpropReport.Summary]] {
        try results(of: cells, id: id, options: options, finished: finished, in: folder) { _, runFolder in
            BackpropReport.Summary.read(in: runFolder).flatMap { $0.epochs == options.epochs ? $0 : nil }
        }
    }
}

/// A cell's runs summarised: final test errors (percent) and circuit figures per epoch,
/// means over runs and epochs (``CircuitEpochStats``).
struct TrainingFigures {
    /// Final test error of each run, percent.
    var errors: [Double]
    /// Pulses sent by all drivers.
    var pulses: Double
    /// Energy dissipated in the devices, J (the engine's figure).
    var deviceEnergy: Double
    /// Energy the drivers delivered, J: the devices' plus the wires' and the drivers' resistances'.
    var driverEnergy: Double
    var refreshes: Double
    var opposed: Double
    var pairOpposed: Double
    /// Relative error of the read products against the ideal ones, mean over runs of the last epoch's.
    var readRelativeError: Double

    /// The figures of `summaries` over `epochs` epochs each; circuit figures nil without any.
    static func of(_ summaries: [BackpropReport.Summary], epochs: Int) -> (errors: [Double], circuit: TrainingFigures?) {
        let errors = summaries.map { 100 * $0.testError }
        let circuits = summaries.compactMap(\.circuit)
        guard !circuits.isEmpty else { return (errors, nil) }
        let n = Double(circuits.count * epochs)
        func mean(_ value: (CircuitEpochStats) -> Double) -> Double { circuits.map(value).reduce(0, +) / n }
        return (errors, TrainingFigures(
            errors: errors, pulses: mean { Double($0.pulsesSent) }, deviceEnergy: mean { $0.deviceEnergy.reduce(0, +) },
            driverEnergy: mean { $0.driverEnergy.reduce(0, +) }, refreshes: mean { Double($0.refreshes) },
            opposed: mean { Double($0.opposedPulses) }, pairOpposed: mean { Double($0.pairOpposedPulses) },
            readRelativeError: circuits.map(\.readRelativeError).reduce(0, +) / Double(circuits.count)))
    }
}

import Foundation

/// One configuration trained twice from the same seed, once with each engine
/// (``EngineKind``): the analytic twin and ngspice, as the demo sets the crossbar rule's
/// SPICE run beside its analytic one.
///
/// Both runs start from the same network and draw the same example order and pulse rounding
/// (``EqPropRun`` derives them from the seed and the epoch), so they differ only by what the
/// engines compute: the equilibria (within about 1e-9 V, see the agreement test) and, with
/// `--update continuous`, the device drift (integrated in Swift, or simulated in an ngspice
/// transient). Stochastic rounding of pulse counts can amplify a tiny difference into a
/// different whole pulse now and then, so with `pulses` the runs may part slowly.
public final class EqPropComparison {
    /// The run with the analytic engine, then the one with ngspice.
    public let analytic: EqPropRun
    public let spice: EqPropRun

    /// Both runs of `configuration` (its engine is ignored) on `task`; with a `folder`, each
    /// keeps its checkpoint in `folder/analytic` and `folder/spice`, which `resume` continues.
    public init(configuration: EqPropConfiguration, task: EqPropTask, folder: String?, resume: Bool) throws {
        func run(_ engine: EngineKind) throws -> EqPropRun {
            var c = configuration
            c.engine = engine
            let checkpoint = try folder.map { folder -> String in
                let sub = Self.folder(folder, engine)
                try AtomicFile.createFolder(sub, shownAs: sub)
                return (sub as NSString).appendingPathComponent("checkpoint.json")
            }
            return try EqPropRun(configuration: c, task: task, checkpointPath: checkpoint, resume: resume)
        }
        analytic = try run(.analytic)
        spice = try run(.spice)
    }

    /// The folder of `engine`'s run inside `folder`.
    public static func folder(_ folder: String, _ engine: EngineKind) -> String {
        (folder as NSString).appendingPathComponent(engine.rawValue)
    }

    /// Both runs, in turn; `progress` is called after every epoch of each.
    public func run(progress: (EngineKind, EqPropEpochResult) throws -> Void = { _, _ in }) throws {
        try analytic.run { try progress(.analytic, $0) }
        try spice.run { try progress(.spice, $0) }
    }

    /// The largest `|s_spice − s_analytic|` over every device state of the two networks.
    public var largestStateDifference: Double {
        let (a, s) = (analytic.checkpoint.network, spice.checkpoint.network)
        return zip(a.hiddenStates.elements + a.outputStates.elements, s.hiddenStates.elements + s.outputStates.elements)
            .reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// The largest difference between the two curves' values of `value` over the epochs both ran.
    public func largestDifference(_ value: (EqPropEpochResult) -> Double) -> Double {
        zip(analytic.checkpoint.history, spice.checkpoint.history).reduce(0) { max($0, abs(value($1.0) - value($1.1))) }
    }
}

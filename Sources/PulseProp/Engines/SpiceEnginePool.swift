import Dispatch

/// Several independent ngspice simulators (one private library copy each) that run
/// independent learning steps in parallel.
public final class SpiceEnginePool {
    /// The engines, one per simulator instance.
    public let engines: [SpiceEngine]

    /// Opens `instances` simulators for `circuit` with the device form `model` and `solver`.
    public init(circuit: CrossbarCircuit, instances: Int, model: SpiceModelChoice = .auto, solver: SpiceSolver = .auto) throws {
        try require(instances >= 1, "instances", "must be ≥ 1, got \(instances)")
        engines = try (0..<instances).map { _ in try SpiceEngine(circuit: circuit, model: model, solver: solver) }
    }

    /// Runs each `(step, states)` job; job `k` runs on engine `k mod instances`, engines in
    /// parallel. Results come back in job order; the first error is rethrown.
    public func run(_ jobs: [(step: LearningStep, states: Matrix<Double>)]) throws -> [CrossbarStepResult] {
        try Self.parallel(jobs.count, on: engines) { k, engine in try engine.run(jobs[k].step, from: jobs[k].states) }
    }

    /// `body(k, engine)` for every job `k` in `0..<count`, job `k` on `engines[k mod engines.count]`,
    /// the engines in parallel (each runs its jobs in order). Results come back in job order;
    /// the first error is rethrown.
    static func parallel<T>(_ count: Int, on engines: [SpiceEngine], _ body: (Int, SpiceEngine) throws -> T) throws -> [T] {
        var results = [Result<T, Error>?](repeating: nil, count: count)
        let n = engines.count
        results.withUnsafeMutableBufferPointer { slots in
            let slots = UncheckedSendable(slots)
            DispatchQueue.concurrentPerform(iterations: n) { e in
                for k in stride(from: e, to: count, by: n) { slots.value[k] = Result { try body(k, engines[e]) } }
            }
        }
        return try results.map { try $0!.get() }
    }
}

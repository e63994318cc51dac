/// Turns observed pulse sequences into a one-pulse response table, and measures how well the
/// table reproduces them. Shared by the ngspice calibrator and the measured-data importer.
enum ResponseFitting {
    /// The one-pulse response on `grid` from sequences of states (`run[k]` after `k` pulses):
    /// every consecutive pair `(x_k, x_{k+1})` samples `F(x_k) = x_{k+1}`; the step `F(x) − x`
    /// is interpolated linearly between samples (averaging samples at the same state) and held
    /// at the nearest sample's step beyond the sampled range. The result is made order-preserving and clipped so it
    /// never moves the wrong way (`potentiating` says which way is right).
    static func table(_ runs: [[Double]], grid: [Double], potentiating: Bool) -> [Double] {
        var steps: [Double: (sum: Double, count: Int)] = [:]
        for run in runs {
            for (a, b) in zip(run, run.dropFirst()) {
                steps[a, default: (0, 0)].sum += b - a
                steps[a, default: (0, 0)].count += 1
            }
        }
        let pairs = steps.map { ($0.key, $0.value.sum / Double($0.value.count)) }.sorted { $0.0 < $1.0 }
        let raw = grid.map { x -> Double in
            guard let first = pairs.first, let last = pairs.last else { return x }
            if x <= first.0 { return x + first.1 }
            if x >= last.0 { return x + last.1 }
            let upper = pairs.firstIndex { $0.0 >= x }!
            if upper == 0 || pairs[upper].0 == x { return x + pairs[upper].1 }
            let (a, b) = (pairs[upper - 1], pairs[upper])
            let t = (x - a.0) / (b.0 - a.0)
            return x + a.1 + t * (b.1 - a.1)
        }
        return monotone(raw, grid: grid, potentiating: potentiating)
    }

    /// Clips noise so the table stays in `[0, 1]`, preserves order and never moves the wrong way.
    static func monotone(_ values: [Double], grid: [Double], potentiating: Bool) -> [Double] {
        var out = values.map { min(max($0, 0), 1) }
        for k in out.indices {
            out[k] = potentiating ? max(out[k], grid[k]) : min(out[k], grid[k])
            if k > 0 { out[k] = max(out[k], out[k - 1]) }
        }
        return out
    }

    /// RMS and largest difference between iterating the table from each run's first state and
    /// the run itself (a state after every pulse).
    static func fitError(_ table: PulseResponseCalibration, setRuns: [[Double]], resetRuns: [[Double]]) -> PulseResponseCalibration.Fit {
        let numbered = { (runs: [[Double]]) in runs.map { $0.enumerated().map { (pulse: $0.offset, state: $0.element) } } }
        return fitError(table, setRuns: numbered(setRuns), resetRuns: numbered(resetRuns))
    }

    /// RMS and largest difference between iterating the table from each run's first state and
    /// the run's later states, each after its pulse number's pulses (rising within a run).
    static func fitError(
        _ table: PulseResponseCalibration, setRuns: [[(pulse: Int, state: Double)]], resetRuns: [[(pulse: Int, state: Double)]]
    ) -> PulseResponseCalibration.Fit {
        var error = FitError()
        error.add(grid: table.states, step: table.potentiation, runs: setRuns)
        error.add(grid: table.states, step: table.depression, runs: resetRuns)
        return error.fit
    }

    /// The fit error of one polarity's one-pulse response `step` on `grid` against `runs` (a
    /// state after every pulse).
    static func fitError(grid: [Double], step: [Double], runs: [[Double]]) -> PulseResponseCalibration.Fit {
        var error = FitError()
        error.add(grid: grid, step: step, runs: runs.map { $0.enumerated().map { (pulse: $0.offset, state: $0.element) } })
        return error.fit
    }

    /// Squared and largest state errors summed over compared samples.
    struct FitError {
        var sumSquares = 0.0
        var largest = 0.0
        var count = 0

        /// Adds the errors of iterating `step` on `grid` from each run's first state.
        mutating func add(grid: [Double], step: [Double], runs: [[(pulse: Int, state: Double)]]) {
            let response = ResponseTable(grid: grid, step: step)
            for run in runs {
                guard var x = run.first?.state else { continue }
                for k in 1..<run.count {
                    for _ in 0..<(run[k].pulse - run[k - 1].pulse) { x = response.state(after: 1, from: x) }
                    let error = abs(x - run[k].state)
                    sumSquares += error * error
                    largest = max(largest, error)
                    count += 1
                }
            }
        }

        /// Adds another sum.
        mutating func add(_ other: FitError) {
            sumSquares += other.sumSquares
            largest = max(largest, other.largest)
            count += other.count
        }

        var fit: PulseResponseCalibration.Fit {
            .init(rmsStateError: (sumSquares / Double(max(count, 1))).squareRoot(), maxStateError: largest, samples: count)
        }
    }
}

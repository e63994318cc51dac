/// Pattern reconstruction: five 5×5 letters (pixels `±1`) to be recovered from copies with a
/// fraction of their pixels flipped. The network's inputs are the corrupted pixels and its
/// outputs the clean ones; a Hopfield network (``HopfieldNetwork``) is the baseline.
public enum PatternTask {
    /// The letters A, E, H, L, T, each 5 rows of 5 pixels (`#` = +1).
    public static let letters: [[Double]] = [
        [".###.", "#...#", "#####", "#...#", "#...#"],
        ["#####", "#....", "####.", "#....", "#####"],
        ["#...#", "#...#", "#####", "#...#", "#...#"],
        ["#....", "#....", "#....", "#....", "#####"],
        ["#####", "..#..", "..#..", "..#..", "..#.."],
    ].map { rows in rows.joined().map { $0 == "#" ? 1.0 : -1.0 } }

    /// Corruption levels the test sets and reports use: 0, 10, 20, 30 % of pixels flipped.
    public static let levels = [0.0, 0.1, 0.2, 0.3]

    /// `pattern` with `round(level·25)` distinct pixels flipped, chosen by `generator`.
    public static func corrupted(_ pattern: [Double], level: Double, using generator: inout SeededGenerator) -> [Double] {
        var copy = pattern
        let flips = Int((level * Double(pattern.count)).rounded())
        for k in Array(pattern.indices).shuffled(using: &generator).prefix(flips) { copy[k] = -copy[k] }
        return copy
    }

    /// `copies` corrupted copies of every letter at `level`.
    public static func examples(level: Double, copies: Int, seed: UInt64) -> [EqPropExample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<copies).flatMap { _ in
            letters.map { EqPropExample(input: corrupted($0, level: level, using: &generator), target: $0) }
        }
    }

    /// The training set: 40 copies of each letter at each of the ``levels``, seeded; tested at 20 %.
    public static func task(seed: UInt64) -> EqPropTask {
        let train = levels.enumerated().flatMap { examples(level: $1, copies: 10, seed: seed &+ UInt64($0)) }
        return EqPropTask(name: "patterns", train: train, test: examples(level: 0.2, copies: 20, seed: seed &+ 100), metric: .sign)
    }
}

/// A Hopfield network with the Hebbian rule `W = (1/N) Σ_p p pᵀ` (zero diagonal), recalled by
/// asynchronous updates `s_i ← sign(Σ_j W_ij s_j)` in index order until a sweep changes
/// nothing (at most 100 sweeps; a zero field keeps the pixel).
public struct HopfieldNetwork: Sendable {
    public let weights: Matrix<Double>

    /// Stores `patterns` (all of one length, pixels `±1`).
    public init(storing patterns: [[Double]]) {
        let n = patterns[0].count
        weights = Matrix(rows: n, cols: n) { i, j in
            i == j ? 0 : patterns.reduce(0) { $0 + $1[i] * $1[j] } / Double(n)
        }
    }

    /// The state recall settles to from `probe`.
    public func recall(_ probe: [Double]) -> [Double] {
        var s = probe
        for _ in 0..<100 {
            var changed = false
            for i in s.indices {
                let field = s.indices.reduce(0) { $0 + weights[i, $1] * s[$1] }
                if field != 0, (field > 0) != (s[i] > 0) {
                    s[i] = -s[i]
                    changed = true
                }
            }
            if !changed { break }
        }
        return s
    }

    /// The fraction of wrong pixels after recalling every example's input, against its target.
    public func error(on examples: [EqPropExample]) -> Double {
        examples.reduce(0) { $0 + EqPropMetric.sign.error(recall($1.input), $1.target) } / Double(examples.count)
    }
}

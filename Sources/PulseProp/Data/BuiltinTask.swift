/// The built-in classification task: four 3×3 stroke glyphs under analog noise.
///
/// Classes are a vertical bar, a horizontal bar and the two diagonals through the centre
/// pixel. An example's stroke pixels have intensity `U(0.6, 1.0)`, the others `U(0, 0.35)`,
/// so classes overlap in the centre pixel and in their intensity ranges, and the background
/// can be mistaken for a faint stroke. It is chosen for circuit-in-the-loop training: 9 inputs
/// and 4 outputs keep the preset's [9-6-4] network at 88 devices (crossbars of 10×6 and 7×4
/// with bias rows), small enough that every example's learning step can be simulated in ngspice within
/// seconds, yet a guesser scores 25 % and one pixel alone cannot tell the classes apart.
/// No data is downloaded: the examples are generated from a seed.
public enum BuiltinTask {
    /// The stroke pixels of each class (row-major indices on the 3×3 grid).
    public static let strokes: [[Int]] = [[1, 4, 7], [3, 4, 5], [0, 4, 8], [2, 4, 6]]
    /// Class names, in label order.
    public static let classNames = ["vertical", "horizontal", "diagonal \\", "diagonal /"]

    /// `count` examples, classes in turn, drawn from `seed`.
    public static func examples(count: Int, seed: UInt64) -> Dataset {
        var rng = SeededGenerator(seed: seed)
        var inputs: [Float] = []
        var labels: [Int] = []
        inputs.reserveCapacity(count * 9)
        for k in 0..<count {
            let label = k % strokes.count
            labels.append(label)
            for pixel in 0..<9 {
                inputs.append(strokes[label].contains(pixel) ? Float.random(in: 0.6...1.0, using: &rng) : Float.random(in: 0...0.35, using: &rng))
            }
        }
        return Dataset(inputs: inputs, labels: labels, features: 9, classes: strokes.count)
    }

    /// The standard split: 80 training and 80 test examples from independent seeds.
    public static func split(seed: UInt64 = 1, train: Int = 80, test: Int = 80) -> (train: Dataset, test: Dataset) {
        (examples(count: train, seed: seed &* 2 &+ 1), examples(count: test, seed: seed &* 2 &+ 2))
    }
}

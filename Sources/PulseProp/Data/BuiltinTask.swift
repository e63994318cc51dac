/// The built-in classification task: four stroke glyphs on a small square grid under analog
/// noise.
///
/// Classes are a vertical bar, a horizontal bar and the two diagonals through the centre
/// pixel of an `side × side` grid (`side` odd). An example's stroke pixels have intensity
/// `U(0.6, 1.0)`, the others `U(0, 0.35)`, so classes overlap in the centre pixel and in their
/// intensity ranges, and the background can be mistaken for a faint stroke. The default 3×3
/// grid is chosen for circuit-in-the-loop training: 9 inputs and 4 outputs keep the preset's
/// [9-6-4] network at 88 devices (crossbars of 10×6 and 7×4 with bias rows), small enough that
/// every example's learning step can be simulated in ngspice within seconds, yet a guesser
/// scores 25 % and one pixel alone cannot tell the classes apart. Larger grids give the same
/// task on longer crossbar columns (7×7: a 50×6 input crossbar), where wire resistance of tens
/// of ohms per segment already matters. No data is downloaded: the examples are generated from
/// a seed.
public enum BuiltinTask {
    /// The default grid side.
    public static let defaultSide = 3
    /// Class names, in label order.
    public static let classNames = ["vertical", "horizontal", "diagonal \\", "diagonal /"]

    /// The stroke pixels of each class (row-major indices on the `side × side` grid): the centre
    /// column, the centre row, the diagonal and the anti-diagonal.
    public static func strokes(side: Int = defaultSide) -> [[Int]] {
        let centre = side / 2
        return [
            (0..<side).map { $0 * side + centre }, (0..<side).map { centre * side + $0 },
            (0..<side).map { $0 * side + $0 }, (0..<side).map { $0 * side + side - 1 - $0 },
        ]
    }

    /// Refuses a grid side that has no centre pixel or no room for a stroke.
    public static func validate(side: Int) throws {
        try require(side >= 3 && side % 2 == 1 && side <= 63, "task-grid", "must be an odd side from 3 to 63, got \(side)")
    }

    /// `count` examples on the `side × side` grid, classes in turn, drawn from `seed`.
    public static func examples(count: Int, seed: UInt64, side: Int = defaultSide) -> Dataset {
        let strokes = strokes(side: side).map(Set.init)
        let pixels = side * side
        var rng = SeededGenerator(seed: seed)
        var inputs: [Float] = []
        var labels: [Int] = []
        inputs.reserveCapacity(count * pixels)
        for k in 0..<count {
            let label = k % strokes.count
            labels.append(label)
            for pixel in 0..<pixels {
                inputs.append(strokes[label].contains(pixel) ? Float.random(in: 0.6...1.0, using: &rng) : Float.random(in: 0...0.35, using: &rng))
            }
        }
        return Dataset(inputs: inputs, labels: labels, features: pixels, classes: strokes.count)
    }

    /// The standard split: 80 training and 80 test examples from independent seeds.
    public static func split(seed: UInt64 = 1, train: Int = 80, test: Int = 80, side: Int = defaultSide) -> (train: Dataset, test: Dataset) {
        (examples(count: train, seed: seed &* 2 &+ 1, side: side), examples(count: test, seed: seed &* 2 &+ 2, side: side))
    }
}

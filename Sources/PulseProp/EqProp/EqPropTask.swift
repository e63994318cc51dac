import Foundation

/// One example of an equilibrium-propagation task: inputs in `[−1, 1]` and targets in `[−1, 1]`.
public struct EqPropExample: Equatable, Sendable {
    public let input: [Double]
    public let target: [Double]

    public init(input: [Double], target: [Double]) {
        self.input = input
        self.target = target
    }
}

/// How a task scores the outputs `y_o = V_o/A_out` of an example.
public enum EqPropMetric: String, Codable, Sendable {
    /// The fraction of outputs whose sign differs from the target's (XOR, pixels).
    case sign
    /// 1 if the largest output is not the target's largest, else 0 (classification).
    case argmax

    /// The error of `outputs` against `target`, in `[0, 1]`.
    public func error(_ outputs: [Double], _ target: [Double]) -> Double {
        switch self {
        case .sign:
            let wrong = zip(outputs, target).filter { ($0 >= 0) != ($1 >= 0) }.count
            return Double(wrong) / Double(target.count)
        case .argmax:
            return outputs.indices.max { outputs[$0] < outputs[$1] } == target.indices.max { target[$0] < target[$1] } ? 0 : 1
        }
    }
}

/// A task: training and test examples and how outputs are scored.
public struct EqPropTask: Sendable {
    /// The task's name as `--task` spells it.
    public let name: String
    public let train: [EqPropExample]
    public let test: [EqPropExample]
    public let metric: EqPropMetric

    public var inputs: Int { train[0].input.count }
    public var outputs: Int { train[0].target.count }

    /// The task names `--task` accepts.
    public static let names = ["xor", "patterns", "mnist"]

    /// XOR of two inputs `±1`, target `±1` (the four examples are both sets).
    public static let xor: EqPropTask = {
        let examples = [(-1.0, -1.0), (-1, 1), (1, -1), (1, 1)].map { a, b in
            EqPropExample(input: [a, b], target: [a == b ? -1 : 1])
        }
        return EqPropTask(name: "xor", train: examples, test: examples, metric: .sign)
    }()

    /// MNIST-layout data from `directory`, 2×2 average-pooled to 14×14 (pixels in `[0, 1]`),
    /// targets one-hot (1 for the label, 0 elsewhere); the first `trainCount` and `testCount`
    /// examples.
    public static func mnist(directory: String, trainCount: Int = .max, testCount: Int = .max) throws -> EqPropTask {
        let (train, test) = try Dataset.mnist(directory: directory)
        return EqPropTask(name: "mnist", train: pooled(train.prefix(trainCount)), test: pooled(test.prefix(testCount)), metric: .argmax)
    }

    /// The examples of `set` with square images halved by 2×2 average pooling.
    static func pooled(_ set: Dataset) -> [EqPropExample] {
        let side = Int(Double(set.features).squareRoot())
        let half = side / 2
        return (0..<set.count).map { n in
            let image = set.inputs[(n * set.features)..<((n + 1) * set.features)]
            let base = image.startIndex
            let input = (0..<(half * half)).map { k -> Double in
                let (r, c) = (2 * (k / half), 2 * (k % half))
                let sum = [0, 1, side, side + 1].reduce(Float(0)) { $0 + image[base + r * side + c + $1] }
                return Double(sum) / 4
            }
            return EqPropExample(input: input, target: (0..<set.classes).map { $0 == set.labels[n] ? 1 : 0 })
        }
    }
}

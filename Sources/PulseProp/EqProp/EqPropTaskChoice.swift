/// The task `--task` names, with the options that choose its examples checked: `--data`,
/// `--train-limit` and `--test-limit` apply to MNIST only (XOR and the patterns have fixed
/// example sets, so a limit there would be accepted and ignored).
extension EqPropTask {
    /// The examples of the task `name` (patterns are drawn from `seed`).
    public static func named(_ name: String, seed: UInt64, data: String?, trainLimit: Int?, testLimit: Int?) throws -> EqPropTask {
        try require(names.contains(name), "task", "must be one of \(names.joined(separator: ", ")), got '\(name)'")
        try require((data != nil) == (name == "mnist"), "data", name == "mnist" ? "mnist needs --data DIR" : "applies to --task mnist only")
        for (option, limit) in [("train-limit", trainLimit), ("test-limit", testLimit)] {
            guard let limit else { continue }
            try require(name == "mnist", option, "applies to --task mnist only (\(name) has a fixed example set), got \(limit)")
            try require(limit >= 1, option, "must be ≥ 1, got \(limit)")
        }
        switch name {
        case "xor": return .xor
        case "patterns": return PatternTask.task(seed: seed)
        default: return try .mnist(directory: data!, trainCount: trainLimit ?? .max, testCount: testLimit ?? .max)
        }
    }
}

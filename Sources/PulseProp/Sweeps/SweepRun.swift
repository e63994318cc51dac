/// One run of a study: a `pulseprop` command line that writes only inside its own folder.
///
/// Paths in `arguments` are relative to the plan folder (the runner starts every run there),
/// inputs the user named included (``PlanOptions``): a plan holds no path of the machine that
/// made it, and a cluster node sees the same files through a shared filesystem.
public struct SweepRun: Codable, Equatable, Sendable {
    /// Unique within the plan, and the run's folder below `runs/` (may contain `/`).
    public var id: String
    /// Arguments of `pulseprop` (without the executable).
    public var arguments: [String]
    /// The run's seed, for status listings.
    public var seed: UInt64?
    /// File in the run folder that receives the run's standard output, when the study reads it
    /// (written only when the run succeeds); otherwise standard output goes to `run.log`.
    public var stdoutFile: String?

    public init(id: String, arguments: [String], seed: UInt64? = nil, stdoutFile: String? = nil) {
        self.id = id
        self.arguments = arguments
        self.seed = seed
        self.stdoutFile = stdoutFile
    }

    /// The run's folder relative to the plan folder.
    public var folder: String { "runs/\(id)" }

    private enum CodingKeys: String, CodingKey { case id, arguments, seed, stdoutFile }

    /// Reads a run from a plan or `run.json`, refusing an id that would put its folder
    /// anywhere but below `runs/` (see ``problem(withID:)``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        if let problem = Self.problem(withID: id) {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: problem)
        }
        arguments = try container.decode([String].self, forKey: .arguments)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        stdoutFile = try container.decodeIfPresent(String.self, forKey: .stdoutFile)
        if let stdoutFile, stdoutFile.contains("/") || stdoutFile.hasPrefix(".") || ControlCharacters.occur(in: stdoutFile) {
            throw DecodingError.dataCorruptedError(
                forKey: .stdoutFile, in: container, debugDescription: "run '\(id)': stdout file '\(stdoutFile)' is not a plain file name")
        }
    }

    /// Why `id` is not a run id, or nil: an id is one or more plain names joined by `/` (no
    /// empty, `.` or `..` part, no leading `/`, no control characters).
    public static func problem(withID id: String) -> String? {
        if ControlCharacters.occur(in: id) { return "run id '\(ControlCharacters.escaped(id))' holds a control character" }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        if id.isEmpty || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "run id '\(id)' is not a plain name below runs/ (no empty, '.' or '..' parts)"
        }
        return nil
    }
}

extension SweepRun {
    /// One run per cell and trial, seeds 1…`trials`, named `<cell id>/seed<S>` (`make` gets the
    /// cell, the seed and that name, which is also the run's folder under `runs/`): the layout
    /// every study that repeats cells over seeds shares.
    public static func perTrial<Cell>(
        _ cells: [Cell], trials: Int, id cellID: (Cell) -> String, _ make: (Cell, UInt64, String) throws -> SweepRun
    ) rethrows -> [SweepRun] {
        try cells.flatMap { cell in
            try (1...trials).map { trial in
                let seed = UInt64(trial)
                return try make(cell, seed, "\(cellID(cell))/seed\(seed)")
            }
        }
    }
}

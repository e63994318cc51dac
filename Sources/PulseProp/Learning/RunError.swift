/// Why a learning run cannot start or continue in its folder. The cases are the causes callers
/// tell apart; every message is here, one line naming the folder or checkpoint.
public enum RunError: Error, CustomStringConvertible, Equatable {
    /// The folder holds an earlier run's checkpoint and neither `--resume` nor `--overwrite` was given.
    case folderHoldsEarlierRun(folder: String)
    /// The folder holds an earlier run's results (`file`) but no checkpoint to continue from,
    /// and neither `--overwrite` nor `--resume` was given (e.g. a study folder kept with only its results).
    case folderHoldsResultsWithoutCheckpoint(folder: String, file: String)
    /// `--resume` and `--overwrite` together.
    case resumeAndOverwrite
    /// The checkpoint was written by a run of another configuration (`difference`: the first field).
    case configurationDiffers(checkpoint: String, difference: FieldDifference?)
    /// A resume asks for fewer epochs than the checkpoint already holds.
    case fewerEpochs(checkpoint: String, saved: Int, requested: Int, unit: String)

    public var description: String {
        switch self {
        case .folderHoldsEarlierRun(let folder):
            return "\(folder) holds the checkpoint of an earlier run; add --resume to continue it or --overwrite to start afresh"
        case .folderHoldsResultsWithoutCheckpoint(let folder, let file):
            return "\(folder) holds an earlier run's \(file) but no checkpoint to continue from; add --overwrite to replace its results or choose another --output"
        case .resumeAndOverwrite:
            return "invalid overwrite: contradicts --resume: continue the run or start afresh, not both"
        case .configurationDiffers(let checkpoint, let difference):
            return "\(checkpoint) was written by a run with another configuration\(difference.map { " (\($0))" } ?? ""); "
                + "start without --resume or use another output folder"
        case .fewerEpochs(let checkpoint, let saved, let requested, let unit):
            return "\(checkpoint) holds a run of \(saved) \(unit); --epochs \(requested) is fewer (a run resumes to the same or more epochs)"
        }
    }
}

/// A run's configuration as the harness compares it on resume: everything must match except
/// the epoch count, which a resumed run may raise.
public protocol ResumableConfiguration: Encodable, Equatable {
    var epochs: Int { get set }
}

extension RunHarness {
    /// Refuses to continue `saved` under `requested` unless they differ at most in `epochs`
    /// (``RunError/configurationDiffers(checkpoint:difference:)``, naming the first field).
    public static func requireResumable<Configuration: ResumableConfiguration>(
        saved: Configuration, requested: Configuration, checkpoint path: String
    ) throws {
        var comparable = saved
        comparable.epochs = requested.epochs
        guard comparable != requested else { return }
        throw RunError.configurationDiffers(checkpoint: path, difference: FieldDifference.first(comparable, requested))
    }
}

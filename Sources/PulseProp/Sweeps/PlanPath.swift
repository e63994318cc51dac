import Foundation

/// Options of a study as its plan stores them. Runs start in the plan folder, so every file or
/// folder the user named is written relative to that folder: a plan (and a committed result
/// folder) holds no path of the machine that made it, and moves with the files it names.
public protocol PlanOptions: Codable, Sendable {
    /// These options with every path relative to `folder` (paths already relative are taken as
    /// relative to it, unchanged).
    func relative(to folder: String) -> Self
}

/// Options whose one path is the data folder (the MNIST studies).
public protocol DataPlanOptions: PlanOptions {
    /// Folder with the data files (absolute; in a plan, relative to the plan folder).
    var data: String { get set }
}

extension DataPlanOptions {
    /// These options with the data folder relative to `folder`.
    public func relative(to folder: String) -> Self {
        var options = self
        options.data = PlanPath.relative(data, to: folder)
        return options
    }
}

/// Paths of a plan, relative to its folder.
public enum PlanPath {
    /// `path` relative to `folder`, through their real locations (symbolic links resolved, as
    /// the kernel follows `..`); `.` for the folder itself. A relative `path` is returned as it is.
    public static func relative(_ path: String, to folder: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let base = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var shared = 0
        while shared < min(target.count, base.count) && target[shared] == base[shared] { shared += 1 }
        let parts = Array(repeating: "..", count: base.count - shared) + target[shared...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `path` as an absolute path: as it is when absolute, else below `folder`.
    public static func resolved(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: folder, isDirectory: true)).standardizedFileURL.path
    }
}

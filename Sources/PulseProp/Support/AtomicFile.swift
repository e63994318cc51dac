import Foundation

/// Writes result files atomically: a reader sees the old file or the complete new one.
public enum AtomicFile {
    /// Writes `text` to `path` through a temporary file and a rename, creating folders.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path` through a temporary file and a rename, creating folders; a
    /// failure is a ``WriteError``.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw WriteError(path, error.localizedDescription)
        }
    }
}

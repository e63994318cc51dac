import Foundation

/// Reads the files PulseProp takes as input (CSV signals and states, device and calibration
/// JSON, measured curves), with one-line ``DataError``s that say what is wrong: no such file,
/// a folder, no permission, too large, not UTF-8.
public enum InputFile {
    /// Largest input file read, bytes (1 GiB): no text input of a realistic run comes near it,
    /// and it keeps `/dev/zero` or a runaway file from filling the memory.
    public static let sizeLimit = 1 << 30

    /// The bytes of the file at `path`, at most `limit` of them.
    public static func data(atPath path: String, limit: Int = sizeLimit) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(path, errno == ENOENT ? "no such file" : "cannot be read: \(AtomicFile.systemReason())")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw DataError(path, "is a folder, not a file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DataError(path, "cannot be read: \(AtomicFile.systemReason())") }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(path, "cannot be read: \(AtomicFile.systemReason())")
            }
            if n == 0 { return data }
            guard data.count + n <= limit else { throw DataError(path, "is larger than \(limit >> 20) MiB; not an input PulseProp reads") }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    /// The text of the file at `path`, which must be UTF-8.
    public static func text(atPath path: String) throws -> String {
        let data = try data(atPath: path)
        guard let text = String(data: data, encoding: .utf8) else { throw DataError(path, "is not a UTF-8 text file") }
        return text
    }
}

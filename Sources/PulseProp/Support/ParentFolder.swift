/// The folder a path names its last component in, computed on the string alone.
///
/// Foundation's `NSString.deletingLastPathComponent` traps (SIGILL) on a one-character
/// relative name such as `b` or `b/`, so `--output b` crashed every command that writes;
/// PulseProp takes a path's folder from here instead.
public enum ParentFolder {
    /// The folder part of `path`: `""` for a bare name (`b`, `b/`), `"/"` for a name in the
    /// root (`/b`), otherwise everything before the last component with its slashes
    /// (`a//b/` → `a`, `./b` → `.`, `../b` → `..`).
    public static func of(_ path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let slash = rest.lastIndex(of: "/") else { return "" }
        var folder = rest[..<slash]
        while folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }
}

import CNgspice
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One ngspice simulator, loaded from a private copy of `libngspice.so` through its C API.
///
/// libngspice keeps its circuit in global state, so one loaded library is one simulator.
/// Each instance copies the library to a unique temporary file and opens it with
/// `dlopen(RTLD_LOCAL)`: several instances can run side by side, and an instance whose
/// ngspice has called `ControlledExit` (after which the library's heap is corrupt) is
/// recovered by closing the copy and opening a fresh one.
///
/// ngspice does not reliably report errors through return codes: a bad netlist may return 0
/// and only print an `Error` line on its stderr channel. Every run therefore collects the
/// text ngspice prints and reads it (``NgspiceTranscript``) for a failure and its first cause.
final class NgspiceLibrary {
    private typealias SendChar = @convention(c) (UnsafeMutablePointer<CChar>?, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias SendStat = SendChar
    private typealias ControlledExit = @convention(c) (Int32, Bool, Bool, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias BGThreadRunning = @convention(c) (Bool, Int32, UnsafeMutableRawPointer?) -> Int32
    private typealias InitFunction = @convention(c) (
        SendChar?, SendStat?, ControlledExit?, OpaquePointer?, OpaquePointer?, BGThreadRunning?, UnsafeMutableRawPointer?
    ) -> Int32
    private typealias CommandFunction = @convention(c) (UnsafeMutablePointer<CChar>?) -> Int32
    private typealias CircuitFunction = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    private typealias VectorInfoFunction = @convention(c) (UnsafeMutablePointer<CChar>?) -> UnsafeMutablePointer<vector_info>?

    private var handle: UnsafeMutableRawPointer?
    private var command: CommandFunction!
    private var circuit: CircuitFunction!
    private var vectorInfo: VectorInfoFunction!

    private let lock = NSLock()
    private var transcript: [String] = []
    private var exited = false
    private let sourcePath: String

    /// Compiled models loaded into this instance, again after every reload.
    private var compiledModels: [CompiledDeviceModel] = []

    /// What this ngspice build can do (probed once per library file and process).
    private(set) var capabilities = NgspiceCapabilities(version: "", build: "", hasKLU: false, hasOSDI: false)
    /// The solver every netlist loaded here uses (KLU or Sparse; never `auto`).
    private(set) var solver = SpiceSolver.sparse

    /// Opens a private copy of the ngspice library found by ``NgspiceLibrary/locate()``, which
    /// solves with `solver` (`auto`: KLU where the build has it). `.klu` on a build without
    /// KLU is a ``SpiceError/capabilityMissing(_:ngspice:)``.
    init(solver: SpiceSolver = .auto) throws {
        sourcePath = try Self.located.get()
        try open()
        let probed = try Self.probed(sourcePath) { self.probeCapabilities() }
        capabilities = probed
        self.solver = try solver.resolved(for: probed)
    }

    private static let probeLock = NSLock()
    nonisolated(unsafe) private static var probes: [String: NgspiceCapabilities] = [:]

    private static func probed(_ path: String, _ probe: () -> NgspiceCapabilities) throws -> NgspiceCapabilities {
        probeLock.lock()
        defer { probeLock.unlock() }
        if let known = probes[path] { return known }
        let found = probe()
        probes[path] = found
        return found
    }

    /// Asks this instance for its version, then tries KLU on a one-resistor operating point
    /// (a KLU build prints "Using KLU") and the `osdi` command (unknown to builds without OSDI).
    private func probeCapabilities() -> NgspiceCapabilities {
        let build = buildIdentity
        let version = String(build.split(separator: " ").first ?? "ngspice-unknown")
        _ = drain()
        var hasKLU = false
        let loaded = loadNetlist(["pulseprop solver probe", "R1 a 0 1k", "V1 a 0 1", ".options klu", ".op", ".end"])
        if loaded.status == 0 && !loaded.exited {
            run(command: "op")
            hasKLU = drain().lines.contains { $0.contains("Using KLU") }
            clear()
        }
        run(command: "osdi")
        let osdiAnswer = drain().lines.joined(separator: " ").lowercased()
        let hasOSDI = !osdiAnswer.contains("no such command")
        return NgspiceCapabilities(version: version, build: build, hasKLU: hasKLU, hasOSDI: hasOSDI)
    }

    /// Loads `model` (already resolved for this build) into this instance and into every fresh
    /// copy opened after a fatal error. Must precede the first netlist that uses it: ngspice
    /// resolves model types while parsing.
    ///
    /// Each instance loads its own copy of the file: a code model (and an OSDI library's log
    /// hook) keeps the host's callbacks in a global variable, so one file mapped by two library
    /// copies would call into whichever copy loaded it last (the crash seen with two private
    /// copies and a shared `.cm`).
    func load(compiled model: CompiledDeviceModel) throws {
        try loadCopy(of: model)
        compiledModels.append(model)
    }

    private func loadCopy(of model: CompiledDeviceModel) throws {
        // The path goes into one ngspice command line.
        try ControlCharacters.refuse(in: model.path, "compiled model", because: "it would split the ngspice command that loads it")
        let suffix = URL(fileURLWithPath: model.path).pathExtension
        let copy = try Self.privateCopy(of: model.path, prefix: "pulseprop", suffix: "." + suffix)
        defer { Self.removeCopy(copy) }
        _ = drain()
        switch model {
        case .osdi:
            guard capabilities.hasOSDI else { throw SpiceError.capabilityMissing(.osdi, ngspice: capabilities.version) }
            run(command: "osdi \(copy)")
            run(command: Self.singleThreaded)
        case .xspice:
            run(command: "codemodel \(copy)")
        }
        let printed = drain().lines
        if let error = printed.first(where: {
            let line = $0.lowercased()
            return line.contains("error") || line.contains("unable") || line.contains("fail") || line.contains("no such")
        }) {
            throw CompiledModelError.loadFailed(path: model.path, message: error.replacingOccurrences(of: copy, with: "(copy)"))
        }
    }

    /// Copies `path` to a uniquely named file in a new folder of its own in the temporary
    /// folder (`mkdtemp`: a fresh name, mode 0700, so no other user can reach the copy before it
    /// is loaded, and a folder another user made first is never written into). One line names
    /// what failed. ``removeCopy(_:)`` deletes the copy and its folder.
    private static func privateCopy(of path: String, prefix: String, suffix: String) throws -> String {
        let temporary = FileManager.default.temporaryDirectory.path
        var template = Array((temporary + "/pulseprop-ngspice-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SpiceError.libraryUnavailable(
                "cannot make a private folder in \(temporary) for a copy of \(path) (\(String(cString: strerror(errno)))); set TMPDIR to a writable folder")
        }
        let folder = String(cString: made)
        // The file name stays unique too: a library is recognised by its path when loaded.
        let copy = folder + "/\(prefix)-\(getpid())-\(UUID().uuidString)\(suffix)"
        do {
            try FileManager.default.copyItem(atPath: path, toPath: copy)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw SpiceError.libraryUnavailable("cannot copy \(path) into \(folder) (\(error.localizedDescription))")
        }
        return copy
    }

    /// Deletes a ``privateCopy(of:prefix:suffix:)`` and its folder.
    private static func removeCopy(_ copy: String) {
        try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent)
    }

    deinit { close() }

    /// Number of times this instance had to reopen its library after a fatal ngspice error.
    private(set) var reloads = 0

    /// The library file, found once per process (before any private copy is mapped).
    private static let located = Result { try locate() }

    /// Finds `libngspice.so.0`: `$PULSEPROP_NGSPICE_LIBRARY`, else the file the dynamic loader
    /// picks.
    static func locate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["PULSEPROP_NGSPICE_LIBRARY"] {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw SpiceError.libraryUnavailable("PULSEPROP_NGSPICE_LIBRARY=\(path) is not a readable file")
            }
            return path
        }
        guard let probe = dlopen("libngspice.so.0", RTLD_LAZY | RTLD_LOCAL) else {
            throw SpiceError.libraryUnavailable(
                "libngspice.so.0 not found (\(String(cString: dlerror()))); install Debian's libngspice0-dev")
        }
        defer { dlclose(probe) }
        // The loader has mapped the file it chose; /proc/self/maps names it.
        // procfs files report size 0, so read to end of file rather than by size.
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map {
            String(decoding: $0.readDataToEndOfFile(), as: UTF8.self)
        } ?? ""
        guard let path = maps.split(separator: "\n").compactMap({ line -> String? in
            guard let slash = line.firstIndex(of: "/") else { return nil }
            let path = String(line[slash...])
            return path.contains("/libngspice.so") && !path.hasSuffix("(deleted)") ? path : nil
        }).first else {
            throw SpiceError.libraryUnavailable("libngspice.so.0 was opened but its file could not be found")
        }
        return path
    }

    private func open() throws {
        let copy = try Self.privateCopy(of: sourcePath, prefix: "libngspice", suffix: ".so")
        defer { Self.removeCopy(copy) }
        guard let handle = dlopen(copy, RTLD_NOW | RTLD_LOCAL) else {
            throw SpiceError.libraryUnavailable("dlopen \(copy): \(String(cString: dlerror()))")
        }
        self.handle = handle
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw SpiceError.libraryUnavailable("libngspice has no \(name)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        let initialize = try symbol("ngSpice_Init", as: InitFunction.self)
        command = try symbol("ngSpice_Command", as: CommandFunction.self)
        circuit = try symbol("ngSpice_Circ", as: CircuitFunction.self)
        vectorInfo = try symbol("ngGet_Vec_Info", as: VectorInfoFunction.self)
        exited = false
        let status = initialize(
            { text, _, user in
                guard let text, let user else { return 0 }
                Unmanaged<NgspiceLibrary>.fromOpaque(user).takeUnretainedValue().record(String(cString: text))
                return 0
            },
            { _, _, _ in 0 },
            { _, _, _, _, user in
                guard let user else { return 0 }
                Unmanaged<NgspiceLibrary>.fromOpaque(user).takeUnretainedValue().markExited()
                return 0
            },
            nil, nil,
            { _, _, _ in 0 },
            Unmanaged.passUnretained(self).toOpaque())
        guard status == 0 else { throw SpiceError.libraryUnavailable("ngSpice_Init returned \(status)") }
    }

    /// OSDI device evaluation on one thread. Debian's ngspice is built with OpenMP and evaluates
    /// compiled (OSDI) instances on `num_threads` threads, two by default; starting and joining
    /// them in every Newton iteration costs more than the evaluation (wired 32×32 step with the
    /// OSDI model: matrix load 4.7 s on two threads, 0.38 s on one), and PulseProp already runs
    /// one simulator per core (``SpiceEnginePool``). Set only where an OSDI model is loaded: the
    /// B-source form measured no slower on ngspice's default. A build without OpenMP ignores it.
    static let singleThreaded = "set num_threads=1"

    private func close() {
        if let handle { dlclose(handle) }
        handle = nil
    }

    private func record(_ line: String) {
        lock.lock()
        transcript.append(line)
        lock.unlock()
    }

    private func markExited() {
        lock.lock()
        exited = true
        lock.unlock()
    }

    /// Takes the text printed since the last call, and whether ngspice asked to exit.
    private func drain() -> (lines: [String], exited: Bool) {
        lock.lock()
        defer {
            transcript.removeAll(keepingCapacity: true)
            lock.unlock()
        }
        return (transcript, exited)
    }

    /// Reopens a fresh copy of the library after ngspice exited or corrupted its state.
    private func reload() throws {
        close()
        reloads += 1
        try open()
        try compiledModels.forEach(loadCopy(of:))
    }

    /// Loads `netlist` (which runs its `.control` block) and returns what ngspice printed.
    ///
    /// Throws ``SpiceError/simulationFailed(_:transcript:)`` when ngspice reports an error or
    /// exits; the instance is then reloaded, so the next call starts clean.
    ///
    /// On a build with KLU, the line `.options klu` or `.options sparse` (``solver``) is added
    /// after the title, unless the netlist chooses a solver itself.
    @discardableResult
    func load(_ netlist: String) throws -> [String] {
        if handle == nil { try reload() }
        _ = drain()
        var lines = netlist.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if capabilities.hasKLU, let option = solver.optionsLine, !Self.choosesSolver(lines) {
            lines.insert(option, at: min(1, lines.count))
        }
        let (status, printed, exited) = loadNetlist(lines)
        let transcript = NgspiceTranscript(lines: printed, netlist: netlist)
        if exited {
            try reload()
            throw SpiceError.simulationFailed(
                (transcript.firstCause.map { "\($0); " } ?? "") + "ngspice exited (ControlledExit); the simulator was reloaded",
                transcript: printed)
        }
        if status != 0 || transcript.failed {
            clear()
            throw SpiceError.simulationFailed(transcript.reason(status: status), transcript: printed)
        }
        return printed
    }

    /// Whether `lines` hold an `.options` line naming `klu` or `sparse`.
    static func choosesSolver(_ lines: [String]) -> Bool {
        lines.contains { line in
            let words = line.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.first.map { $0 == ".options" || $0 == ".option" } == true
                && words.contains { $0 == "klu" || $0 == "sparse" }
        }
    }

    /// Sends `lines` to ngspice as one circuit; returns its status, what it printed and whether
    /// it asked to exit.
    @discardableResult
    private func loadNetlist(_ lines: [String]) -> (status: Int32, printed: [String], exited: Bool) {
        var pointers = lines.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        let status = pointers.withUnsafeMutableBufferPointer { circuit($0.baseAddress) }
        let (printed, exited) = drain()
        return (status, printed, exited)
    }

    /// Loads `netlist`, reads its results with `read`, and clears the simulator afterwards
    /// (also when `read` throws).
    func withResults<T>(of netlist: String, _ read: () throws -> T) throws -> T {
        try load(netlist)
        defer { clear() }
        return try read()
    }

    /// Runs one ngspice command and returns what it printed (`stdout `/`stderr ` prefixes
    /// removed).
    func output(of command: String) -> [String] {
        _ = drain()
        run(command: command)
        return drain().lines.map { line in
            for prefix in ["stdout ", "stderr "] where line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
            return line
        }
    }

    /// Runs one ngspice command (at most 1023 characters: ngspice truncates longer ones).
    func run(command text: String) {
        precondition(text.utf8.count < 1024, "ngspice commands are limited to 1023 characters")
        _ = text.withCString { command(UnsafeMutablePointer(mutating: $0)) }
    }

    /// The ngspice build of this library as `ngspice-<N> <creation date>` (the form of
    /// ``CodeModel/builtFor``), from `version -s`.
    var buildIdentity: String {
        _ = drain()
        run(command: "version -s")
        let printed = drain().lines.map { $0.hasPrefix("stdout ") ? String($0.dropFirst("stdout ".count)) : $0 }
        let name = printed.lazy.compactMap { $0.split(separator: " ").first { $0.hasPrefix("ngspice-") } }.first
        let date = printed.lazy.compactMap { line -> Substring? in
            line.range(of: "Creation Date: ").map { line[$0.upperBound...] }
        }.first
        return "\(name.map(String.init) ?? "ngspice-unknown") \(date.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown date")"
    }

    /// Copies vector `name` of the current plot; nil when ngspice has no such vector.
    func vector(_ name: String) -> [Double]? {
        guard let info = name.withCString({ vectorInfo(UnsafeMutablePointer(mutating: $0)) }),
              let data = info.pointee.v_realdata
        else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(info.pointee.v_length)))
    }

    /// Vector `name` of the current plot; a missing or empty one is a
    /// ``SpiceError/missingResult(_:)`` that calls it `what`.
    func requiredVector(_ name: String, _ what: String) throws -> [Double] {
        guard let values = vector(name), !values.isEmpty else {
            throw SpiceError.missingResult("no \(what) \(name) after the simulation")
        }
        return values
    }

    /// Removes the circuit and all result plots, which keeps memory and time flat across runs.
    func clear() {
        run(command: "remcirc")
        run(command: "destroy all")
        _ = drain()
    }
}

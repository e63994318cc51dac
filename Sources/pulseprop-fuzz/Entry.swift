import Foundation

#if LIBFUZZER
    /// libFuzzer's driver (`scripts/fuzz` builds with `-sanitize=fuzzer -D LIBFUZZER`). SwiftPM
    /// makes this module's `main` the program's, so `main` hands over to the driver.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The target named by `PULSEPROP_FUZZ_TARGET`.
    private let libFuzzerTarget: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["PULSEPROP_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("set PULSEPROP_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))")
        }
        return target
    }()

    /// libFuzzer's entry point: one input for the target.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        _ = libFuzzerTarget.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @main
    enum FuzzMain {
        static func main() {
            _ = libFuzzerTarget
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runDriver(&argc, &argv, fuzzOneInput))
        }
    }
#else
    /// Without libFuzzer: replays a corpus through a target, then runs seeded random mutations
    /// of it (``Mutator``). Usage: `pulseprop-fuzz TARGET [--runs N] [--seed S] FILE|FOLDER...`.
    /// Before each input runs it is written to `$TMPDIR/pulseprop-fuzz-TARGET.last`, so the input
    /// that crashed the process is kept.
    @main
    enum FuzzMain {
        static func main() {
            var arguments = Array(CommandLine.arguments.dropFirst())
            func option(_ name: String, default value: UInt64) -> UInt64 {
                guard let k = arguments.firstIndex(of: name), k + 1 < arguments.count, let v = UInt64(arguments[k + 1]) else { return value }
                arguments.removeSubrange(k...(k + 1))
                return v
            }
            let runs = Int(option("--runs", default: 10000))
            let seed = option("--seed", default: 1)
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count >= 2 else {
                FileHandle.standardError.write(Data(
                    "usage: pulseprop-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) [--runs N] [--seed S] FILE|FOLDER...\n".utf8))
                exit(2)
            }
            let corpus = arguments.dropFirst().flatMap(files).compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
            guard !corpus.isEmpty else {
                FileHandle.standardError.write(Data("pulseprop-fuzz: no corpus files in \(arguments.dropFirst().joined(separator: " "))\n".utf8))
                exit(2)
            }
            let last = (NSTemporaryDirectory() as NSString).appendingPathComponent("pulseprop-fuzz-\(name).last")
            let keeper = open(last, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var mutator = Mutator(corpus: corpus, seed: seed)
            var accepted = 0
            for k in 0..<(corpus.count + runs) {
                let input = k < corpus.count ? corpus[k] : mutator.next()
                if keeper >= 0 {
                    ftruncate(keeper, 0)
                    _ = input.withUnsafeBytes { pwrite(keeper, $0.baseAddress, $0.count, 0) }
                }
                if target.run(input) { accepted += 1 }
            }
            print("\(name): \(corpus.count) corpus files and \(runs) mutations (seed \(seed)): \(accepted) accepted, \(corpus.count + runs - accepted) refused with an error, no crash")
        }

        /// `path` itself, or the files in the folder `path`, sorted.
        static func files(_ path: String) -> [String] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
    }
#endif

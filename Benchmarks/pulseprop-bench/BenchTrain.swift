import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop-bench train`: seconds per MNIST epoch for the update rules, against a baseline
/// measured in the same run (dense GEMMs on one thread, the path before sparse inputs and
/// threads), the absmin kernel's throughput against a memory-bandwidth estimate, and device
/// pairs through the analytic engine as a ratio to the ideal absmin-L20 epoch (see
/// `BenchTrainDevicePairs.swift`).
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Seconds per training epoch (60k examples, [784-110-10]) for times and absmin, continuous and 20 levels, and for device pairs (analytic engine, 20 levels) against ideal absmin.")

    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Epochs timed per setting (the median is reported).")
    var epochs: Int = 3

    @Option(help: "OpenBLAS threads for the GEMMs (training runs use 1 unless told otherwise).")
    var blasThreads = 1

    @Option(help: "Threads that share each minibatch (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Comma-separated rules to time (e.g. transposed-times-L20); the kernel and device-pair sections are then skipped. Default: all four, and both sections.")
    var only: String?

    @Option(help: "Device pairs: comma-separated presets (default: every preset).")
    var devices: String?

    @Option(help: "Device pairs: comma-separated write schemes (default: per-example,per-batch).")
    var writes = "per-example,per-batch"

    @Flag(help: "Time only the ideal absmin-L20 baseline and the device pairs.")
    var devicePairsOnly = false

    @Option(help: "CSV of rule,seconds_per_epoch from a reference implementation of the same rules (scripts/bench-train-torch), shown beside ours with the ratio.")
    var reference: String?

    @Option(help: "Program that times a reference implementation of one rule (called as PROGRAM DATA THREADS EPOCHS RULE, printing rule,seconds_per_epoch; e.g. scripts/bench-train-torch), run just before each rule is timed here, so that both see the same load from other processes.")
    var referenceProgram: String?

    func run() throws {
        try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
        try require(blasThreads >= 1, "blas-threads", "must be ≥ 1, got \(blasThreads)")
        try require(threads >= 1, "threads", "must be ≥ 1, got \(threads)")
        try require(reference == nil || referenceProgram == nil, "reference-program", "cannot be given with --reference")
        var referenceSeconds = try reference.map { try Self.readReference(InputFile.text(atPath: $0), source: $0) } ?? [:]
        let compare = reference != nil || referenceProgram != nil
        let (train, test) = try Dataset.mnist(directory: data)
        print("train s/epoch, median of \(epochs); baseline: GEMMs only, 1 thread; ours: kernels chosen by input density (\(Kernels.instructionSet))"
            + (threads > 1 ? ", on \(threads) threads or 1 per minibatch, whichever is faster at the time" : ""))
        print("rule                          baseline    ours 1 thr    ours \(threads) thr  speed-up  test-eval s"
            + (compare ? "  reference  reference/ours" : ""))
        var idealAbsmin = Double.nan
        for levels in [0, 20] {
            for method in UpdateMethod.allCases {
                var c = BackpropConfiguration()
                c.method = method
                c.levels = levels
                c.epochs = epochs
                if let only, !only.split(separator: ",").contains(Substring(c.ruleName)) { continue }
                if devicePairsOnly, c.ruleName != "transposed-absmin-L20" { continue }
                if let referenceProgram {
                    referenceSeconds.merge(try timeReference(referenceProgram, rule: c.ruleName)) { $1 }
                }
                let (baseline, single, parallel) = try seconds(c, train: train, test: test)
                if method == .absmin, levels == 20 { idealAbsmin = single.train }
                let compared = referenceSeconds[c.ruleName].map {
                    String(format: "  %9.3f  %13.1f×", $0, $0 / parallel.train)
                } ?? ""
                print(c.ruleName.padding(toLength: 28, withPad: " ", startingAt: 0) + String(
                    format: "  %8.3f  %12.3f  %12.3f  %7.1f×  %11.3f", baseline.train,
                    single.train, parallel.train, baseline.train / parallel.train, parallel.evaluation) + compared)
            }
        }
        if only != nil { return }
        if !devicePairsOnly {
            sparseCrossover()
            try absminThroughput(train)
        }
        try devicePairs(train: train, test: test, idealAbsmin: idealAbsmin)
    }

    /// Seconds per call of `first` and `second`, called in turns for `seconds` in all (so load
    /// from other processes falls on both alike).
    static func perCall(_ first: () -> Void, _ second: () -> Void, seconds: Double = 0.6) -> (Double, Double) {
        var (calls, a, b) = (0, 0.0, 0.0)
        while a + b < seconds {
            let t0 = DispatchTime.now().uptimeNanoseconds
            first()
            let t1 = DispatchTime.now().uptimeNanoseconds
            second()
            let t2 = DispatchTime.now().uptimeNanoseconds
            a += Double(t1 - t0) / 1e9
            b += Double(t2 - t1) / 1e9
            calls += 1
        }
        return (a / Double(calls), b / Double(calls))
    }

    /// GEMM time over sparse-product time for one first-layer product (100 × 785 inputs at a
    /// given density, 785 × 110 weights, 1 thread): where the sparse kernel stops paying, the
    /// evidence for ``Kernels/sparseDensityLimit``.
    func sparseCrossover() {
        let (batch, rows, cols) = (100, 785, 110)
        var rng = SeededGenerator(seed: 3)
        let w = (0..<(rows * cols)).map { _ in Float.random(in: -0.1...0.1, using: &rng) }
        var z = [Float](repeating: 0, count: batch * cols)
        var line = "GEMM / sparse product time by input density:"
        var threadLine: String?
        for density in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0] {
            let x = (0..<(batch * rows)).map { _ in Double.random(in: 0..<1, using: &rng) < density ? Float.random(in: 0.01...1, using: &rng) : 0 }
            let (gemm, sparse) = Self.perCall({
                Kernels.gemm(m: batch, n: cols, k: rows, alpha: 1, a: x, lda: rows, b: w, ldb: cols, beta: 0, c: &z, ldc: cols)
            }, {
                Kernels.sparseProduct(x: x, xStride: rows, examples: 0..<batch, weights: w, rows: rows, cols: cols, z: &z, zStride: cols)
            })
            line += String(format: "  %.2f: %.2f", density, gemm / sparse)
            guard density == 0.2, threads > 1 else { continue }
            // As in training on a listed dataset: the row lists are there, the examples are shared.
            let lists = Kernels.SparseLists()
            lists.reserve(lists: batch, room: rows)
            lists.buildRows(of: x, xStride: rows, examples: 0..<batch)
            let (one, shared) = z.withUnsafeMutableBufferPointer { z in
                Self.perCall({
                    Kernels.sparseProduct(rows: lists, examples: 0..<batch, weights: w, cols: cols, z: z.baseAddress!, zStride: cols)
                }, {
                    FixedPartition.run(count: batch, block: Kernels.exampleBlock, threads: threads) { examples in
                        Kernels.sparseProduct(rows: lists, examples: examples, weights: w, cols: cols, z: z.baseAddress!, zStride: cols)
                    }
                })
            }
            threadLine = String(
                format: "sparse product from row lists at density 0.2: %.1f µs on 1 thread, %.1f× faster on %d", one * 1e6,
                one / shared, threads)
        }
        print(line + String(format: " (sparse below %.2f)", Kernels.sparseDensityLimit))
        if let threadLine { print(threadLine) }
    }

    /// `rule,seconds` lines of a reference timing file, by rule name.
    static func readReference(_ text: String, source: String) throws -> [String: Double] {
        var seconds: [String: Double] = [:]
        for (k, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: ",")
            guard fields.count == 2, let value = Double(fields[1]), value > 0 else {
                throw DataError(source, "line \(k + 1) is not `rule,seconds_per_epoch`: \(line)")
            }
            seconds[String(fields[0])] = value
        }
        return seconds
    }

    /// Runs `program DATA THREADS EPOCHS RULE` and reads the `rule,seconds` lines it prints.
    func timeReference(_ program: String, rule: String) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program, data, String(threads), String(epochs), rule]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParameterError("reference-program", "\(program) exited with status \(process.terminationStatus) for \(rule)")
        }
        return try Self.readReference(text, source: program)
    }

    /// Median seconds of a training epoch and of a test evaluation for the baseline (dense
    /// GEMMs on whole input rows, 1 thread), the sparse path on 1 thread and on `threads`; the three settings take
    /// turns epoch by epoch, so load from other processes falls on all of them alike.
    func seconds(_ c: BackpropConfiguration, train: Dataset, test: Dataset) throws -> (
        baseline: (train: Double, evaluation: Double), single: (train: Double, evaluation: Double),
        parallel: (train: Double, evaluation: Double)
    ) {
        let run = try BackpropRun(configuration: c, train: train, test: test, checkpointPath: nil, resume: false)
        Kernels.setBLASThreads(blasThreads)
        let settings = [(1, 0.0), (1, Kernels.sparseDensityLimit), (threads, Kernels.sparseDensityLimit)]
        let trainers = settings.map { threads, limit in
            let trainer = BackpropTrainer(
                configuration: c, network: run.checkpoint.network,
                weightUpdater: IdealWeightUpdater(method: c.method, encoding: c.encoding))
            trainer.threads = threads
            trainer.sparseDensityLimit = limit
            return trainer
        }
        var trainSeconds = [[Double]](repeating: [], count: 3)
        var evalSeconds = [[Double]](repeating: [], count: 3)
        var rng = SeededGenerator(seed: 1)
        // The baseline reads whole input rows, as before the sets' non-zero lists.
        func unlisted(_ data: Dataset) -> Dataset {
            Dataset(inputs: data.inputs, labels: data.labels, features: data.features, classes: data.classes, listingBelow: 0)
        }
        let sets = [(unlisted(train), unlisted(test)), (train, test), (train, test)]
        for _ in 0..<epochs {
            var order = Array(0..<train.count)
            order.shuffle(using: &rng)
            for (k, trainer) in trainers.enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try trainer.trainEpoch(on: sets[k].0, order: order, rate: 1e-4)
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = try trainer.evaluate(on: sets[k].1)
                let t2 = DispatchTime.now().uptimeNanoseconds
                trainSeconds[k].append(Double(t1 - t0) / 1e9)
                evalSeconds[k].append(Double(t2 - t1) / 1e9)
            }
        }
        let medians = (0..<3).map { (trainSeconds[$0].sorted()[epochs / 2], evalSeconds[$0].sorted()[epochs / 2]) }
        return (medians[0], medians[1], medians[2])
    }

    /// The first layer's absmin update kernel on one MNIST minibatch (100 × 785 inputs, 110
    /// hidden errors; column lists built beforehand), single thread, on floats and on 16-bit
    /// pulse counts: synapse terms (non-zero x × columns) per second, against the rate at which memory could stream one δ value per term
    /// (copy bandwidth / 4 or 2 bytes).
    func absminThroughput(_ train: Dataset) throws {
        let (batch, rows, cols) = (100, train.features + 1, 110)
        var x = [Float](repeating: 1, count: batch * rows)
        for b in 0..<batch {
            for i in 0..<train.features { x[b * rows + i] = train.inputs[b * train.features + i] }
        }
        var rng = SeededGenerator(seed: 2)
        let delta = (0..<(batch * cols)).map { _ in Float.random(in: -0.1...0.1, using: &rng) }
        var weights = [Float](repeating: 0, count: rows * cols)
        let terms = x.reduce(0) { $0 + ($1 != 0 ? cols : 0) }
        // The same update on pulse counts at 20 levels (q = 1/4): x in 0…4 pulses, δ in −8…8.
        let countsX = x.map { ($0 * 4).rounded() }
        let countsDelta = (0..<(batch * cols)).map { _ in Int16.random(in: -8...8, using: &rng) }
        let countTerms = countsX.reduce(0) { $0 + ($1 != 0 ? cols : 0) }
        // The column lists are built once per minibatch in training; here both kernels read
        // lists built beforehand, so the figures are the kernels' own.
        func lists(_ x: [Float]) -> Kernels.SparseLists {
            let lists = Kernels.SparseLists()
            lists.reserve(lists: rows, room: batch)
            lists.buildColumns(of: x, xStride: rows, columns: 0..<rows, active: nil)
            return lists
        }
        let (floatLists, countLists) = (lists(x), lists(countsX))
        let (floatSeconds, countSeconds) = Self.perCall({
            Kernels.rowUpdate(
                .absmin, lists: floatLists, delta: delta, rows: 0..<rows, cols: cols, scale: -1e-6, weights: &weights)
        }, {
            Kernels.countUpdate(
                lists: countLists, deltaCounts: countsDelta, rows: 0..<rows, cols: cols, quantum: 0.25, scale: -1e-6,
                weights: &weights)
        }, seconds: 2)
        let (termsPerSecond, countTermsPerSecond) = (Double(terms) / floatSeconds, Double(countTerms) / countSeconds)
        let copied = 1 << 24
        let source = [Float](repeating: 1, count: copied)
        var target = [Float](repeating: 0, count: copied)
        var copySeconds = Double.infinity
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            target.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: copied) }
            copySeconds = min(copySeconds, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let bandwidth = Double(2 * 4 * copied) / copySeconds  // bytes read + written
        print(String(
            format: "absmin kernel: %.2f G terms/s (1 thread; %.1f%% of x non-zero); memory %.1f GB/s streams %.2f G δ floats/s; ratio %.1f",
            termsPerSecond / 1e9, 100 * Double(terms) / Double(batch * rows * cols), bandwidth / 1e9,
            bandwidth / 4 / 1e9, termsPerSecond / (bandwidth / 4)))
        print(String(
            format: "absmin on 16-bit pulse counts (20 levels): %.2f G terms/s (1 thread; %.1f%% of x count non-zero); memory streams %.2f G δ counts/s; ratio %.1f",
            countTermsPerSecond / 1e9, 100 * Double(countTerms) / Double(batch * rows * cols), bandwidth / 2 / 1e9,
            countTermsPerSecond / (bandwidth / 2)))
    }
}

import Foundation
import Synchronization
import XCTest

@testable import PulseProp

/// The sparse kernels against the GEMMs they replace, and training's independence of the
/// thread count.
final class SparseThreadedTrainingTests: XCTestCase {
    /// `count` values, of which about `density` are uniform in (0, 1] and the rest zero.
    func sparseValues(_ count: Int, density: Float, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: 0..<1, using: &rng) < density ? Float.random(in: 0.01...1, using: &rng) : 0 }
    }

    /// Worst-case rounding of a float sum of `n` terms in any order: `|Σ̂ − Σ| ≤ γ_n·Σ|terms|`,
    /// `γ_n = n·u/(1 − n·u)`, `u = 2⁻²⁴`; two orders differ by at most twice that.
    func orderTolerance(terms n: Int, magnitude: Float) -> Float {
        let u = Float.ulpOfOne / 2
        return 2 * Float(n) * u / (1 - Float(n) * u) * magnitude
    }

    /// The sparse product skips zeros without rounding (it is bit for bit the in-order dense
    /// sum with the zero terms included), and differs from OpenBLAS's GEMM only by summation
    /// order, within the worst-case bound.
    func testSparseProductIsTheDenseSumReordered() {
        var rng = SeededGenerator(seed: 11)
        let (batch, rows, cols) = (23, 97, 37)
        let x = sparseValues(batch * rows, density: 0.2, &rng)
        let w = (0..<(rows * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        var sparse = [Float](repeating: .nan, count: batch * cols)
        var gemm = sparse
        Kernels.sparseProduct(x: x, xStride: rows, examples: 0..<batch, weights: w, rows: rows, cols: cols, z: &sparse, zStride: cols)
        Kernels.gemm(m: batch, n: cols, k: rows, alpha: 1, a: x, lda: rows, b: w, ldb: cols, beta: 0, c: &gemm, ldc: cols)
        for b in 0..<batch {
            for j in 0..<cols {
                var inOrder: Float = 0
                var magnitude: Float = 0
                for i in 0..<rows {
                    inOrder += x[b * rows + i] * w[i * cols + j]
                    magnitude += abs(x[b * rows + i] * w[i * cols + j])
                }
                XCTAssertEqual(sparse[b * cols + j].bitPattern, inOrder.bitPattern, "z[\(b), \(j)]")
                XCTAssertEqual(sparse[b * cols + j], gemm[b * cols + j], accuracy: orderTolerance(terms: rows, magnitude: magnitude))
            }
        }
    }

    /// The `times` row kernel is `W += s·Σ_b x_b·δ_b` over the non-zero `x` (the GEMM's sum
    /// reordered, within the bound); the `absmin` one is bit for bit the scalar
    /// `clamp(δ, −x, x)` sum in example order (37 columns: vector lanes and a tail).
    func testRowUpdateKernels() {
        var rng = SeededGenerator(seed: 12)
        let (batch, rows, cols) = (19, 41, 37)
        let x = sparseValues(batch * rows, density: 0.25, &rng)
        let delta = (0..<(batch * cols)).map { _ in Float.random(in: -1.5...1.5, using: &rng) }
        let start = (0..<(rows * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        let scale: Float = -0.01

        var times = start
        var gemm = start
        Kernels.rowUpdate(.times, x: x, xStride: rows, delta: delta, batch: batch, rows: 0..<rows, cols: cols, scale: scale, weights: &times)
        Kernels.gemm(transA: true, m: rows, n: cols, k: batch, alpha: scale, a: x, lda: rows, b: delta, ldb: cols, beta: 1, c: &gemm, ldc: cols)
        var absmin = start
        Kernels.rowUpdate(.absmin, x: x, xStride: rows, delta: delta, batch: batch, rows: 0..<rows, cols: cols, scale: scale, weights: &absmin)
        for i in 0..<rows {
            for j in 0..<cols {
                var clamped: Float = 0
                var magnitude: Float = 0
                for b in 0..<batch where x[b * rows + i] != 0 {
                    let (xi, d) = (x[b * rows + i], delta[b * cols + j])
                    clamped += min(max(d, -xi), xi)
                    magnitude += abs(xi * d)
                }
                let k = i * cols + j
                XCTAssertEqual(absmin[k].bitPattern, (start[k] + scale * clamped).bitPattern, "absmin w[\(i), \(j)]")
                XCTAssertEqual(times[k], gemm[k], accuracy: orderTolerance(terms: batch + 1, magnitude: abs(start[k]) + abs(scale) * magnitude))
            }
        }
    }

    /// The kernels split by columns give the bits of one call over all columns: widths below
    /// 16 (scalar), a full lane, lanes with an overlapping tail, and 110 columns in one pass of
    /// 7 lanes (AVX-512) or in passes of 4 and 3.
    func testKernelsSplitByColumnsGiveTheWholeResult() {
        for (cols, splits) in [(45, [[0..<16, 16..<45], [0..<7, 7..<30, 30..<45], [0..<40, 40..<45]]), (110, [[0..<64, 64..<110]])] {
            kernelsSplitByColumns(cols: cols, splits: splits)
        }
    }

    func kernelsSplitByColumns(cols: Int, splits: [[Range<Int>]]) {
        var rng = SeededGenerator(seed: 21)
        let (batch, rows) = (17, 53)
        let x = sparseValues(batch * rows, density: 0.3, &rng)
        let w = (0..<(rows * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        let delta = (0..<(batch * cols)).map { _ in Float.random(in: -1.5...1.5, using: &rng) }
        var whole = [Float](repeating: .nan, count: batch * cols)
        Kernels.sparseProduct(x: x, xStride: rows, examples: 0..<batch, weights: w, rows: rows, cols: cols, z: &whole, zStride: cols)
        for split in splits {
            var parts = [Float](repeating: .nan, count: batch * cols)
            for columns in split {
                Kernels.sparseProduct(
                    x: x, xStride: rows, examples: 0..<batch, weights: w, rows: rows, cols: cols, columns: columns, z: &parts,
                    zStride: cols)
            }
            XCTAssertEqual(parts.map(\.bitPattern), whole.map(\.bitPattern), "product split \(split)")
            for method in UpdateMethod.allCases {
                let lists = Kernels.SparseLists()
                lists.reserve(lists: rows, room: batch)
                lists.buildColumns(of: x, xStride: rows, columns: 0..<rows, active: nil)
                var updatedWhole = w
                Kernels.rowUpdate(method, lists: lists, delta: delta, rows: 0..<rows, cols: cols, scale: -0.01, weights: &updatedWhole)
                var updatedParts = w
                for columns in split {
                    Kernels.rowUpdate(
                        method, lists: lists, delta: delta, rows: 0..<rows, columns: columns, cols: cols, scale: -0.01,
                        weights: &updatedParts)
                }
                XCTAssertEqual(updatedParts.map(\.bitPattern), updatedWhole.map(\.bitPattern), "\(method) split \(split)")
            }
        }
    }

    /// Lists built without the examples whose δ row is all zero update exactly as the full
    /// lists do (those examples add zeros), and the lists hold each column's non-zero `x` in
    /// example order.
    func testColumnListsSkipInactiveExamplesExactly() {
        var rng = SeededGenerator(seed: 22)
        let (batch, rows, cols) = (23, 40, 19)
        let x = sparseValues(batch * rows, density: 0.25, &rng)
        var delta = (0..<(batch * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        for b in stride(from: 0, to: batch, by: 3) { for j in 0..<cols { delta[b * cols + j] = 0 } }
        var active = [UInt8](repeating: 9, count: batch)
        XCTAssertEqual(Kernels.markNonZeroRows(delta, batch: batch, cols: cols, active: &active), batch - 8)
        XCTAssertEqual(active, (0..<batch).map { $0 % 3 == 0 ? 0 : 1 })
        let lists = Kernels.SparseLists()
        lists.reserve(lists: rows, room: batch)
        lists.buildColumns(of: x, xStride: rows, columns: 0..<20, active: active)
        lists.buildColumns(of: x, xStride: rows, columns: 20..<rows, active: active)
        for i in 0..<rows {
            let expected = (0..<batch).filter { x[$0 * rows + i] != 0 && active[$0] != 0 }
            XCTAssertEqual(lists.list(i).map(\.position), expected, "column \(i)")
            XCTAssertEqual(lists.list(i).map(\.value), expected.map { x[$0 * rows + i] })
        }
        // The same lists made from the examples' row lists instead of a scan, in other blocks.
        let rowLists = Kernels.SparseLists()
        rowLists.reserve(lists: batch, room: rows)
        rowLists.buildRows(of: x, xStride: rows, examples: 0..<batch)
        let transposed = Kernels.SparseLists()
        transposed.reserve(lists: rows, room: batch)
        for columns in [0..<1, 1..<33, 33..<rows] { transposed.buildColumns(from: rowLists, columns: columns, active: active) }
        for i in 0..<rows {
            XCTAssertEqual(transposed.list(i).map(\.position), lists.list(i).map(\.position), "transposed column \(i)")
            XCTAssertEqual(transposed.list(i).map(\.value), lists.list(i).map(\.value), "transposed column \(i)")
        }
        for method in UpdateMethod.allCases {
            var skipped = [Float](repeating: 0.5, count: rows * cols)
            var full = skipped
            Kernels.rowUpdate(method, lists: lists, delta: delta, rows: 0..<rows, cols: cols, scale: -0.1, weights: &skipped)
            Kernels.rowUpdate(method, x: x, xStride: rows, delta: delta, batch: batch, rows: 0..<rows, cols: cols, scale: -0.1, weights: &full)
            XCTAssertEqual(skipped.map(\.bitPattern), full.map(\.bitPattern), "\(method)")
        }
    }

    /// absmin on pulse counts (16-bit lanes, priced once) is the float kernel on the values
    /// `n·q`: bit for bit when `q` is a power of two (every float partial sum is exact), and
    /// within the float kernel's own rounding otherwise; counts are used only while a row's
    /// count cannot pass 16 bits.
    func testCountUpdateIsTheAbsminUpdateOnPulseValues() {
        var rng = SeededGenerator(seed: 23)
        let (batch, rows, cols) = (29, 61, 47)
        let nx = (0..<(batch * rows)).map { _ in Float.random(in: 0..<1, using: &rng) < 0.3 ? Float(Int.random(in: 1...20, using: &rng)) : 0 }
        let nd = (0..<(batch * cols)).map { _ in Float(Int.random(in: -8...8, using: &rng)) }
        let start = (0..<(rows * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        for q: Float in [0.25, 0.05] {
            let lists = Kernels.SparseLists()
            lists.reserve(lists: rows, room: batch)
            lists.buildColumns(of: nx, xStride: rows, columns: 0..<rows, active: nil)
            var counted = start
            let counts = nd.map { Int16($0) }
            for columns in [0..<32, 32..<47] {
                Kernels.countUpdate(
                    lists: lists, deltaCounts: counts, rows: 0..<rows, columns: columns, cols: cols, quantum: q, scale: -0.1,
                    weights: &counted)
            }
            var floats = start
            Kernels.rowUpdate(
                .absmin, x: nx.map { $0 * q }, xStride: rows, delta: nd.map { $0 * q }, batch: batch, rows: 0..<rows,
                cols: cols, scale: -0.1, weights: &floats)
            if q == 0.25 {
                XCTAssertEqual(counted.map(\.bitPattern), floats.map(\.bitPattern))
            } else {
                for k in counted.indices { XCTAssertEqual(counted[k], floats[k], accuracy: 1e-5, "w[\(k)]") }
                XCTAssertNotEqual(counted, floats, "q = 0.05: the float sums round, the counts do not")
            }
        }
        // A row's count is at most batch·maxCount: 20 (L20) or 100 (L100) pulses per example.
        var encoding = PulseEncoding(levels: 20)
        XCTAssertTrue(IdealWeightUpdater.countsFit(encoding, batch: 1638))  // 32 760 pulses
        XCTAssertFalse(IdealWeightUpdater.countsFit(encoding, batch: 1639))
        encoding.levels = 100
        XCTAssertTrue(IdealWeightUpdater.countsFit(encoding, batch: 100))
        XCTAssertFalse(IdealWeightUpdater.countsFit(encoding, batch: 328))
    }

    /// A worker team runs the caller's part once per job and each other member's at most once
    /// (a member that comes late is not waited for), a job started while another runs is
    /// done by the caller alone, and a fixed partition on the team computes every block exactly
    /// once, whoever claims it.
    func testWorkerTeamAndPartitionDoEveryPartOnce() {
        let team = WorkerTeam.of(size: 3)
        XCTAssertTrue(team === WorkerTeam.of(size: 3))
        for _ in 0..<200 {
            let calls = Mutex([0, 0, 0])
            team.run { member in calls.withLock { $0[member] += 1 } }
            let counts = calls.withLock { $0 }
            XCTAssertEqual(counts[0], 1)
            XCTAssertTrue(counts.allSatisfy { $0 <= 1 }, "\(counts)")
        }
        team.run { member in
            guard member == 0 else { return }
            var nested: [Int] = []
            team.run { nested.append($0) }
            XCTAssertEqual(nested, [0], "the busy team runs a nested job on the caller alone")
        }
        for threads in [1, 2, 3] {
            let blocks = Mutex([Range<Int>]())
            FixedPartition.run(count: 103, block: 16, threads: threads) { range in blocks.withLock { $0.append(range) } }
            let sorted = blocks.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
            XCTAssertEqual(sorted, stride(from: 0, to: 103, by: 16).map { $0..<min($0 + 16, 103) }, "\(threads) threads")
        }
    }

    /// The quantiser's libm-free rounding is IEEE round-to-nearest-even: ties go to the even
    /// integer, both signs, and random ratios in the range the encodings use round alike.
    func testQuantiserRoundsToNearestEven() {
        for r: Float in [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 3.5000002, -0.0, 4_194_303.5] {
            XCTAssertEqual(Kernels.nearestEven(r), r.rounded(.toNearestOrEven), "\(r)")
        }
        var rng = SeededGenerator(seed: 7)
        let values = (0..<10_000).map { _ in Float.random(in: -40...40, using: &rng) }
        var quantized = values
        quantized.withUnsafeMutableBufferPointer {
            Kernels.quantize($0.baseAddress!, count: $0.count, quantum: 0.05, step: 0.25, lower: -1, upper: 2, rounding: .nearest)
        }
        let expected = values.map { PulseRounding.nearest.whole(min(max($0, -1), 2) * (1 / Float(0.05))) * 0.25 }
        XCTAssertEqual(quantized, expected)
    }

    /// Training is bit for bit the same on 1, 2 and 3 threads, for both rules, continuous and
    /// with levels, on sparse inputs (the sparse kernels) and dense ones (the GEMMs), and on
    /// sparse inputs read from their lists or scanned. (With a team, the ``ThreadChooser``
    /// runs the first minibatches of its cycle on one thread and the rest on the team, so the
    /// runs on 2 and 3 threads mix both.)
    func testThreadCountDoesNotChangeTraining() throws {
        var rng = SeededGenerator(seed: 13)
        let dense = prototypeDataset(examples: 120, features: 50, classes: 3, seed: 14)
        let sparse = Dataset(
            inputs: dense.inputs.map { Float.random(in: 0..<1, using: &rng) < 0.03 ? $0 : 0 }, labels: dense.labels,
            features: dense.features, classes: dense.classes)
        func density(_ data: Dataset) -> Double {
            data.inputs.withUnsafeBufferPointer { Kernels.density($0.baseAddress!, rows: data.count, cols: data.features, stride: data.features) }
        }
        XCTAssertLessThan(density(sparse), Kernels.sparseDensityLimit)
        XCTAssertGreaterThan(density(dense), Kernels.sparseDensityLimit)
        XCTAssertNotNil(sparse.nonZero)
        XCTAssertNil(dense.nonZero)
        // The sparse inputs once more, without their lists: the kernels find the non-zeros by
        // scanning instead, and must train to the same bits.
        let unlisted = Dataset(
            inputs: sparse.inputs, labels: sparse.labels, features: sparse.features, classes: sparse.classes, listingBelow: 0)
        XCTAssertNil(unlisted.nonZero)
        var sparseResults: [String: Network] = [:]
        for (name, data) in [("sparse", sparse), ("dense", dense), ("unlisted", unlisted)] {
            for method in UpdateMethod.allCases {
                for levels in [0, 20] {
                    var c = BackpropConfiguration()
                    c.method = method
                    c.levels = levels
                    c.hidden = 21
                    c.batch = 40  // forward blocks of 16, 16, 8
                    c.epochs = 3
                    c.learningRate = 0.003
                    var results: [(Network, [Double])] = []
                    for threads in [1, 2, 3] {
                        let run = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false)
                        run.threads = threads
                        let history = try run.run()
                        results.append((run.checkpoint.network, history.flatMap { [$0.trainError, $0.trainLoss, $0.testLoss] }))
                    }
                    for (threads, result) in zip([2, 3], results.dropFirst()) {
                        let label = "\(name) \(method) L\(levels), \(threads) threads"
                        XCTAssertEqual(result.0.layers[0].values.map(\.bitPattern), results[0].0.layers[0].values.map(\.bitPattern), label)
                        XCTAssertEqual(result.0.layers[1].values.map(\.bitPattern), results[0].0.layers[1].values.map(\.bitPattern), label)
                        XCTAssertEqual(result.1, results[0].1, label)
                    }
                    let key = "\(method) L\(levels)"
                    if name == "sparse" { sparseResults[key] = results[0].0 }
                    if name == "unlisted", let listed = sparseResults[key] {
                        for l in 0..<2 {
                            XCTAssertEqual(
                                results[0].0.layers[l].values.map(\.bitPattern), listed.layers[l].values.map(\.bitPattern),
                                "\(key): listed and scanned sparse inputs")
                        }
                    }
                    XCTAssertNotEqual(results[0].0.layers[0].values, try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false).checkpoint.network.layers[0].values, "\(name) \(method) L\(levels) learnt nothing")
                }
            }
        }
    }

    /// A dataset's non-zero lists hold exactly its non-zero inputs; a minibatch loaded from
    /// them has the dense rows a plain copy gives and row lists equal to a scan of those rows
    /// (bias input included), and the lists are dropped once the rows are written to.
    func testLoadFromNonZeroListsMatchesTheDenseRows() {
        var rng = SeededGenerator(seed: 31)
        let (examples, features) = (57, 70)
        let inputs = sparseValues(examples * features, density: 0.15, &rng)
        let listed = Dataset(inputs: inputs, labels: Array(repeating: 0, count: examples), features: features, classes: 2)
        let plain = Dataset(
            inputs: inputs, labels: listed.labels, features: features, classes: 2, listingBelow: 0)
        let lists = try! XCTUnwrap(listed.nonZero)
        for e in 0..<examples {
            let row = inputs[(e * features)..<((e + 1) * features)]
            let expected = row.indices.filter { row[$0] != 0 }
            XCTAssertEqual(lists.column[lists.start[e]..<lists.start[e + 1]].map { Int($0) }, expected.map { $0 - e * features })
            XCTAssertEqual(Array(lists.value[lists.start[e]..<lists.start[e + 1]]), expected.map { inputs[$0] })
        }
        let network = Network(inputs: features, hidden: 5, outputs: 2, activation: .relu, feedback: .transposed, using: &rng)
        let order = (0..<examples).shuffled(using: &rng)
        var fromLists = ForwardBuffers(capacity: 25, network: network)
        var fromRows = ForwardBuffers(capacity: 25, network: network)
        for start in stride(from: 0, to: examples, by: 25) {
            let indices = order[start..<min(start + 25, examples)]
            fromLists.load(listed, indices: indices, threads: 2)
            fromRows.load(plain, indices: indices, threads: 2)
            XCTAssertEqual(fromLists.input.map(\.bitPattern), fromRows.input.map(\.bitPattern))
            XCTAssertNil(fromRows.inputLists)
            let gathered = try! XCTUnwrap(fromLists.inputLists)
            let scanned = Kernels.SparseLists()
            scanned.reserve(lists: indices.count, room: features + 1)
            fromRows.input.withUnsafeBufferPointer {
                scanned.buildRows(of: $0.baseAddress!, xStride: features + 1, examples: 0..<indices.count)
            }
            for b in 0..<indices.count {
                XCTAssertEqual(gathered.list(b).map(\.position), scanned.list(b).map(\.position), "example \(b)")
                XCTAssertEqual(gathered.list(b).map(\.value), scanned.list(b).map(\.value), "example \(b)")
                XCTAssertEqual(gathered.list(b).last?.position, features, "the bias input")
            }
        }
        fromLists.input[0] = 0.5
        XCTAssertNil(fromLists.inputLists, "lists of rows that changed")
    }
}

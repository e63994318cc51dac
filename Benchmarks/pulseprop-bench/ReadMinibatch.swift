import COpenBLAS
import Foundation
import PulseProp

/// A minibatch to read through a crossbar: random weights in `[−4, 4]` held as device states
/// (reference mapping) and random inputs in `[0, 1]` whose last one (the bias) is 1.
struct ReadMinibatch {
    let rows: Int
    let cols: Int
    let batch: Int
    let states: Matrix<Double>
    let weights: [Float]
    let inputs: [Float]

    init(rows: Int, cols: Int, batch: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let mapping = WeightMapping(.reference, maxWeight: 4)
        let weights = (0..<rows * cols).map { _ in Float.random(in: -4...4, using: &rng) }
        var inputs = (0..<batch * rows).map { _ in Float.random(in: 0...1, using: &rng) }
        for b in 0..<batch { inputs[b * rows + rows - 1] = 1 }
        (self.rows, self.cols, self.batch) = (rows, cols, batch)
        (states, self.weights, self.inputs) = (mapping.states(weights: weights, rows: rows, cols: cols), weights, inputs)
    }

    /// The ideal product (CBLAS `sgemm`) into `out` (`batch × cols`).
    func idealProduct(into out: inout [Float]) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(batch), Int32(cols), Int32(rows), 1, inputs, Int32(rows), weights,
            Int32(cols), 0, &out, Int32(cols))
    }

    /// The product read through `readout` into `out` (`batch × cols`).
    func read(through readout: CircuitReadout, into out: inout [Float]) throws {
        try inputs.withUnsafeBufferPointer { x in
            try out.withUnsafeMutableBufferPointer { z in
                try readout.multiply(
                    layer: 0, inputs: x.baseAddress!, inputStride: rows, count: batch, weights: weights, rows: rows, cols: cols,
                    output: z.baseAddress!, outputStride: cols)
            }
        }
    }
}

/// Mean seconds of `count` runs of `body` (passed the run's index): wall-clock, or with
/// `cpu` the calling thread's CPU time (with one BLAS thread all the work is that thread's,
/// and on a shared machine the wall clock also counts other programs' time).
func meanSeconds(_ count: Int, cpu: Bool = false, _ body: (Int) throws -> Void) rethrows -> Double {
    func clock() -> Double {
        guard cpu else { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    let start = clock()
    for k in 0..<count { try body(k) }
    return (clock() - start) / Double(count)
}

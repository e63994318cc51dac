/// Applies one minibatch's weight update to a network, given its inputs, hidden activities
/// and errors. ``IdealWeightUpdater`` changes float weights by the rule; a device updater
/// sends the same signals as pulses to conductance pairs.
public protocol WeightUpdater: AnyObject {
    /// Updates `network` from the first `count` examples of `buffers` with output errors
    /// `outputDelta` (`count × outputs`) and hidden errors `hiddenDelta` (`count × hidden`).
    func update(
        _ network: inout Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float], count: Int,
        rate: Float) throws
}

/// The paper's float-weight update: `W −= η·Σ_b u(x_b, δ_b)` with `u` = times or absmin,
/// on discretised signals when an encoding is given.
public final class IdealWeightUpdater: WeightUpdater {
    /// The rule.
    public let method: UpdateMethod
    /// Discretisation of `x` and `δ`; nil for continuous signals.
    public let encoding: PulseEncoding?
    private var quantized: [Float] = []
    private var accumulator: [Float] = []

    /// Creates an updater for `method` with optional discretisation.
    public init(method: UpdateMethod, encoding: PulseEncoding?) {
        self.method = method
        self.encoding = encoding
    }

    public func update(
        _ network: inout Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float], count: Int,
        rate: Float
    ) {
        let (n, h, o) = (network.inputs, network.hidden, network.outputs)
        if accumulator.count < max(h, o) { accumulator = [Float](repeating: 0, count: max(h, o)) }
        update(&network.w2, x: buffers.hiddenActivity, xStride: h + 1, delta: outputDelta, cols: o, count: count, rate: rate)
        update(&network.w1, x: buffers.input, xStride: n + 1, delta: hiddenDelta, cols: h, count: count, rate: rate)
    }

    /// `W −= η·Σ_b u(x_b, δ_b)` for one layer (`W` has `xStride` rows, the bias row last).
    private func update(
        _ weights: inout [Float], x: [Float], xStride: Int, delta: [Float], cols: Int, count: Int, rate: Float
    ) {
        let xCount = count * xStride
        let deltaCount = count * cols
        if let encoding {
            // Discretise copies of x (first) and δ (after it) to the values pulses represent.
            quantized.removeAll(keepingCapacity: true)
            quantized.append(contentsOf: x[0..<xCount])
            quantized.append(contentsOf: delta[0..<deltaCount])
            let (xQuantum, deltaQuantum) = (Float(encoding.xQuantum), Float(encoding.deltaQuantum))
            quantized.withUnsafeMutableBufferPointer { buffer in
                Kernels.quantize(
                    buffer.baseAddress!, count: xCount, quantum: xQuantum, step: xStep(method, xQuantum, deltaQuantum),
                    lower: 0, upper: Float(encoding.xMax), rounding: encoding.rounding)
                Kernels.quantize(
                    buffer.baseAddress! + xCount, count: deltaCount, quantum: deltaQuantum, step: deltaQuantum,
                    lower: Float(encoding.deltaMin), upper: Float(encoding.deltaMax), rounding: encoding.rounding)
            }
            quantized.withUnsafeBufferPointer { signals in
                apply(&weights, x: signals.baseAddress!, xStride: xStride, delta: signals.baseAddress! + xCount, cols: cols, count: count, rate: rate)
            }
        } else {
            x.withUnsafeBufferPointer { xs in
                delta.withUnsafeBufferPointer { ds in
                    apply(&weights, x: xs.baseAddress!, xStride: xStride, delta: ds.baseAddress!, cols: cols, count: count, rate: rate)
                }
            }
        }
    }

    /// The value of one `x` pulse in the update. `times` multiplies the represented values,
    /// `x̂·δ̂ = (n_x·q_x)·(n_δ·q_δ)`. `absmin` is what coincident pulses do: `min(n_x, |n_δ|)`
    /// pulses, each one weight step of `η·q_δ`, so `x`'s count is priced in `q_δ` too and the
    /// clamp below yields `q_δ·sign(n_δ)·min(n_x, |n_δ|)`. (`q_δ` keeps an error-limited step
    /// equal to the quantised error, as in the continuous rule; with `shared` both quanta are
    /// one and nothing changes.)
    private func xStep(_ method: UpdateMethod, _ xQuantum: Float, _ deltaQuantum: Float) -> Float {
        switch method {
        case .times: return xQuantum
        case .absmin: return deltaQuantum
        }
    }

    private func apply(
        _ weights: inout [Float], x: UnsafePointer<Float>, xStride: Int, delta: UnsafePointer<Float>, cols: Int,
        count: Int, rate: Float
    ) {
        weights.withUnsafeMutableBufferPointer { w in
            switch method {
            case .times:
                Kernels.gemm(
                    transA: true, m: xStride, n: cols, k: count, alpha: -rate, a: x, lda: xStride, b: delta, ldb: cols,
                    beta: 1, c: w.baseAddress!, ldc: cols)
            case .absmin:
                accumulator.withUnsafeMutableBufferPointer { acc in
                    Kernels.absminUpdate(
                        x: x, xStride: xStride, delta: delta, batch: count, rows: xStride, cols: cols, scale: -rate,
                        weights: w.baseAddress!, accumulator: acc.baseAddress!)
                }
            }
        }
    }
}

import CKernels

/// How device states hold a layer's weights (`--weights reference|pair`).
///
/// - ``Kind/reference``: one device per weight against a mid-range reference column,
///   `w = w_max·(G − G_ref)/((G_on − G_off)/2)` with `G_ref = (G_on + G_off)/2`. In states:
///   `w = w_max·(2x − 1)`, so `x ∈ [0, 1]` spans `w ∈ [−w_max, w_max]`; the crossbar has one
///   column per weight (plus the reference column, which never changes).
/// - ``Kind/pair``: a differential pair, two columns per weight (`G⁺` in column `2j`, `G⁻` in
///   column `2j + 1`): `w = w_max·(G⁺ − G⁻)/(G_on − G_off) = w_max·(x⁺ − x⁻)`. A weight is
///   programmed with the lower device at `x = 0` (`w ≥ 0`: `x⁺ = w/w_max`, `x⁻ = 0`), which
///   leaves the most headroom for potentiation-only updates, or centred on mid-range
///   (`x± = ½ ± w/(2·w_max)`, ``PairStart/centred``), which leaves both devices room to move
///   both ways, as bidirectional updates need.
public struct WeightMapping: Codable, Equatable, Sendable {
    /// One device against a reference column, or a pair of devices.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case reference, pair
    }

    /// The layout.
    public var kind: Kind
    /// The largest weight magnitude the devices can hold.
    public var maxWeight: Double

    /// Creates a mapping with range `[−maxWeight, maxWeight]`.
    public init(_ kind: Kind = .reference, maxWeight: Double) {
        self.kind = kind
        self.maxWeight = maxWeight
    }

    /// The mapping of `weights` (nil for float weights).
    public init?(mode weights: WeightMode, maxWeight: Double) {
        switch weights {
        case .ideal: return nil
        case .reference: self.init(Kind.reference, maxWeight: maxWeight)
        case .pair: self.init(Kind.pair, maxWeight: maxWeight)
        }
    }

    /// Crossbar columns per weight column: 1 (reference) or 2 (pair).
    public var columnsPerWeight: Int { kind == .pair ? 2 : 1 }

    /// The change of `w` per unit change of one device's state: `2·w_max` for a reference
    /// device, `w_max` for either device of a pair (with the sign of `G⁺`).
    public var weightPerState: Double { kind == .pair ? maxWeight : 2 * maxWeight }

    /// Reference mapping: `w = w_max·(2x − 1)`.
    @inline(__always)
    public func weight(state x: Double) -> Float { Float(maxWeight * (2 * x - 1)) }

    /// Reference mapping: `x = (1 + w/w_max)/2`, clipped to `[0, 1]`.
    @inline(__always)
    public func state(weight w: Float) -> Double { min(max((1 + Double(w) / maxWeight) / 2, 0), 1) }

    /// The device states holding the row-major `rows × cols` weights `w`: `rows × cols` states
    /// (reference) or `rows × 2·cols` (pair, programmed as `start` says), every state clipped to
    /// `[0, 1]`.
    public func states(weights w: [Float], rows: Int, cols: Int, start: PairStart = .low) -> Matrix<Double> {
        precondition(w.count == rows * cols, "weights do not match the shape")
        switch kind {
        case .reference:
            return Matrix(rows: rows, cols: cols, elements: w.map(state(weight:)))
        case .pair:
            var elements = [Double](repeating: 0, count: rows * cols * 2)
            for (k, value) in w.enumerated() {
                let magnitude = min(abs(Double(value)) / maxWeight, 1)
                switch start {
                case .low:
                    elements[2 * k + (value < 0 ? 1 : 0)] = magnitude
                case .centred:
                    let half = (value < 0 ? -magnitude : magnitude) / 2
                    (elements[2 * k], elements[2 * k + 1]) = (0.5 + half, 0.5 - half)
                }
            }
            return Matrix(rows: rows, cols: cols * 2, elements: elements)
        }
    }

    /// The row-major weights held by `states` (the layout of ``states(weights:rows:cols:)``).
    public func weights(of states: Matrix<Double>) -> [Float] {
        var values: [Float] = []
        read(states, into: &values)
        return values
    }

    /// Sets `values` to ``weights(of:)`` of `states`, reusing its storage when it has the
    /// right count (a training step's read-back, every minibatch), in fixed blocks of weights
    /// shared by `threads` threads (each weight on its own: the same values on any number).
    public func read(_ states: Matrix<Double>, into values: inout [Float], threads: Int = 1) {
        let count = kind == .pair ? states.elements.count / 2 : states.elements.count
        if values.count != count { values = [Float](repeating: 0, count: count) }
        guard count > 0 else { return }
        states.elements.withUnsafeBufferPointer { x in
            values.withUnsafeMutableBufferPointer { w in
                let (x, w) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(w.baseAddress!))
                FixedPartition.run(count: count, block: 16_384, threads: threads) { block in
                    switch kind {
                    case .reference:
                        for k in block { w.value[k] = weight(state: x.value[k]) }
                    case .pair:
                        pp_pair_weights(x.value + 2 * block.lowerBound, block.count, maxWeight, w.value + block.lowerBound)
                    }
                }
            }
        }
    }

    /// ``read(_:into:threads:)`` of only the weights of the devices at the row-major crossbar
    /// `positions` (those written since `values`, of the right count, was read): the same
    /// values, with work that grows with the positions instead of the crossbar.
    public func read(_ states: Matrix<Double>, positions: [Int], into values: inout [Float]) {
        precondition(values.count == (kind == .pair ? states.elements.count / 2 : states.elements.count), "weights do not match the states")
        guard !positions.isEmpty else { return }
        states.elements.withUnsafeBufferPointer { x in
            values.withUnsafeMutableBufferPointer { w in
                let (x, w) = (x.baseAddress!, w.baseAddress!)
                for p in positions {
                    switch kind {
                    case .reference:
                        w[p] = weight(state: x[p])
                    case .pair:
                        // The whole read's kernel for this one pair: the same bits.
                        pp_pair_weights(x + p - p % 2, 1, maxWeight, w + p / 2)
                    }
                }
            }
        }
    }

    /// `layers` with the weights that device `states` (one matrix per layer) hold.
    public func weights(of states: [Matrix<Double>], shapedAs layers: [WeightLayer]) -> [WeightLayer] {
        zip(layers, states).map { WeightLayer(rows: $0.rows, cols: $0.cols, values: weights(of: $1)) }
    }
}

/// Where a pair's devices start when a weight is programmed (``WeightMapping/states(weights:rows:cols:start:)``).
public enum PairStart: String, Codable, CaseIterable, Sendable {
    /// The lower device at 0, the other at `|w|/w_max`: all the headroom for potentiation.
    case low
    /// Both devices around mid-range, `½ ± w/(2·w_max)`: room to move both ways.
    case centred
}

import Foundation

/// The equilibrium of an ``EqPropNetwork`` by Newton's method on Kirchhoff's current law.
///
/// At hidden node `h` (sources `u_c`, input-layer conductances `G_hc`, output-layer ones `W_kh`)
/// and output node `k` (bias conductances `G_k±` to the clamp sources `±V_b`; `k` is `o+` or
/// `o−`, `s_k = ±1`) the currents into the node are
///
///     r_h = Σ_c G_hc (u_c − V_h) + Σ_k W_kh (V_k − V_h) − G_L V_h − f(V_h)
///     r_k = Σ_h W_kh (V_h − V_k) + G_k+ (V_b − V_k) + G_k− (−V_b − V_k) − G_L V_k − f(V_k)
///           + s_k·β·G_on·(A_out·t_o − (V_o+ − V_o−))                  (nudged phase only)
///
/// and the equilibrium is `r = 0`. The Jacobian is `−[D_h, −Wᵀ; −W, D_o]` with a positive
/// diagonal `D_h` and `D_o` diagonal but for the nudge's `−β_S` between the two nodes of a
/// pair, so each Newton step solves the output Schur complement
/// `(D_o − W D_h⁻¹ Wᵀ) Δ_o = r_o + W D_h⁻¹ r_h` (Cholesky, `2O × 2O`), then
/// `Δ_h = D_h⁻¹ (r_h + Wᵀ Δ_o)`. Steps that push a node past the clamp level `V_b` are limited
/// to `2·V_T` beyond it per iteration (as SPICE limits junction voltages), so the diodes'
/// exponentials cannot overshoot. The network is the gradient of a convex co-content, so the
/// equilibrium is unique; Newton stops when no node moves by more than ``tolerance``.
public struct EqPropAnalyticSolver: EqPropEngine {
    /// Convergence tolerance on the Newton step, volts.
    public var tolerance = 1e-12
    /// Newton iterations before giving up.
    public var maxIterations = 200

    public init() {}

    public func equilibrium(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge?, start: [Double]?) throws -> [Double] {
        try EqPropSystem(network: network, input: input, nudge: nudge)
            .solve(start: start ?? Array(repeating: 0, count: network.nodes), tolerance: tolerance, maxIterations: maxIterations)
    }
}

/// The node equations of one phase of one example, assembled once and solved by Newton.
struct EqPropSystem {
    let network: EqPropNetwork
    let phase: EqPropPhase
    /// Hidden nodes: `Σ_c G_hc u_c` and `Σ_c G_hc + Σ_o W_oh + G_L`.
    var hiddenDrive: [Double]
    var hiddenLoad: [Double]
    /// Output nodes: bias and nudge current `G_k+ V_b − G_k− V_b + s_k β_S A_out t_o` and
    /// the total conductance `Σ_h W_kh + G_k+ + G_k− + G_L + β_S`.
    var outputDrive: [Double]
    var outputLoad: [Double]
    /// The nudge's coupling `β_S` between the two nodes of a pair (0 in the free phase).
    let pairCoupling: Double
    /// `W`, `2O × H`, row-major.
    let coupling: [Double]

    init(network: EqPropNetwork, input: [Double], nudge: EqPropNudge?) throws {
        try require(input.count == network.inputs, "input", "\(input.count) values for \(network.inputs) inputs")
        if let nudge {
            try require(nudge.beta > 0 && nudge.beta.isFinite, "beta", "must be a finite number > 0, got \(nudge.beta)")
            try require(nudge.targets.count == network.outputs, "targets", "\(nudge.targets.count) targets for \(network.outputs) outputs")
        }
        self.network = network
        phase = EqPropPhase(nudge)
        let (H, O) = (network.hidden, 2 * network.outputs)
        let neuron = network.neuron
        let g1 = try network.conductances(network.hiddenStates)
        let g2 = try network.conductances(network.outputStates)
        let u = network.sourceVoltages(input)
        let sources = u.count
        hiddenDrive = Array(repeating: 0, count: H)
        hiddenLoad = Array(repeating: neuron.leakConductance, count: H)
        for h in 0..<H {
            var (drive, load) = (0.0, 0.0)
            for c in 0..<sources {
                let g = g1.elements[h * sources + c]
                drive += g * u[c]
                load += g
            }
            hiddenDrive[h] = drive
            hiddenLoad[h] += load
        }
        var w = [Double](repeating: 0, count: O * H)
        let betaS = (nudge?.beta ?? 0) * network.device.onConductance
        outputDrive = Array(repeating: 0, count: O)
        outputLoad = Array(repeating: neuron.leakConductance + betaS, count: O)
        for o in 0..<O {
            let row = o * (H + 2)
            for h in 0..<H {
                let g = g2.elements[row + h]
                w[o * H + h] = g
                hiddenLoad[h] += g
                outputLoad[o] += g
            }
            let (plus, minus) = (g2.elements[row + H], g2.elements[row + H + 1])
            outputLoad[o] += plus + minus
            let pull = betaS * neuron.outputAmplitude * (nudge?.targets[o / 2] ?? 0)
            outputDrive[o] = (plus - minus) * neuron.clampVoltage + (o % 2 == 0 ? pull : -pull)
        }
        pairCoupling = betaS
        coupling = w
    }

    /// Currents into every node at voltages `v` (hidden, then output), amperes.
    func residual(_ v: [Double]) -> [Double] {
        let (H, O) = (network.hidden, 2 * network.outputs)
        let f = network.neuron
        var r = [Double](repeating: 0, count: H + O)
        for h in 0..<H { r[h] = hiddenDrive[h] - hiddenLoad[h] * v[h] - f.current(v[h]) }
        for o in 0..<O {
            var s = outputDrive[o] - outputLoad[o] * v[H + o] - f.current(v[H + o]) + pairCoupling * v[H + (o ^ 1)]
            for h in 0..<H {
                s += coupling[o * H + h] * v[h]
                r[h] += coupling[o * H + h] * v[H + o]
            }
            r[H + o] = s
        }
        return r
    }

    /// Newton from `start` until every step is below `tolerance` volts.
    func solve(start: [Double], tolerance: Double, maxIterations: Int) throws -> [Double] {
        let (H, O) = (network.hidden, 2 * network.outputs)
        let f = network.neuron
        var v = start
        var r = residual(v)
        for _ in 0..<maxIterations {
            let dh = (0..<H).map { hiddenLoad[$0] + f.slope(v[$0]) }
            let d = dh + (0..<O).map { outputLoad[$0] + f.slope(v[H + $0]) }
            var step = schurStep(diagonal: d, residual: r)
            var largest = 0.0
            for k in 0..<(H + O) {
                step[k] = limited(from: v[k], by: step[k]) - v[k]
                largest = max(largest, abs(step[k]))
                v[k] += step[k]
            }
            r = residual(v)
            guard largest.isFinite, r.allSatisfy(\.isFinite) else { break }
            if largest <= tolerance { return v }
        }
        let worst = r.indices.max { abs(r[$0]).isNaN || abs(r[$0]) < abs(r[$1]) } ?? 0
        throw EqPropError(
            phase: phase, node: network.nodeName(worst),
            problem: "Newton did not converge in \(maxIterations) iterations (current imbalance \(r[worst]) A at \(v[worst]) V)")
    }

    /// `v + step`, with a move away from zero beyond the clamp level limited to `2·V_T` past
    /// `max(|v|, V_b)`.
    private func limited(from v: Double, by step: Double) -> Double {
        let next = v + step
        let f = network.neuron
        let bound = max(abs(v), f.clampVoltage) + 2 * f.thermalVoltage
        guard abs(next) > bound, abs(next) > abs(v) else { return next }
        return next < 0 ? -bound : bound
    }

    /// The Newton step `Δ` of `[D_h, −Wᵀ; −W, D_o] Δ = r` by the output Schur complement.
    private func schurStep(diagonal d: [Double], residual r: [Double]) -> [Double] {
        let (H, O) = (network.hidden, 2 * network.outputs)
        var schur = [Double](repeating: 0, count: O * O)
        var rhs = [Double](repeating: 0, count: O)
        for o in 0..<O {
            schur[o * O + o] = d[H + o]
            var s = r[H + o]
            for h in 0..<H { s += coupling[o * H + h] * r[h] / d[h] }
            rhs[o] = s
            for p in 0...o {
                var sum = p == (o ^ 1) ? pairCoupling : 0
                for h in 0..<H { sum += coupling[o * H + h] * coupling[p * H + h] / d[h] }
                schur[o * O + p] -= sum
                if p != o { schur[p * O + o] = schur[o * O + p] }
            }
        }
        let dOut = CholeskySolver.solve(schur, rhs, size: O)
        var step = [Double](repeating: 0, count: H + O)
        for h in 0..<H {
            var s = r[h]
            for o in 0..<O { s += coupling[o * H + h] * dOut[o] }
            step[h] = s / d[h]
        }
        for o in 0..<O { step[H + o] = dOut[o] }
        return step
    }
}

/// Dense symmetric positive-definite solves.
enum CholeskySolver {
    /// `x` with `A x = b`, `A` the `n × n` row-major symmetric positive-definite matrix; a
    /// non-positive pivot gives non-finite values, which the caller reports.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = i == j ? s.squareRoot() : s / l[j * n + j]
            }
        }
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }
}

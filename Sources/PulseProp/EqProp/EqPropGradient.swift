/// The equilibrium-propagation estimate of the loss gradient with respect to every device state.
///
/// With the co-content `E = Σ ½ G_ij ΔV_ij² + Σ_k (½ G_L V_k² + ∫f)` (KCL is `−∂E/∂V = 0`) and
/// the cost `C = ½ Σ_o (V_o+ − V_o− − A_out t_o)²`, the nudged phase minimises `E + β_S·C`
/// (`β_S = β·G_on`, the nudge current `−β_S ∂C/∂V_o`). Scellier and Bengio's theorem gives
///
///     ∂C/∂G_ij = lim_{β→0} (∂E/∂G_ij(V^β) − ∂E/∂G_ij(V^0)) / β_S = (ΔV_ij(β)² − ΔV_ij(0)²) / (2 β_S)
///
/// so gradient descent on `C` is `ΔG_ij = −η (ΔV_ij(β)² − ΔV_ij(0)²)/(2 β_S)`: a device whose
/// voltage drop grows when the outputs are pulled toward their targets is depressed. In state
/// units (`G = G_off + s·(G_on − G_off)`) the gradient is `∂C/∂s = (G_on − G_off)·∂C/∂G`, in V².
/// A test checks the sign and size against finite differences of `C` on the analytic solver.
public struct EqPropGradient: Equatable, Sendable {
    /// `∂C/∂s` of the input-layer devices, `H × (2n + 2)`, V².
    public var hidden: Matrix<Double>
    /// `∂C/∂s` of the output-layer devices, `2O × (H + 2)`, V².
    public var output: Matrix<Double>

    /// The estimate from the free (`free`) and nudged (`nudged`) node voltages of `input`.
    public init(network: EqPropNetwork, input: [Double], free: [Double], nudged: [Double], beta: Double) {
        let (H, O) = (network.hidden, 2 * network.outputs)
        let u = network.sourceVoltages(input)
        let bias = network.neuron.clampVoltage
        let scale = Self.scale(network, beta: beta)
        func term(_ a0: Double, _ b0: Double, _ a1: Double, _ b1: Double) -> Double {
            scale * ((a1 - b1) * (a1 - b1) - (a0 - b0) * (a0 - b0))
        }
        hidden = Matrix(rows: H, cols: u.count) { h, c in term(u[c], free[h], u[c], nudged[h]) }
        output = Matrix(rows: O, cols: H + 2) { o, k in
            let (v0, v1) = (free[H + o], nudged[H + o])
            switch k {
            case H: return term(bias, v0, bias, v1)
            case H + 1: return term(-bias, v0, -bias, v1)
            default: return term(free[k], v0, nudged[k], v1)
            }
        }
    }

    /// `κ = (G_on − G_off)/(2 β_S)`: the gradient is `κ·(ΔV(β)² − ΔV(0)²)`, V² per V².
    static func scale(_ network: EqPropNetwork, beta: Double) -> Double {
        (network.device.onConductance - network.device.offConductance) / (2 * beta * network.device.onConductance)
    }
}

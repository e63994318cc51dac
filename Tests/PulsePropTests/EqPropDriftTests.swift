import XCTest
@testable import PulseProp

final class EqPropDriftTests: XCTestCase {
    /// The continuous rule in an ngspice transient against its Swift integration on a tiny
    /// network: both drive each device by the same law for `T`, so they differ only by how the
    /// state equation is integrated (ngspice's adaptive steps against the exact solution), which
    /// is bounded here by 1e-5 of the largest step (measured: 1e-6). Each step's sign is the rule's,
    /// `−(ΔV(β)² − ΔV(0)²)`, computed here from the node voltages.
    func testSpiceDriftFollowsTheAnalyticIntegrationAndTheRulesSign() throws {
        let network = try EqPropNetwork(inputs: 2, hidden: 3, outputs: 1, seed: 7)
        let input = [1.0, -1.0]
        let nudge = EqPropNudge(beta: 0.1, targets: [1])
        let analytic = EqPropAnalyticSolver()
        let free = try analytic.equilibrium(of: network, input: input, nudge: nil, start: nil)
        let nudged = try analytic.equilibrium(of: network, input: input, nudge: nudge, start: free)
        var updater = try EqPropUpdater(mode: .continuous, rate: 400, device: network.device, seed: 1)
        var integrated = network
        try updater.apply(EqPropGradient(network: network, input: input, free: free, nudged: nudged, beta: nudge.beta), to: &integrated)
        let (spiceNudged, drifted) = try EqPropSpiceSolver().nudgedDrift(
            of: network, input: input, nudge: nudge, drift: EqPropDrift(free: free, drives: try XCTUnwrap(updater.drives)))
        XCTAssertLessThan(zip(spiceNudged, nudged).map { abs($0 - $1) }.max()!, 1e-6)

        let before = network.hiddenStates.elements + network.outputStates.elements
        let spiceStep = zip(drifted.hiddenStates.elements + drifted.outputStates.elements, before).map { $0 - $1 }
        let swiftStep = zip(integrated.hiddenStates.elements + integrated.outputStates.elements, before).map { $0 - $1 }
        let largest = swiftStep.map(abs).max()!
        XCTAssertGreaterThan(largest, 1e-3, "the drive moves the devices")
        let worst = zip(spiceStep, swiftStep).map { abs($0 - $1) }.max()!
        print("SPICE drift vs Swift integration: largest state difference \(worst) for steps up to \(largest)")
        XCTAssertLessThan(worst, 1e-5 * largest)

        // The rule's signal per device from the node voltages: hidden device (h, c) between
        // node h and source c, output device (k, c) between output node k and hidden node c or
        // the clamp sources.
        let u = network.sourceVoltages(input)
        let (H, clamp) = (network.hidden, network.neuron.clampVoltage)
        var signal: [Double] = []
        for h in 0..<H { for c in u.indices { signal.append(pow(nudged[h] - u[c], 2) - pow(free[h] - u[c], 2)) } }
        for k in 0..<(2 * network.outputs) {
            for c in 0..<(H + 2) {
                let (a0, a1) = c < H ? (free[c], nudged[c]) : (c == H ? (clamp, clamp) : (-clamp, -clamp))
                signal.append(pow(nudged[H + k] - a1, 2) - pow(free[H + k] - a0, 2))
            }
        }
        var signed = 0
        for (step, s) in zip(spiceStep, signal) where abs(step) > 1e-3 * largest {
            XCTAssertEqual(step.sign, (-s).sign)
            signed += 1
        }
        XCTAssertGreaterThan(signed, spiceStep.count / 2)
    }
}

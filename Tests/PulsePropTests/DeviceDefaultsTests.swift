import Foundation
import XCTest

@testable import PulseProp

/// `train --data … --weights pair` with nothing else chooses what learns (issue 30, item 2),
/// says so in one line, and leaves alone every option that was given.
final class DeviceDefaultsTests: XCTestCase {
    private func request(_ given: Set<String>?, configure: (inout BackpropConfiguration) -> Void = { _ in }) -> BackpropRequest {
        var c = BackpropConfiguration.paperMNIST
        (c.weights, c.method, c.levels) = (.pair, .absmin, 20)
        configure(&c)
        return BackpropRequest(configuration: c, hardware: CrossbarHardware(), givenOptions: given)
    }

    func testNothingGivenChoosesTheGainRoundingWriteAndRefresh() throws {
        let (c, note) = try request([]).resolution()
        XCTAssertEqual(c.rounding, .stochastic)
        XCTAssertEqual(c.write, .perBatch)
        XCTAssertEqual(c.refreshSaturation, DeviceDefaults.refreshSaturation)
        // One pulse is one device step at η = 1e-4: gain = η·q_δ / (2·w_max·s) for bidirectional pairs.
        let step = try CrossbarHardware().analyticEngine().midRangeStep
        let expected = 1e-4 * c.encoding!.deltaQuantum / (2 * c.mapping!.weightPerState * step)
        XCTAssertEqual(c.pulseGain, expected, accuracy: 1e-15 * expected)
        let line = try XCTUnwrap(note)
        XCTAssertFalse(line.contains("\n"))
        for option in ["--device-eta", "--rounding stochastic", "--write per-batch", "--refresh-saturation 0.8"] {
            XCTAssertTrue(line.contains(option), line)
        }
    }

    func testGivenOptionsAreKept() throws {
        let (c, note) = try request(["lr", "rounding", "write", "refresh-saturation"]) {
            ($0.learningRate, $0.rounding, $0.write) = (0.5, .nearest, .perExample)
        }.resolution()
        XCTAssertEqual(c.learningRate, 0.5)
        XCTAssertEqual(c.rounding, .nearest)
        XCTAssertEqual(c.write, .perExample)
        XCTAssertEqual(c.refreshSaturation, 0)
        XCTAssertNil(note)
    }

    /// Accumulate's gain is `θ` times per-batch's: the same expected update per example.
    func testAccumulateGainScalesWithTheThreshold() throws {
        let perBatch = try request([]).resolvedConfiguration()
        let accumulate = try request(["write"]) { ($0.write, $0.writeThreshold) = (.accumulate, 4) }.resolvedConfiguration()
        XCTAssertEqual(accumulate.pulseGain, 4 * perBatch.pulseGain, accuracy: 1e-12 * perBatch.pulseGain)
    }

    /// Without the given set (the built-in task's tuned preset) nothing is chosen.
    func testThePresetIsTakenAsItIsWithoutGivenOptions() throws {
        let r = request(nil)
        let (c, note) = try r.resolution()
        XCTAssertEqual(c, r.configuration)
        XCTAssertNil(note)
        // Minibatches of one example keep per-example writes.
        XCTAssertEqual(try request([]) { $0.batch = 1 }.resolvedConfiguration().write, .perExample)
    }
}

extension DeviceDefaultsTests {
    /// A learning rate whose matched gain exceeds 1 would need more pulses than a step has:
    /// refused, naming `device-eta` and the pulses asked for.
    func testAGainBeyondThePulseBudgetIsRefused() throws {
        var c = BackpropConfiguration.paperMNIST
        (c.weights, c.method, c.levels) = (.pair, .absmin, 20)
        let request = BackpropRequest(configuration: c, hardware: CrossbarHardware(), deviceEta: 1, givenOptions: ["device-eta"])
        XCTAssertThrowsError(try request.resolvedConfiguration()) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "device-eta")
            XCTAssertTrue("\(error)".contains("budget of 20 per step"), "\(error)")
        }
    }
}

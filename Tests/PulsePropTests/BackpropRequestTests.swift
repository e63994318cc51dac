import Foundation
import XCTest

@testable import PulseProp

/// `train`'s rules, called directly in the library (they used to live in the command).
final class BackpropRequestTests: XCTestCase {
    private func request(
        _ configuration: BackpropConfiguration, engine: EngineKind = .analytic, given: [String] = [], compare: Bool = false,
        deviceEta: Double? = nil
    ) -> BackpropRequest {
        BackpropRequest(
            configuration: configuration, hardware: CrossbarHardware(engine: engine), deviceOptionsGiven: given, compare: compare,
            deviceEta: deviceEta)
    }

    func testDeviceOptionsWithIdealWeightsAreRefusedNamingTheFirst() {
        let ideal = BackpropConfiguration.paperMNIST
        XCTAssertEqual(ideal.weights, .ideal)
        XCTAssertThrowsError(try request(ideal, given: ["calibration", "engine"]).validate()) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "calibration")
        }
        XCTAssertNoThrow(try request(ideal).validate())
        XCTAssertNoThrow(try request(.builtinTask, given: ["calibration"]).validate(), "device weights take them")
    }

    func testCompareNeedsTheSpiceEngineAndNoCycleToCycleNoise() {
        var device = BackpropConfiguration.builtinTask
        XCTAssertTrue(device.weights.isDevice)
        XCTAssertThrowsError(try request(device, compare: true).validate()) {
            XCTAssertTrue("\($0)".contains("--engine spice"), "\($0)")
        }
        XCTAssertNoThrow(try request(device, engine: .spice, compare: true).validate())
        device.c2c = 0.1
        XCTAssertThrowsError(try request(device, engine: .spice, compare: true).validate()) {
            XCTAssertTrue("\($0)".contains("--c2c"), "\($0)")
        }
    }

    /// `--device-eta` sets the pulse gain so that an example's expected weight change is
    /// ETA·min(x, |δ|): the gain is proportional to it (and differs from the preset's), and
    /// without it the configuration is unchanged.
    func testDeviceEtaSetsAGainProportionalToTheRate() throws {
        let device = BackpropConfiguration.builtinTask
        XCTAssertEqual(try request(device).resolvedConfiguration(), device)
        let slow = try request(device, deviceEta: 1e-4).resolvedConfiguration().pulseGain
        let fast = try request(device, deviceEta: 2e-4).resolvedConfiguration().pulseGain
        XCTAssertNotEqual(slow, device.pulseGain)
        XCTAssertEqual(fast / slow, 2, accuracy: 1e-12)
        XCTAssertThrowsError(try request(device, deviceEta: 0).validate())
    }

    func testDefaultFolderNamesTheRuleAndSeed() {
        let c = BackpropConfiguration.paperMNIST
        XCTAssertEqual(request(c).defaultFolder, "out/train-\(c.ruleName)-seed\(c.seed)")
    }
}

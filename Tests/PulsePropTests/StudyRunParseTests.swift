import ArgumentParser
import Foundation
import XCTest

@testable import PulseProp
@testable import pulseprop

/// Every run every registered study plans is a command line the real `pulseprop` parser accepts
/// (including each command's `validate()`): a renamed flag fails here, in seconds, instead of in
/// the slow end-to-end sweeps.
final class StudyRunParseTests: XCTestCase {
    /// Plans of every registered study, with options that reach every branch of its run builder.
    private func plannedRuns() throws -> [String: [SweepRun]] {
        let data = try SweepTests.tinyIDXData()
        return [
            Table1Study.name: try Table1Study.runs(
                .init(data: data, trials: 2, epochs: 3, levels: [0, 20, 100], trainLimit: 50, testLimit: 20,
                      quantisation: .separate, rounding: .floor)),
            WireSweepStudy.name: try WireSweepStudy.runs(
                .init(sizes: [2, 3], resistances: [0, 5], levels: 4, seed: 3, validateArguments: ["--driver-resistance", "40"])),
            WireTrainingStudy.name: try WireTrainingStudy.runs(.init(epochs: 2, trainArguments: ["--levels", "10"])),
            DevicesStudy.name: try DevicesStudy.runs(.init(data: data, trials: 2, epochs: 2, trainLimit: 50, testLimit: 20)),
            BeliefNetStudy.name: try BeliefNetStudy.runs(
                .init(data: data, trials: 1, epochs: 2, layers: [20, 10], statistics: .probabilities, momentum: 0.5, weightDecay: 1e-4,
                      trainLimit: 50, testLimit: 20)),
            WiresStudy.name: try WiresStudy.runs(
                .init(data: data, trials: 1, epochs: 2, resistances: [0, 2], tileRows: [16, nil], write: .perBatch, trainLimit: 50, testLimit: 20)),
        ]
    }

    func testEveryPlannedRunOfEveryStudyParses() throws {
        let planned = try plannedRuns()
        XCTAssertEqual(Set(planned.keys), Set(StudyRegistry.studies.map { $0.name }), "every registered study is covered")
        for (study, runs) in planned {
            XCTAssertFalse(runs.isEmpty, study)
            for run in runs {
                XCTAssertNoThrow(try PulsePropCommand.parseAsRoot(run.arguments), "\(study) run \(run.id): \(run.arguments.joined(separator: " "))")
            }
        }
    }

    /// The check can fail: a run with a flag the parser does not know is refused.
    func testAnUnknownFlagIsRefusedByTheParser() {
        XCTAssertThrowsError(try PulsePropCommand.parseAsRoot(["train", "--no-such-flag", "1"]))
    }
}

import XCTest

@testable import PulseProp

/// A value listed twice in a study's list is refused with one line naming it (issue 31,
/// item 5), instead of a bare precondition failure when the plan finds two runs with one id.
final class StudyListTests: XCTestCase {
    private func assertRefused(_ validate: () throws -> Void, _ option: String, naming value: String, line: UInt = #line) {
        XCTAssertThrowsError(try validate(), line: line) { error in
            guard let error = error as? ParameterError else { return XCTFail("\(error)", line: line) }
            XCTAssertEqual(error.parameter, option, line: line)
            XCTAssertTrue(error.problem.contains("\(value) twice"), error.description, line: line)
            XCTAssertFalse(error.description.contains("\n"), line: line)
        }
    }

    func testWireTrainingPairListedTwiceIsRefusedByName() {
        let pair = WireTrainingStudy.Options.Pair(segment: 0, driver: 0)
        let options = WireTrainingStudy.Options(pairs: [pair, pair])
        assertRefused({ try options.validate() }, "pairs", naming: "0:0")
        let folder = SweepFolder(NSTemporaryDirectory() + "study-lists-\(UUID())")
        assertRefused({ try WireTrainingStudy.plan(options, into: folder) }, "pairs", naming: "0:0")
    }

    func testWireSweepSizesAndResistancesListedTwiceAreRefused() {
        assertRefused({ try WireSweepStudy.Options(sizes: [4, 8, 4], resistances: [0], levels: 3, seed: 1).validate() },
                      "sweep-sizes", naming: "4")
        assertRefused({ try WireSweepStudy.Options(sizes: [4], resistances: [1, 2, 1.0], levels: 3, seed: 1).validate() },
                      "sweep-resistances", naming: "1")
    }

    func testTable1DevicesAndDbnListsListedTwiceAreRefused() {
        assertRefused({ try Table1Study.Options(data: "/nonexistent", trials: 1, epochs: 1, levels: [20, 20]).validate() },
                      "levels", naming: "20")
        let device = DevicePreset.all[0].name
        assertRefused({ try DevicesStudy.Options(data: "/x", trials: 1, epochs: 1, devices: [device, device]).validate() },
                      "devices", naming: device)
        assertRefused({ try DevicesStudy.Options(data: "/x", trials: 1, epochs: 1, variations: [0.1, 0, 0.1]).validate() },
                      "variations", naming: "0.1")
        assertRefused({ try BeliefNetStudy.Options(data: "/x", trials: 1, epochs: 1, devices: [device, device]).validate() },
                      "devices", naming: device)
        assertRefused({ try BeliefNetStudy.Options(data: "/x", trials: 1, epochs: 1, writes: [.accumulate, .accumulate]).validate() },
                      "writes", naming: "accumulate")
    }
}

/// A plan read from disk names run folders: ids that would leave `runs/` or repeat are refused.
final class PlanRunIDTests: XCTestCase {
    func testPlanWhoseRunIdLeavesItsFolderIsRefused() throws {
        let folder = SweepFolder(try TestSupport.temporaryDirectory().path)
        for (id, problem) in [("../escape", "not a plain name below runs/"), ("a//b", "not a plain name below runs/"), ("", "not a plain name below runs/")] {
            let plan = #"{"format_version":1,"runs":[{"arguments":[],"id":"\#(id)"}],"study":"dbn"}"#
            try plan.write(toFile: folder.planPath, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try folder.header()) { XCTAssertTrue("\($0)".contains(problem), "\($0)") }
        }
        let twice = #"{"format_version":1,"runs":[{"arguments":[],"id":"a"},{"arguments":[],"id":"a"}],"study":"dbn"}"#
        try twice.write(toFile: folder.planPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try folder.header()) { XCTAssertTrue("\($0)".contains("lists the run 'a' twice"), "\($0)") }
    }
}

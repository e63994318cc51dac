import Foundation
import XCTest

@testable import PulseProp

/// `pulseprop calibrate` with amplitude columns (no ngspice): the summary names the grid and
/// errors, the file has the axis, and options that cannot go together are refused in one line.
final class AmplitudeCLITests: XCTestCase {
    func testCalibrateFromMeasurementsWithAmplitudes() throws {
        let dir = try TestSupport.temporaryDirectory()
        let csv = TestSupport.packageRoot.appendingPathComponent("Tests/FuzzCorpus/measured/amplitudes.csv").path
        let out = dir.appendingPathComponent("a.json").path
        let run = try TestSupport.runCLI(["calibrate", "--from-measurements", csv, "--grid", "11", "--output", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("amplitude axis (amplitudes.csv)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("SET amplitudes, V (slice fit max error): 0.9"), run.stdout)
        let axis = try XCTUnwrap(PulseResponseCalibration.load(path: out).amplitudeAxis)
        XCTAssertEqual(axis.potentiation.amplitudes, [0.9, 1.4, 1.8])
        XCTAssertEqual(axis.depression.nominal, 1.8)
        let refused = try TestSupport.runCLI(["calibrate", "--from-measurements", csv, "--keep-nominal-from", out, "--output", out])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("keep-nominal-from"), refused.stderr)
    }
}

import XCTest

@testable import PulseProp

/// `calibrate --from-measurements` reads the pulse column (issue 31, item 8): a curve sampled
/// every 10 pulses calibrates like the same device sampled every pulse; absurd values and bad
/// fits are refused with one line.
final class MeasuredSamplingTests: XCTestCase {
    /// A device with per-pulse steps 0.02·(1 − x) up and 0.015·x down over 0.2 µS…20 µS,
    /// sampled every `every` pulses over 300 pulses.
    private func curves(every: Int, extra: [String] = []) -> String {
        let (gOff, gOn) = (2e-7, 2e-5)
        var lines = ["phase,pulse,conductance"]
        var x = 0.0
        for k in 0...300 {
            if k % every == 0 { lines.append("potentiation,\(k),\(gOff + (gOn - gOff) * x)") }
            x += 0.02 * (1 - x)
        }
        x = 1.0
        for k in 0...300 {
            if k % every == 0 { lines.append("depression,\(k),\(gOff + (gOn - gOff) * x)") }
            x -= 0.015 * x
        }
        return (lines + extra).joined(separator: "\n")
    }

    /// Tolerance: each table's step agrees within 15 % of the every-pulse step (+ 2e-4 of the
    /// range): linear interpolation over 10 pulses of a curve whose step shrinks by 18 % in
    /// them; the bug (pulse numbers ignored) made the step 10× too large.
    func testCurveSampledEveryTenPulsesCalibratesLikeEveryPulse() throws {
        let importer = MeasuredResponseImporter(gridStates: 51)
        let every = try importer.calibration(text: curves(every: 1), name: "every.csv")
        let tenth = try importer.calibration(text: curves(every: 10), name: "tenth.csv")
        XCTAssertEqual(every.onConductance, tenth.onConductance, accuracy: 1e-12)
        for (g, s) in every.states.enumerated() where s > 0.05 && s < 0.95 {
            let (up1, up10) = (every.potentiation[g] - s, tenth.potentiation[g] - s)
            let (down1, down10) = (every.depression[g] - s, tenth.depression[g] - s)
            XCTAssertEqual(up10, up1, accuracy: 0.15 * abs(up1) + 2e-4, "potentiation step at state \(s)")
            XCTAssertEqual(down10, down1, accuracy: 0.15 * abs(down1) + 2e-4, "depression step at state \(s)")
        }
        XCTAssertLessThan(tenth.fit.rmsStateError, 0.02)
    }

    private func assertRefused(_ text: String, mentions: String, line: UInt = #line) {
        XCTAssertThrowsError(try MeasuredResponseImporter(gridStates: 51).calibration(text: text, name: "m.csv"), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(mentions), message, line: line)
            XCTAssertFalse(message.contains("\n"), message, line: line)
        }
    }

    func testAbsurdConductanceIsRefusedNamingItsLine() {
        // Line 3: the second potentiation sample.
        var lines = curves(every: 10).split(separator: "\n").map(String.init)
        lines[2] = "potentiation,10,1e300"
        assertRefused(lines.joined(separator: "\n"), mentions: "line 3")
        lines[2] = "potentiation,10,1e-14"
        assertRefused(lines.joined(separator: "\n"), mentions: "line 3: conductance 1e-14 S is implausible")
        assertRefused(curves(every: 10, extra: ["potentiation,0,nan"]), mentions: "line")
        assertRefused(curves(every: 10, extra: ["potentiation,0,-1e-6"]), mentions: "line")
    }

    func testPulseNumbersThatFallWithinASequenceAreRefused() {
        var lines = curves(every: 10).split(separator: "\n").map(String.init)
        lines[3] = "potentiation,5,\(1e-5)"
        assertRefused(lines.joined(separator: "\n"), mentions: "line 4: pulse 5 does not follow pulse 10")
        // Pulse numbers are interpolated at every pulse: their span is bounded.
        assertRefused(curves(every: 10, extra: ["potentiation,100001,1e-5"]), mentions: "beyond the 100000 pulses")
        let many = (0..<12).flatMap { _ in ["depression,0,1e-5", "depression,100000,1e-6"] }
        assertRefused(curves(every: 10, extra: many), mentions: "span more than 1000000 pulses")
    }

    func testFitWorseThanTheBoundIsRefusedNamingBoth() {
        // A 10× spike within the plausible range: the lowest and highest states are no longer the curve's.
        var lines = curves(every: 10).split(separator: "\n").map(String.init)
        lines[2] = "potentiation,10,\(2e-4)"
        assertRefused(lines.joined(separator: "\n"), mentions: "more than the bound \(MeasuredResponseImporter.maxRMSStateError)")
    }
}

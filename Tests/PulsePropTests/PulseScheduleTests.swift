import XCTest

@testable import PulseProp

final class PulseScheduleTests: XCTestCase {
    func testEncodingCountsAndClipping() throws {
        let e = PulseEncoding(levels: 20)
        XCTAssertEqual(e.quantum, 0.25)
        XCTAssertEqual(e.count(x: 5), 20)
        XCTAssertEqual(e.count(x: 7), 20)  // clipped to xMax
        XCTAssertEqual(e.count(x: -1), 0)
        XCTAssertEqual(e.count(x: 1.1), 4)  // 4.4 rounds to 4
        XCTAssertEqual(e.count(delta: -0.5), -2)
        XCTAssertEqual(e.count(delta: -3), -4)  // clipped to −1
        XCTAssertEqual(e.count(delta: 2), 8)
        XCTAssertEqual(e.maxCount, 20)
    }

    /// Coincidences equal min of the counts, signed by the phase: this is the absmin rule
    /// −sign(x·δ)·min(|x|, |δ|) in pulse units (x ≥ 0).
    func testCoincidencesAreSignedMinimum() throws {
        let encoding = PulseEncoding(levels: 20)
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let x = (0..<5).map { _ in Double.random(in: 0...5, using: &rng) }
            let d = (0..<6).map { _ in Double.random(in: -1...2, using: &rng) }
            let step = try LearningStep(x: x, delta: d, encoding: encoding)
            for i in 0..<5 {
                for j in 0..<6 {
                    let nx = Int((x[i] / 0.25).rounded())
                    let nd = Int((abs(d[j]) / 0.25).rounded())
                    let expected = d[j] < 0 ? min(nx, nd) : -min(nx, nd)
                    XCTAssertEqual(step.coincidences(row: i, col: j), expected)
                }
            }
        }
    }

    /// The voltage across a device is the full amplitude only where both trains pulse, and
    /// half of it where one does.
    func testScheduleVoltagesAcrossDevices() throws {
        let shape = PulseShape()
        let step = try TestSupport.step(rows: [3, 1], cols: [-2, 2, 0])
        let s = try ElectrodeSchedule(step: step, shape: shape)
        let mid = shape.edge + shape.plateau / 2
        func across(_ i: Int, _ j: Int, _ t: Double) -> Double { s.rows[i].voltage(at: t) - s.columns[j].voltage(at: t) }
        // Phase 1, slot 1: row 0 (3 pulses) and column 0 (2 pulses) coincide.
        XCTAssertEqual(across(0, 0, shape.period + mid), shape.setAmplitude, accuracy: 1e-12)
        // Slot 2: column 0 has stopped; row 0 alone is half-selected.
        XCTAssertEqual(across(0, 0, 2 * shape.period + mid), shape.setAmplitude / 2, accuracy: 1e-12)
        // Phase 2 depresses with the positive-δ column.
        XCTAssertEqual(across(0, 1, s.phaseLength.seconds + mid), -shape.resetAmplitude, accuracy: 1e-12)
        // A zero-δ column never pulses.
        XCTAssertEqual(across(1, 2, mid), shape.setAmplitude / 2, accuracy: 1e-12)
        XCTAssertEqual(s.stopTime, GridTime(femtoseconds: 12_000_000_000))  // 2 phases × 3 periods of 2 µs
    }

    func testImpossiblePulseParametersAreNamed() {
        let device = MemristorParameters()
        XCTAssertThrowsError(try PulseShape(setAmplitude: 0.9).validate(for: device)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "set-amplitude")
        }
        XCTAssertThrowsError(try PulseShape(resetAmplitude: 2.2).validate(for: device)) {
            XCTAssertTrue(String(describing: $0).contains("half-selected"))
        }
        XCTAssertThrowsError(try PulseShape(period: 1e-6).validate(for: device)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "period")
        }
        XCTAssertThrowsError(try PulseEncoding(levels: 0).validate()) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "levels")
        }
    }
}

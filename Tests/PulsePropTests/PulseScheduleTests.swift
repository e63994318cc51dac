import Foundation
import XCTest

@testable import PulseProp

final class PulseScheduleTests: XCTestCase {
    func testEncodingCountsAndClipping() throws {
        let e = PulseEncoding(levels: 20)
        XCTAssertEqual(e.xQuantum, 0.25)
        XCTAssertEqual(e.deltaQuantum, 0.25)
        XCTAssertEqual(e.count(x: 5), 20)
        XCTAssertEqual(e.count(x: 7), 20)  // clipped to xMax
        XCTAssertEqual(e.count(x: -1), 0)
        XCTAssertEqual(e.count(x: 1.1), 4)  // 4.4 rounds to 4
        XCTAssertEqual(e.count(delta: -0.5), -2)
        XCTAssertEqual(e.count(delta: -3), -4)  // clipped to −1
        XCTAssertEqual(e.count(delta: 2), 8)
        XCTAssertEqual(e.maxCount, 20)
    }

    /// `separate`: x in `q_x = 5/N`, δ in `q_δ = 3/N` (its range `[−1, 2]` is N quanta),
    /// both counted from 0. Counts worked by hand at 20 levels (q_x = 0.25, q_δ = 0.15) and
    /// 100 levels (q_x = 0.05, q_δ = 0.03).
    func testSeparateQuantaCountEachSignalOverItsOwnRange() throws {
        let e = PulseEncoding(levels: 20, quantisation: .separate)
        XCTAssertEqual(e.xQuantum, 0.25)
        XCTAssertEqual(e.deltaQuantum, 0.15, accuracy: 1e-15)
        XCTAssertEqual(e.count(x: 1.1), 4)  // 4.4
        XCTAssertEqual(e.count(x: 5), 20)
        XCTAssertEqual(e.count(delta: 0.4), 3)  // 2.67
        XCTAssertEqual(e.count(delta: -0.5), -3)  // 3.33
        XCTAssertEqual(e.count(delta: 0.05), 0)  // 0.33: zero error is zero pulses
        XCTAssertEqual(e.count(delta: 2), 13)  // 13.33
        XCTAssertEqual(e.count(delta: 7), 13)  // clipped to 2
        XCTAssertEqual(e.count(delta: -3), -7)  // clipped to −1: 6.67
        XCTAssertEqual(e.maxCount, 20)
        let fine = PulseEncoding(levels: 100, quantisation: .separate)
        XCTAssertEqual(fine.count(x: 0.33), 7)  // 6.6
        XCTAssertEqual(fine.count(delta: 0.1), 3)  // 3.33
        XCTAssertEqual(fine.count(delta: -0.05), -2)  // 1.67
        XCTAssertEqual(fine.count(delta: 2), 67)  // 66.67
        XCTAssertEqual(fine.count(delta: -1), -33)  // 33.33
        XCTAssertEqual(fine.maxCount, 100)
        // A δ range wider than x's sets the phase length.
        XCTAssertEqual(PulseEncoding(levels: 10, xMax: 1, deltaMin: -4, deltaMax: 4, quantisation: .separate).maxCount, 10)
        XCTAssertEqual(PulseEncoding(levels: 10, xMax: 1, deltaMin: -4, deltaMax: 4).maxCount, 40)
    }

    /// `floor` truncates magnitudes, and a value that is a whole number of quanta keeps all
    /// of them although `0.3/0.05` is 5.999999999999999 in floating point.
    func testFloorRoundingTruncatesMagnitudes() throws {
        let shared = PulseEncoding(levels: 20, rounding: .floor)
        XCTAssertEqual(shared.count(x: 1.1), 4)  // 4.4
        XCTAssertEqual(shared.count(x: 1.2), 4)  // 4.8 (nearest: 5)
        XCTAssertEqual(shared.count(x: 0.24), 0)
        XCTAssertEqual(shared.count(x: 5), 20)
        XCTAssertEqual(shared.count(delta: -0.7), -2)  // 2.8 (nearest: −3)
        XCTAssertEqual(shared.count(delta: 2), 8)
        let separate = PulseEncoding(levels: 20, quantisation: .separate, rounding: .floor)
        XCTAssertEqual(separate.count(delta: 0.6), 4)
        XCTAssertEqual(separate.count(delta: 0.4), 2)  // 2.67
        XCTAssertEqual(separate.count(delta: -1), -6)  // 6.67
        XCTAssertEqual(separate.count(delta: 2), 13)
        let fine = PulseEncoding(levels: 100, rounding: .floor)
        XCTAssertLessThan(0.3 / fine.xQuantum, 6)
        XCTAssertEqual(fine.count(x: 0.3), 6)
        XCTAssertEqual(fine.count(x: 0.299), 5)
        XCTAssertEqual(PulseRounding.floor.whole(Float(-2.9)), -2)
        XCTAssertEqual(PulseRounding.nearest.whole(Float(2.5)), 2)  // ties to even
    }

    /// Encodings written before `quantisation` and `rounding` existed read as shared, nearest.
    func testOlderEncodingsDecodeAsSharedNearest() throws {
        let old = #"{"levels":20,"xMax":5,"deltaMin":-1,"deltaMax":2}"#
        XCTAssertEqual(try JSONDecoder().decode(PulseEncoding.self, from: Data(old.utf8)), PulseEncoding(levels: 20))
        let separate = PulseEncoding(levels: 100, quantisation: .separate, rounding: .floor)
        XCTAssertEqual(try JSONDecoder().decode(PulseEncoding.self, from: JSONEncoder().encode(separate)), separate)
    }

    /// With separate quanta the circuit still gives a device `min(n_x, |n_δ|)` coincident
    /// pulses of the two counts: here n_x = 4, 20, 1 and n_δ = 3, −3, 13 (20 levels).
    func testSeparateCoincidencesAreTheMinimumOfTheCounts() throws {
        let step = try LearningStep(x: [1.1, 5, 0.3], delta: [0.4, -0.5, 2], encoding: PulseEncoding(levels: 20, quantisation: .separate))
        let expected = [[-3, 3, -4], [-3, 3, -13], [-1, 1, -1]]
        for i in 0..<3 {
            for j in 0..<3 { XCTAssertEqual(step.coincidences(row: i, col: j), expected[i][j], "(\(i),\(j))") }
        }
        XCTAssertEqual(step.slotsPerPhase, 20)
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
        let device = ThresholdDevice()
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

    /// Each phase says which electrodes pulse how often and with which sign; the signed
    /// coincidences and the pulse count follow from the phases alone.
    func testPhasesCarryTheRule() throws {
        let step = try TestSupport.step(rows: [3, 0, 2], cols: [-2, 0, 4])
        XCTAssertEqual(step.phases.map(\.kind), [.potentiation, .depression])
        let (up, down) = (step.phases[0], step.phases[1])
        XCTAssertEqual(up.rowCounts, [3, 0, 2])
        XCTAssertEqual(up.columnCounts, [2, 0, 0])
        XCTAssertEqual(down.rowCounts, [3, 0, 2])
        XCTAssertEqual(down.columnCounts, [0, 0, 4])
        XCTAssertEqual([up.rowPolarity, up.columnPolarity, down.rowPolarity, down.columnPolarity], [1, -1, -1, 1])
        XCTAssertEqual(step.coincidenceMatrix, Matrix([[2, 0, -3], [0, 0, 0], [2, 0, -2]]))
        // Rows pulse in both phases, columns in one: 2·5 + 6.
        XCTAssertEqual(step.phases.map(\.pulsesSent).reduce(0, +), 16)
        // The pulsing lists are the electrodes with a count in a phase (a one-phase step
        // silences the other phase's rows and columns), and the longest trains their maxima.
        XCTAssertEqual([up.pulsingRows, up.pulsingColumns, down.pulsingRows, down.pulsingColumns], [[0, 2], [0], [0, 2], [2]])
        XCTAssertEqual([step.pulsingRows, step.pulsingColumns], [[0, 2], [0, 2]])
        XCTAssertEqual([step.longestRowTrain, step.longestColumnTrain], [3, 4])
        let upOnly = try LearningStep(rowCounts: [0, 1, 5], columnCounts: [-2, 3, 0, -1], slotsPerPhase: 5, only: .potentiation)
        XCTAssertEqual([upOnly.phases[0].pulsingColumns, upOnly.phases[1].pulsingRows, upOnly.phases[1].pulsingColumns], [[0, 3], [], []])
        XCTAssertEqual([upOnly.pulsingRows, upOnly.pulsingColumns], [[1, 2], [0, 3]])
        XCTAssertEqual(upOnly.phases.map(\.pulsesSent), [6 + 3, 0])
        // Decoding re-derives the phases and checks the counts.
        let decoded = try JSONDecoder().decode(LearningStep.self, from: JSONEncoder().encode(step))
        XCTAssertEqual(decoded, step)
        XCTAssertThrowsError(try JSONDecoder().decode(
            LearningStep.self, from: Data(#"{"rowCounts":[-1],"columnCounts":[1],"slotsPerPhase":1}"#.utf8)))
    }

    /// Grid times print as the shortest decimal with a SPICE scale suffix.
    func testGridTimesPrintWithScaleSuffixes() {
        let cases: [(Int64, String)] = [
            (0, "0"), (1, "1f"), (100_000_000, "100n"), (2_100_000_000, "2.1u"), (80_000_000_000, "80u"),
            (123_456_789, "123.456789n"), (1_000_000_000_000_000, "1"), (12_500_000_000_000, "12.5m"),
            (3_000_000_000_000_000_000, "3k"),
        ]
        for (femtoseconds, text) in cases {
            XCTAssertEqual(SpiceFormatting.time(GridTime(femtoseconds: femtoseconds)), text)
        }
        XCTAssertEqual(GridTime(seconds: 8e-5).femtoseconds, 80_000_000_000)
        XCTAssertEqual(GridTime(femtoseconds: 80_000_000_000).seconds, 8e-5)
    }

    /// Over a long train with a period that is no binary fraction, every corner is the exact
    /// sum of whole edges, plateaus and periods: the k-th pulse starts at exactly k periods.
    func testCornersAreExactOnTheGrid() throws {
        let shape = PulseShape(plateau: 1.3e-6, edge: 0.7e-7, period: 3.3e-6)
        let step = try TestSupport.step(rows: [120], cols: [-120])
        let schedule = try ElectrodeSchedule(step: step, shape: shape)
        let corners = schedule.rows[0].points.map(\.time.femtoseconds)
        // (0, 0), then each pulse's start (shared with t = 0 by the first), top corners and end; then the stop.
        XCTAssertEqual(corners.count, 1 + 4 * 240 - 1 + 1)
        for k in 0..<(2 * 120) {
            XCTAssertEqual(corners[4 * k], Int64(k) * 3_300_000_000, "pulse \(k)")
            XCTAssertEqual(corners[4 * k + 3], Int64(k) * 3_300_000_000 + 1_440_000_000, "pulse \(k)")
        }
        XCTAssertEqual(schedule.stopTime.femtoseconds, 240 * 3_300_000_000)
    }

    /// Timing the transient cannot resolve, and non-finite values, are refused and named as
    /// the CLI options that set them.
    func testTimingIsBoundedAndNamed() {
        let device = ThresholdDevice()
        let cases: [(PulseShape, String)] = [
            (PulseShape(period: 1e3), "period"),  // pulses 10¹⁰ times shorter than their period
            (PulseShape(period: 1e10), "period"),
            (PulseShape(period: .infinity), "period"),
            (PulseShape(period: .nan), "period"),
            (PulseShape(edge: .infinity), "rise-time"),
            (PulseShape(plateau: .nan), "pulse-width"),
            (PulseShape(plateau: 1e-13), "pulse-width"),
            (PulseShape(setAmplitude: .infinity), "set-amplitude"),
            (PulseShape(plateau: 1e-7, edge: 1e-8, period: 0.5), "period"),
        ]
        for (shape, name) in cases {
            XCTAssertThrowsError(try shape.validate(for: device), "\(shape)") {
                XCTAssertEqual(($0 as? ParameterError)?.parameter, name, "\(shape)")
            }
        }
        XCTAssertNoThrow(try PulseShape(period: PulseShape.largestPeriodRatio * 1e-7).validate(for: device))
    }
}

import Foundation
import XCTest

@testable import PulseProp

/// The amplitude axis of calibrations (schema version 2) without ngspice: version 1 files,
/// the interpolating table, bit identity at the nominal amplitude, measured curves with an
/// amplitude column and malformed grids. Responses are derived here from the device
/// equations (``ThresholdMemristor``'s dose of a trapezoidal pulse and the window's exact
/// solution), not from the code under test.
final class AmplitudeCalibrationTests: XCTestCase {
    /// A schema version 1 file: the metal-oxide calibration as shipped before the amplitude axis.
    static let version1Path = TestSupport.packageRoot.appendingPathComponent("Tests/FuzzCorpus/calibration/metal-oxide.json").path

    /// The state after one pulse of magnitude `amplitude` from `x`, from the device equations.
    static func modelResponse(_ device: ThresholdDevice, _ shape: PulseShape, amplitude: Double, potentiating: Bool, from x: Double) -> Double {
        let memristor = try! ThresholdMemristor(device)
        let dose = memristor.dose(amplitude: potentiating ? amplitude : -amplitude, plateau: shape.plateau, edge: shape.edge)
        return memristor.state(after: dose, potentiating: potentiating, from: x)
    }

    /// `base` with an amplitude axis on ``AmplitudeGrid``'s nodes whose slices come from the
    /// device equations: sequences of `pulses` pulses from every grid state at every node above
    /// the threshold, fitted as a calibration fits them (the nominal slice is `base`'s table);
    /// nodes at or below the threshold are the dead zone, as ``SpiceCalibrator`` makes them.
    static func modelCalibration(_ base: PulseResponseCalibration, pulses: Int = 5) throws -> PulseResponseCalibration {
        let device = try XCTUnwrap(base.device).switching
        let shape = try XCTUnwrap(base.shape)
        func measured(threshold: Double, nominal: Double, potentiating: Bool) -> [AmplitudeAxisFitting.Measured] {
            AmplitudeGrid.nodes(threshold: threshold, nominal: nominal).map { v in
                v <= threshold ? .deadZone(v) : AmplitudeAxisFitting.Measured(amplitude: v, runs: base.states.map { x0 in
                    var run = [x0]
                    for _ in 0..<pulses { run.append(modelResponse(device, shape, amplitude: v, potentiating: potentiating, from: run.last!)) }
                    return run
                })
            }
        }
        var calibration = base
        calibration.schemaVersion = 2
        calibration.amplitudeAxis = AmplitudeAxisFitting.axis(
            origin: "device equations", states: base.states,
            potentiation: (measured(threshold: device.setThreshold, nominal: shape.setAmplitude, potentiating: true), shape.setAmplitude, base.potentiation),
            depression: (measured(threshold: device.resetThreshold, nominal: shape.resetAmplitude, potentiating: false), shape.resetAmplitude, base.depression))
        try calibration.validate()
        return calibration
    }

    /// The piecewise-linear lookup as ``ResponseTable`` computed it before ``GridLookup`` (the
    /// commit before the amplitude axis), copied here: the shared lookup must give its bits.
    static func referenceInterpolation(_ grid: [Double], _ table: [Double], at x: Double) -> Double {
        let n = grid.count
        if x <= grid[0] { return table[0] }
        if x >= grid[n - 1] { return table[n - 1] }
        var lo: Int
        let spacing = (grid[n - 1] - grid[0]) / Double(n - 1)
        let guess = Int((x - grid[0]) / spacing)
        if guess < n - 1, grid[guess] <= x, x <= grid[guess + 1] {
            lo = guess
        } else {
            lo = 0
            var hi = n - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if grid[mid] <= x { lo = mid } else { hi = mid }
            }
        }
        let t = (x - grid[lo]) / (grid[lo + 1] - grid[lo])
        return table[lo] + t * (table[lo + 1] - table[lo])
    }

    /// A version 1 file loads as it is, its nominal table serves every amplitude, and asking it
    /// for wires throws one line naming the file and the command that re-calibrates it.
    func testVersion1FileLoadsAndIsTheNominalSlice() throws {
        let v1 = try PulseResponseCalibration.load(path: Self.version1Path)
        XCTAssertEqual(v1.schemaVersion, 1)
        XCTAssertNil(v1.amplitudeAxis)
        XCTAssertEqual(try PulseResponseCalibration.decode(v1.json(), name: "again"), v1, "a version 1 file re-encodes as version 1")
        let table = AmplitudeResponseTable(v1)
        XCTAssertFalse(table.hasAmplitudeAxis)
        XCTAssertEqual(table.amplitudes(.potentiation), [])
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            let x = Double.random(in: 0...1, using: &generator)
            let v = Double.random(in: 0...3, using: &generator)
            XCTAssertEqual(table.state(afterPulseOf: .potentiation, amplitude: v, from: x), Self.referenceInterpolation(v1.states, v1.potentiation, at: x))
            XCTAssertEqual(table.state(afterPulseOf: .depression, amplitude: v, from: x), Self.referenceInterpolation(v1.states, v1.depression, at: x))
        }
        XCTAssertThrowsError(try v1.requireAmplitudeAxis(name: "calibrations/metal-oxide.json")) { error in
            XCTAssertEqual(
                error as? CalibrationError,
                .noAmplitudeAxis(file: "calibrations/metal-oxide.json", command: "pulseprop calibrate --device metal-oxide --output calibrations/metal-oxide.json"))
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertTrue(message.hasPrefix("calibrations/metal-oxide.json has no pulse-amplitude axis"), message)
        }
        // Measurements name their file; a path with a space is quoted for the shell.
        var measured = v1
        (measured.source, measured.origin, measured.device, measured.shape) = ("measurements", "my curves.csv", nil, nil)
        XCTAssertThrowsError(try measured.requireAmplitudeAxis(name: "cal.json")) {
            XCTAssertTrue("\($0)".contains("pulseprop calibrate --from-measurements 'my curves.csv' --output cal.json"), "\($0)")
        }
        // Version 1 has no amplitude axis.
        var mislabelled = try Self.modelCalibration(v1)
        mislabelled.schemaVersion = 1
        XCTAssertThrowsError(try mislabelled.validate(name: "old.json")) {
            XCTAssertTrue("\($0)".contains("old.json has an amplitude_axis, which schema_version 1"), "\($0)")
        }
        XCTAssertNoThrow(try Self.modelCalibration(v1).requireAmplitudeAxis())
        // Resolving a file for an engine that needs the axis refuses it there, naming the file.
        XCTAssertNoThrow(try PulseResponseCalibration.resolve(path: Self.version1Path, for: CrossbarCircuit()))
        XCTAssertThrowsError(try PulseResponseCalibration.resolve(path: Self.version1Path, for: CrossbarCircuit(), needsAmplitudeAxis: true)) {
            XCTAssertEqual(
                $0 as? CalibrationError,
                .noAmplitudeAxis(file: Self.version1Path, command: "pulseprop calibrate --device metal-oxide --output \(Self.version1Path)"))
        }
        XCTAssertNoThrow(try PulseResponseCalibration.resolve(path: nil, for: CrossbarCircuit(), needsAmplitudeAxis: true))
    }

    /// At every grid node (amplitude and state) the table returns the slice's entry exactly; in
    /// between it is monotone in state and in amplitude; it does not move the device at or below
    /// the threshold, which is read from the device's parameters here.
    func testInterpolationIsExactAtNodesMonotoneAndStillBelowThreshold() throws {
        for preset in DevicePreset.all {
            let calibration = try Self.modelCalibration(PulseResponseCalibration.shipped(preset: preset.name))
            let table = AmplitudeResponseTable(calibration)
            let axis = try XCTUnwrap(calibration.amplitudeAxis)
            let device = preset.device.switching
            for (kind, slices, threshold) in [
                (LearningPhase.Kind.potentiation, axis.potentiation, device.setThreshold), (.depression, axis.depression, device.resetThreshold),
            ] {
                XCTAssertEqual(table.amplitudes(kind), slices.amplitudes)
                for (a, v) in slices.amplitudes.enumerated() {
                    for (s, x) in calibration.states.enumerated() {
                        XCTAssertEqual(table.state(afterPulseOf: kind, amplitude: v, from: x), slices.responses[a][s], "\(preset.name) \(kind) \(v) V, state \(x)")
                    }
                }
                for v in [0, 0.1, threshold / 2, 0.9 * threshold, threshold.nextDown, threshold, -1, .nan] {
                    for x in stride(from: 0.0, through: 1.0, by: 0.013) {
                        XCTAssertEqual(table.state(afterPulseOf: kind, amplitude: v, from: x), x, "\(preset.name) \(kind) moved at \(v) V")
                    }
                }
                XCTAssertNotEqual(table.state(afterPulseOf: kind, amplitude: threshold * 1.01, from: 0.5), 0.5, "\(preset.name) \(kind) just above threshold")
                let top = slices.amplitudes.last!
                for v in stride(from: threshold, through: top * 1.05, by: (top - threshold) / 37) {
                    var previous = -Double.infinity
                    for x in stride(from: 0.0, through: 1.0, by: 0.0037) {
                        let next = table.state(afterPulseOf: kind, amplitude: v, from: x)
                        XCTAssertGreaterThanOrEqual(next, previous, "\(preset.name) \(kind) not monotone in state at \(v) V, \(x)")
                        previous = next
                        // A higher amplitude moves at least as far.
                        let higher = table.state(afterPulseOf: kind, amplitude: v + 0.01, from: x)
                        XCTAssertTrue(kind == .potentiation ? higher >= next : higher <= next, "\(preset.name) \(kind) not monotone in amplitude at \(v) V, \(x)")
                    }
                }
            }
        }
    }

    /// The shipped calibrations (made by the calibrator) have the axis, move nothing at or below
    /// each preset's thresholds, and keep the version 1 tables: metal-oxide's equals the version
    /// 1 file bit for bit, and at the nominal amplitude the table reads them.
    func testShippedCalibrationsHaveTheAxisAndKeepTheirVersion1Tables() throws {
        let v1 = try PulseResponseCalibration.load(path: Self.version1Path)
        for preset in DevicePreset.all {
            let shipped = try PulseResponseCalibration.shipped(preset: preset.name)
            XCTAssertEqual(shipped.schemaVersion, 2)
            XCTAssertNoThrow(try shipped.requireAmplitudeAxis(), preset.name)
            if preset.name == "metal-oxide" {
                XCTAssertEqual(shipped.potentiation.map(\.bitPattern), v1.potentiation.map(\.bitPattern))
                XCTAssertEqual(shipped.depression.map(\.bitPattern), v1.depression.map(\.bitPattern))
                XCTAssertEqual(shipped.fit, v1.fit)
            }
            let table = AmplitudeResponseTable(shipped)
            let device = preset.device.switching
            let shape = try XCTUnwrap(shipped.shape)
            for x in stride(from: 0.0, through: 1.0, by: 0.0123) {
                for v in [0, device.setThreshold / 2, device.setThreshold] {
                    XCTAssertEqual(table.state(afterPulseOf: .potentiation, amplitude: v, from: x), x, "\(preset.name) SET \(v) V")
                }
                for v in [0, device.resetThreshold / 2, device.resetThreshold] {
                    XCTAssertEqual(table.state(afterPulseOf: .depression, amplitude: v, from: x), x, "\(preset.name) RESET \(v) V")
                }
                XCTAssertEqual(
                    table.state(afterPulseOf: .potentiation, amplitude: shape.setAmplitude, from: x),
                    Self.referenceInterpolation(shipped.states, shipped.potentiation, at: x))
                XCTAssertEqual(
                    table.state(afterPulseOf: .depression, amplitude: shape.resetAmplitude, from: x),
                    Self.referenceInterpolation(shipped.states, shipped.depression, at: x))
            }
        }
    }

    /// Between nodes the interpolated response stays close to the device equations' own
    /// response at that amplitude (the grid's interpolation error, without ngspice).
    func testInterpolationBetweenNodesFollowsTheDeviceEquations() throws {
        let calibration = try Self.modelCalibration(PulseResponseCalibration.shipped())
        let table = AmplitudeResponseTable(calibration)
        let device = ThresholdDevice.metalOxide
        let shape = try XCTUnwrap(calibration.shape)
        var worst = 0.0
        for v in AmplitudeGrid.midpoints(AmplitudeGrid.nodes(threshold: 1, nominal: shape.setAmplitude), threshold: 1) {
            for x in stride(from: 0.0, through: 1.0, by: 0.01) {
                for potentiating in [true, false] {
                    let exact = Self.modelResponse(device, shape, amplitude: v, potentiating: potentiating, from: x)
                    worst = max(worst, abs(table.state(afterPulseOf: potentiating ? .potentiation : .depression, amplitude: v, from: x) - exact))
                }
            }
        }
        XCTAssertLessThan(worst, 2e-4, "largest interpolation error midway between nodes")
    }

    /// At the nominal amplitude the two-axis table gives the nominal table's bits, and an
    /// analytic engine built from a version 2 calibration steps exactly as one from the version
    /// 1 file; the shared lookup gives the bits the lookup gave before it was shared.
    func testNominalAmplitudeIsBitIdenticalToVersion1() throws {
        for preset in DevicePreset.all {
            let v1 = try PulseResponseCalibration.shipped(preset: preset.name)
            let v2 = try Self.modelCalibration(v1)
            let shape = try XCTUnwrap(v1.shape)
            let table = AmplitudeResponseTable(v2)
            let up = ResponseTable(grid: v1.states, step: v1.potentiation)
            let down = ResponseTable(grid: v1.states, step: v1.depression)
            var generator = SeededGenerator(seed: 7)
            for k in 0..<5000 {
                let x = k < v1.states.count ? v1.states[k] : Double.random(in: -0.01...1.01, using: &generator)
                let set = table.state(afterPulseOf: .potentiation, amplitude: shape.setAmplitude, from: x)
                let reset = table.state(afterPulseOf: .depression, amplitude: shape.resetAmplitude, from: x)
                XCTAssertEqual(set.bitPattern, up.state(after: 1, from: x).bitPattern, "\(preset.name) at \(x)")
                XCTAssertEqual(reset.bitPattern, down.state(after: 1, from: x).bitPattern, "\(preset.name) at \(x)")
                XCTAssertEqual(set.bitPattern, Self.referenceInterpolation(v1.states, v1.potentiation, at: x).bitPattern)
                XCTAssertEqual(reset.bitPattern, Self.referenceInterpolation(v1.states, v1.depression, at: x).bitPattern)
            }
            let circuit = CrossbarCircuit(device: preset.device)
            let old = try AnalyticEngine(circuit: circuit, calibration: v1)
            let new = try AnalyticEngine(circuit: circuit, calibration: v2)
            let step = try LearningStep(
                rowCounts: (0..<16).map { _ in Int.random(in: 0...20, using: &generator) },
                columnCounts: (0..<12).map { _ in Int.random(in: -20...20, using: &generator) }, slotsPerPhase: 20)
            let states = Matrix(rows: 16, cols: 12) { _, _ in Double.random(in: 0...1, using: &generator) }
            let (a, b) = (try old.run(step, from: states), try new.run(step, from: states))
            XCTAssertEqual(a.finalState.elements.map(\.bitPattern), b.finalState.elements.map(\.bitPattern), preset.name)
        }
    }

    /// Malformed amplitude grids are refused with one line naming the file and the field.
    func testMalformedAmplitudeGridsAreRefusedNamingTheField() throws {
        let good = try Self.modelCalibration(PulseResponseCalibration.shipped())
        let field = "amplitude_axis.potentiation.amplitudes"
        let cases: [(String, (inout AmplitudeAxis.Slices) -> Void, String)] = [
            ("non-increasing", { $0.amplitudes.swapAt(3, 4) }, "\(field) not increasing at index 4"),
            ("repeated", { $0.amplitudes[5] = $0.amplitudes[4] }, "\(field) not increasing at index 5"),
            ("NaN", { $0.amplitudes[2] = .nan }, "non-finite \(field) entry at index 2"),
            ("infinite", { $0.amplitudes[9] = .infinity }, "non-finite \(field) entry at index 9"),
            ("negative", { $0.amplitudes[0] = -0.9 }, "\(field)[0] = -0.9 V"),
            ("empty", { $0.amplitudes = [] }, "has no \(field)"),
            ("nominal off the grid", { $0.nominal = 1.7 }, "amplitude_axis.potentiation.nominal = 1.7 V"),
            ("a response missing", { $0.responses.removeLast() }, "amplitude_axis.potentiation.amplitudes but 9 responses"),
            ("nominal slice changed", { $0.responses[8][50] += 1e-12 }, "amplitude_axis.potentiation.responses[8] (the nominal amplitude) differing"),
            ("less movement at a higher amplitude", { $0.responses[9] = $0.responses[2] }, "amplitude_axis.potentiation.responses[9] moving less"),
            ("a response out of range", { $0.responses[4][7] = 1.5 }, "amplitude_axis.potentiation.responses[4][7] = 1.5 outside [0, 1]"),
        ]
        let folder = try TestSupport.temporaryDirectory()
        for (label, change, expected) in cases {
            var bad = good
            change(&bad.amplitudeAxis!.potentiation)
            XCTAssertThrowsError(try bad.validate(name: "bad.json"), label) {
                let message = "\($0)"
                XCTAssertTrue(message.hasPrefix("bad.json ") && message.contains(expected), "\(label): \(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        // Through a file: a negative amplitude in the JSON is named with the file.
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: good.json()) as? [String: Any])
        var axis = try XCTUnwrap(object["amplitude_axis"] as? [String: Any])
        var depression = try XCTUnwrap(axis["depression"] as? [String: Any])
        var amplitudes = try XCTUnwrap(depression["amplitudes"] as? [Double])
        amplitudes[1] = -1
        depression["amplitudes"] = amplitudes
        axis["depression"] = depression
        object["amplitude_axis"] = axis
        let path = folder.appendingPathComponent("negative.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PulseResponseCalibration.load(path: path)) {
            XCTAssertEqual("\($0)", "\(path) has amplitude_axis.depression.amplitudes[1] = -1.0 V; amplitudes are magnitudes > 0")
        }
        let nanPath = folder.appendingPathComponent("nan.json").path
        try String(decoding: good.json(), as: UTF8.self).replacingOccurrences(of: "\"amplitudes\" : [", with: "\"amplitudes\" : [NaN, ")
            .write(toFile: nanPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PulseResponseCalibration.load(path: nanPath)) {
            XCTAssertTrue("\($0)".hasPrefix(nanPath) && !"\($0)".contains("\n"), "\($0)")
        }
    }

    /// A CSV with an amplitude column, generated from the device equations, imports to a
    /// calibration whose slices follow those equations, which round-trips through its file; its
    /// nominal table is exactly what the nominal rows give without the column.
    func testMeasuredCurvesWithAnAmplitudeColumnRoundTrip() throws {
        let device = ThresholdDevice.metalOxide
        let shape = PulseShape()
        let (gOff, gOn) = (device.offConductance, device.onConductance)
        let amplitudes = [0.9, 1.0, 1.2, 1.4, 1.6, 1.8]
        var withColumn = ["phase,pulse,conductance,amplitude"]
        var nominalOnly = ["phase,pulse,conductance"]
        for v in amplitudes {
            for (phase, potentiating) in [("potentiation", true), ("depression", false)] {
                for start in stride(from: 0.0, through: 1.0, by: 0.25) {
                    var x = potentiating ? start * 0.6 : 1 - start * 0.6
                    // Every sequence samples every 2nd pulse.
                    for k in 0...60 {
                        if k % 2 == 0 {
                            let g = gOff + (gOn - gOff) * x
                            withColumn.append("\(phase),\(k),\(g),\(v)")
                            if v == 1.8 { nominalOnly.append("\(phase),\(k),\(g)") }
                        }
                        x = Self.modelResponse(device, shape, amplitude: v, potentiating: potentiating, from: x)
                    }
                }
            }
        }
        let folder = try TestSupport.temporaryDirectory()
        let csv = folder.appendingPathComponent("amplitudes.csv").path
        try withColumn.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let calibration = try MeasuredResponseImporter(gridStates: 51).calibration(csvPath: csv)
        let axis = try XCTUnwrap(calibration.amplitudeAxis)
        XCTAssertEqual(axis.potentiation.amplitudes, amplitudes)
        XCTAssertEqual(axis.depression.amplitudes, amplitudes)
        XCTAssertEqual(axis.potentiation.nominal, 1.8)
        XCTAssertEqual(axis.origin, "amplitudes.csv")
        XCTAssertNoThrow(try calibration.requireAmplitudeAxis())
        // Round trip through the file.
        let path = folder.appendingPathComponent("cal.json").path
        try AtomicFile.write(calibration.json(), to: path)
        XCTAssertEqual(try PulseResponseCalibration.load(path: path), calibration)
        // The slices follow the equations where the sequences cover the state.
        let table = AmplitudeResponseTable(calibration)
        for v in [1.0, 1.2, 1.4, 1.5, 1.8] {
            for x in stride(from: 0.05, through: 0.55, by: 0.05) {
                XCTAssertEqual(
                    table.state(afterPulseOf: .potentiation, amplitude: v, from: x),
                    Self.modelResponse(device, shape, amplitude: v, potentiating: true, from: x), accuracy: 2e-4, "SET \(v) V from \(x)")
                XCTAssertEqual(
                    table.state(afterPulseOf: .depression, amplitude: v, from: 1 - x),
                    Self.modelResponse(device, shape, amplitude: v, potentiating: false, from: 1 - x), accuracy: 2e-4, "RESET \(v) V from \(1 - x)")
            }
        }
        XCTAssertEqual(table.state(afterPulseOf: .potentiation, amplitude: 0.95, from: 0.3), 0.3, "below threshold")
        // Without the column, the nominal rows give the same top-level calibration and no axis.
        let plain = folder.appendingPathComponent("nominal.csv").path
        try nominalOnly.joined(separator: "\n").write(toFile: plain, atomically: true, encoding: .utf8)
        var nominal = try MeasuredResponseImporter(gridStates: 51).calibration(csvPath: plain)
        XCTAssertNil(nominal.amplitudeAxis)
        XCTAssertThrowsError(try nominal.requireAmplitudeAxis(name: "nominal.json"))
        nominal.origin = calibration.origin
        nominal.amplitudeAxis = calibration.amplitudeAxis
        XCTAssertEqual(nominal, calibration)
    }

    /// Bad amplitude cells and a sequence changing amplitude are refused naming the line.
    func testBadAmplitudeColumnsAreRefusedNamingTheLine() throws {
        let head = "phase,pulse,conductance,amplitude\npotentiation,0,1e-5,1.8\npotentiation,1,2e-5,1.8\n"
        let cases = [
            ("potentiation,2,3e-5,-1.8", "line 4: amplitude '-1.8' is not a finite number of volts > 0"),
            ("potentiation,2,3e-5,nan", "line 4: amplitude 'nan'"),
            ("potentiation,2,3e-5,", "line 4: amplitude ''"),
            ("potentiation,2,3e-5", "line 4: expected potentiation|depression, a pulse number ≥ 0 and a conductance > 0 and an amplitude"),
            ("potentiation,2,3e-5,1.5", "line 4: amplitude 1.5 V differs from the 1.8 V of its potentiation sequence"),
        ]
        for (line, expected) in cases {
            XCTAssertThrowsError(try MeasuredResponseImporter().calibration(text: head + line + "\n", name: "m.csv"), line) {
                XCTAssertTrue("\($0)".hasPrefix("m.csv ") && "\($0)".contains(expected), "\($0)")
            }
        }
    }
}

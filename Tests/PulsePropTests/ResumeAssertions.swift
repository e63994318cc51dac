import Foundation
import XCTest

@testable import PulseProp

extension XCTestCase {
    /// The run's checkpoint with wall-clock times removed (the only thing allowed to differ).
    func timeless(_ checkpoint: BackpropCheckpoint) -> BackpropCheckpoint {
        var c = checkpoint
        c.history = c.history.map { var r = $0; r.seconds = 0; return r }
        return c
    }

    /// Trains `configuration.epochs` epochs straight, and again as one epoch then a resumed run
    /// from the checkpoint file; both must end in the same checkpoint (network, device states,
    /// RNG, learning rate, history, monitor record). Float weights without `hardware`, device
    /// weights in its crossbars with it. Returns the resumed run.
    @discardableResult
    func assertResumeIsExact(
        _ configuration: BackpropConfiguration, train: Dataset, test: Dataset, hardware: CrossbarHardware? = nil,
        compare: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws -> BackpropRun {
        func run(_ c: BackpropConfiguration, path: String?, resume: Bool) throws -> BackpropRun {
            let run = try hardware.map {
                try CircuitTraining(
                    configuration: c, hardware: $0, train: train, test: test, compare: compare, checkpointPath: path,
                    resume: resume
                ).run
            } ?? BackpropRun(configuration: c, train: train, test: test, checkpointPath: path, resume: resume)
            try run.run()
            return run
        }
        let straight = try run(configuration, path: nil, resume: false)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        var first = configuration
        first.epochs = 1
        _ = try run(first, path: path, resume: false)
        let resumed = try run(configuration, path: path, resume: true)
        XCTAssertEqual(resumed.checkpoint.history.count, configuration.epochs, file: file, line: line)
        XCTAssertEqual(timeless(resumed.checkpoint), timeless(straight.checkpoint), file: file, line: line)
        if hardware != nil {
            XCTAssertNotNil(resumed.checkpoint.devices, file: file, line: line)
            XCTAssertGreaterThan(resumed.checkpoint.monitor?.stepCount ?? 0, 0, file: file, line: line)
        }
        return resumed
    }
}

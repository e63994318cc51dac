import XCTest

@testable import PulseProp

final class BuiltinTaskTests: XCTestCase {
    /// The 3×3 grid keeps the strokes the task was defined with (indices row-major), so the
    /// default task and every result on it are unchanged by the grid option.
    func testDefaultGridIsTheOriginalTask() {
        XCTAssertEqual(BuiltinTask.strokes(), [[1, 4, 7], [3, 4, 5], [0, 4, 8], [2, 4, 6]])
        let data = BuiltinTask.examples(count: 8, seed: 5)
        XCTAssertEqual(data.features, 9)
        XCTAssertEqual(data.labels, [0, 1, 2, 3, 0, 1, 2, 3])
    }

    /// On any odd grid each stroke is a full line of `side` pixels and the four lines meet only
    /// in the centre pixel; stroke pixels are bright and the others dim.
    func testLargerGridsHaveFullLinesMeetingInTheCentre() {
        for side in [5, 7] {
            let strokes = BuiltinTask.strokes(side: side).map(Set.init)
            let centre = (side / 2) * side + side / 2
            XCTAssertTrue(strokes.allSatisfy { $0.count == side && $0.contains(centre) }, "side \(side)")
            for a in 0..<4 { for b in (a + 1)..<4 { XCTAssertEqual(strokes[a].intersection(strokes[b]), [centre]) } }
            let data = BuiltinTask.examples(count: 4, seed: 1, side: side)
            XCTAssertEqual(data.features, side * side)
            for k in 0..<4 {
                for pixel in 0..<(side * side) {
                    let value = data.inputs[k * side * side + pixel]
                    XCTAssertTrue(strokes[k].contains(pixel) ? value >= 0.6 : value <= 0.35, "side \(side) example \(k) pixel \(pixel)")
                }
            }
        }
    }

    func testGridWithoutCentreOrTooLargeIsRefused() throws {
        for side in [1, 4, 65] {
            XCTAssertThrowsError(try BuiltinTask.validate(side: side)) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "task-grid") }
        }
        let refused = try TestSupport.runCLI(["train", "--task-grid", "4", "--epochs", "1", "--output", TestSupport.temporaryDirectory().path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("task-grid"), refused.stderr)
    }
}

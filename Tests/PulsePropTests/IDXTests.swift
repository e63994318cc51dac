import XCTest

@testable import PulseProp

final class IDXTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try TestSupport.temporaryDirectory() }

    func idx(_ dims: [Int], _ bytes: [UInt8], magic: [UInt8]? = nil) -> Data {
        var data = Data(magic ?? [0, 0, 8, UInt8(dims.count)])
        for d in dims { data += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        return data + bytes
    }

    func write(_ name: String, _ data: Data, gzip: Bool = false) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        guard gzip else { return path }
        XCTAssertEqual(try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "-f", path]).status, 0)
        return path + ".gz"
    }

    func assertError(_ body: @autoclosure () throws -> Any, mentions words: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for word in words { XCTAssertTrue(String(describing: error).contains(word), "\(error) lacks '\(word)'", file: file, line: line) }
        }
    }

    func testReadsRawAndGzipAlike() throws {
        let images = idx([2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4])
        let raw = try Dataset(images: write("i", images), labels: write("l", idx([2], [3, 9])))
        let zipped = try Dataset(images: write("iz", images, gzip: true), labels: write("lz", idx([2], [3, 9]), gzip: true))
        XCTAssertEqual(raw.inputs, zipped.inputs)
        XCTAssertEqual(raw.features, 4)
        XCTAssertEqual(raw.labels, [3, 9])
        XCTAssertEqual(raw.inputs[1], 1)
        XCTAssertEqual(raw.inputs[2], 0.2, accuracy: 1e-6)
    }

    func testErrorsNameTheFileAndTheProblem() throws {
        let labels = try write("labels", idx([2], [1, 2]))
        let wrongMagic = try write("magic", idx([2, 2], [0, 0, 0, 0], magic: [1, 2, 8, 2]))
        assertError(try IDXFile(path: wrongMagic), mentions: "magic", "magic number")
        let truncated = try write("short", idx([3, 2, 2], [1, 2, 3]))
        assertError(try IDXFile(path: truncated), mentions: "short", "truncated")
        let mismatch = try write("three", idx([3, 1, 1], [1, 2, 3]))
        assertError(try Dataset(images: mismatch, labels: labels), mentions: "labels", "2 labels", "3 images")
        var gz = try Data(contentsOf: URL(fileURLWithPath: write("corrupt", idx([2, 2], [1, 2, 3, 4]), gzip: true)))
        gz = gz.prefix(gz.count - 6) + Data([0xde, 0xad])
        let corrupt = try write("corrupt2.gz", gz)
        assertError(try IDXFile(path: corrupt), mentions: "corrupt2.gz")
        let badLabel = try write("badlabel", idx([2], [1, 12]))
        assertError(try Dataset(images: write("two", idx([2, 1], [1, 2])), labels: badLabel), mentions: "label 12")
        assertError(try IDXFile(path: folder.appendingPathComponent("missing").path), mentions: "missing", "no such file")
        assertError(try Dataset.mnist(directory: folder.path), mentions: "train-images")
    }

    /// MNIST from the shared data folder and Debian's Fashion-MNIST (`dataset-fashion-mnist`),
    /// whichever are present, read with the known sizes.
    func testRealDatasetsRead() throws {
        let candidates = [
            TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path,
            "/usr/share/datasets/fashion-mnist",
        ].filter { FileManager.default.fileExists(atPath: $0) }
        try XCTSkipIf(candidates.isEmpty, "neither ../shared/data/mnist nor /usr/share/datasets/fashion-mnist is here")
        for path in candidates {
            let (train, test) = try Dataset.mnist(directory: path)
            XCTAssertEqual(train.count, 60000, path)
            XCTAssertEqual(test.count, 10000, path)
            XCTAssertEqual(train.features, 784, path)
            XCTAssertEqual(Set(test.labels), Set(0..<10), path)
        }
    }
}

import XCTest

@testable import PulseProp

/// Every legal path is an output path: one-character names (on which Foundation's
/// `deletingLastPathComponent` traps), `./` and `../` prefixes, trailing slashes, spaces,
/// non-ASCII names and deep relative folders, taken relative to the current folder.
final class OddPathTests: XCTestCase {
    /// Output folders relative to the current folder `dir` (the `../` one leads back into it).
    func folders(relativeTo dir: URL) -> [String] {
        ["b", "./b", "b/", "../\(dir.lastPathComponent)/b", "with space", "ünïcødé", "trail/", "a/b/c/d", "x/y"]
    }

    /// Runs `body` with this process's current folder set to a fresh temporary folder.
    func inTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let dir = try TestSupport.temporaryDirectory()
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try body(dir)
    }

    func testParentFolderOfEveryShape() {
        let table: [(path: String, folder: String)] = [
            ("b", ""), ("b/", ""), ("b//", ""), ("ab", ""), ("./b", "."), ("../b", ".."), ("/b", "/"), ("/", "/"),
            ("a/b/c/d", "a/b/c"), ("a//b/", "a"), ("with space/n", "with space"), ("ü/x", "ü"),
        ]
        for (path, folder) in table { XCTAssertEqual(ParentFolder.of(path), folder, path) }
    }

    /// OutputLock locks each folder (creating it) and AtomicFile writes and replaces a file in it.
    func testLibraryLocksAndWritesInEveryShapeOfFolder() throws {
        let count = folders(relativeTo: URL(fileURLWithPath: "/")).count
        for k in 0..<count {
            try inTemporaryFolder { dir in
                let folder = folders(relativeTo: dir)[k]
                let lock = try OutputLock(folder: folder)
                defer { lock.release() }
                XCTAssertTrue(OutputLock.isHeld(folder: folder), folder)
                let file = (folder as NSString).appendingPathComponent("f.txt")
                try AtomicFile.write("first", to: file)
                try AtomicFile.write("second", to: file)
                let written = dir.appendingPathComponent(folder).appendingPathComponent("f.txt").path
                XCTAssertEqual(try String(contentsOfFile: written, encoding: .utf8), "second", folder)
                try AtomicFile.createFolder(folder, shownAs: folder)
            }
        }
        try inTemporaryFolder { dir in
            try AtomicFile.write("bare", to: "c")  // a one-character file name in the current folder
            XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("c").path, encoding: .utf8), "bare")
        }
    }

    /// `netlist --output FOLDER/n.cir` and `train --output FOLDER` from a temporary current folder.
    func testCommandsWriteIntoEveryShapeOfFolder() throws {
        let count = folders(relativeTo: URL(fileURLWithPath: "/")).count
        for k in 0..<count {
            let dir = try TestSupport.temporaryDirectory()
            let folder = folders(relativeTo: dir)[k]
            let netlist = try TestSupport.runCLI(
                ["netlist", "--rows", "2", "--cols", "2", "--output", (folder as NSString).appendingPathComponent("n.cir")], in: dir)
            XCTAssertEqual(netlist.status, 0, "\(folder): \(netlist.stderr)")
            let cir = dir.appendingPathComponent(folder).appendingPathComponent("n.cir").path
            XCTAssertTrue(((try? String(contentsOfFile: cir, encoding: .utf8)) ?? "").contains(".end"), folder)
            let train = try TestSupport.runCLI(
                ["train", "--epochs", "1", "--train-limit", "50", "--test-limit", "50", "--output", folder], in: dir)
            XCTAssertEqual(train.status, 0, "\(folder): \(train.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(folder).appendingPathComponent("summary.json").path), folder)
        }
    }
}
